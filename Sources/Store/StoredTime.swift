import Foundation

/// Both backends store times as milliseconds since 1970 (UTC), so a copy between them is exact.
func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
