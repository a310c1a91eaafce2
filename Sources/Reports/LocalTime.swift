import Foundation
import JSONText
import Synchronization

/// Open311's dates: W3C ISO 8601 with the offset given (`Z` or `±HH:MM`).
public enum Open311Time {
    /// Parses "2026-11-21T14:30:00+02:00", "2026-11-21T12:30:00Z" and the same with fractional
    /// seconds; nil for anything else, including a time without an offset.
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingWhitespace
        if let d = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: false)) { return d }
        if let d = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return d }
        return nil
    }
}

/// The municipality's local time (`municipality.time_zone`): instants written as ISO 8601 with
/// the zone's offset at that instant, and calendar days and weeks as people there count them.
/// One value per configuration, handed to everything that shows or groups times.
public final class LocalTime: Sendable {
    public let timeZone: TimeZone
    /// The zone's UTC offsets by quarter hour (zones change offset on quarter hours):
    /// `TimeZone.secondsFromGMT(for:)` was most of the formatting time.
    private let offsets = Mutex<[Int64: Int]>([:])

    public init(_ timeZone: TimeZone) { self.timeZone = timeZone }

    /// UTC, for tests and for output meant for machines anywhere.
    public static let utc = LocalTime(TimeZone(identifier: "UTC")!)

    /// A Gregorian calendar in this zone whose weeks start on Monday (ISO 8601).
    public var calendar: Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        return calendar
    }

    /// "2026-11-21T14:30:00+02:00".
    ///
    /// Written by hand: Foundation's ISO 8601 format style costs tens of microseconds a call on
    /// Linux, and a page of 1,000 requests formats 2,000 dates (it was 90% of that answer's time).
    public func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        format(date, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same, appended to UTF-8 bytes (ASCII only: nothing to escape in JSON or XML).
    public func format(_ date: Date, into out: inout [UInt8]) {
        let utc = Int64((date.timeIntervalSince1970).rounded(.down))
        let offset = offset(utc)
        let local = utc + Int64(offset)
        let (days, second) = CivilDate.split(local, unitsPerDay: 86_400)
        let secondOfDay = Int(second)
        let date = CivilDate(daysSince1970: days)
        let (year, month, day) = (date.year, date.month, date.day)
        func digits(_ n: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(n / divisor % 10))
                divisor /= 10
            }
        }
        func separator(_ c: Unicode.Scalar) { out.append(UInt8(ascii: c)) }
        if (0...9999).contains(year) { digits(year, 4) } else { out += String(year).utf8 }
        separator("-"); digits(month, 2); separator("-"); digits(day, 2); separator("T")
        digits(secondOfDay / 3600, 2); separator(":"); digits(secondOfDay / 60 % 60, 2); separator(":"); digits(secondOfDay % 60, 2)
        if offset == 0 { separator("Z") } else {
            separator(offset > 0 ? "+" : "-")
            digits(abs(offset) / 3600, 2); separator(":"); digits(abs(offset) / 60 % 60, 2)
        }
    }

    /// The zone's offset from UTC at a Unix time, in seconds.
    private func offset(_ utc: Int64) -> Int {
        let quarter = utc >= 0 ? utc / 900 : (utc - 899) / 900
        if let known = offsets.withLock({ $0[quarter] }) { return known }
        let found = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(quarter * 900)))
        offsets.withLock { cache in
            if cache.count > 200_000 { cache.removeAll() }  // about five years of quarter hours
            cache[quarter] = found
        }
        return found
    }

    /// An instant as `Open311Time.parse` takes it, or a calendar day ("2015-03-01"), meaning its
    /// first moment in this zone: what people type into a date filter.
    public func parseDayOrInstant(_ text: String) -> Date? {
        if let instant = Open311Time.parse(text) { return instant }
        let parts = text.trimmingWhitespace.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), (1...31).contains(d) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: y, month: m, day: d)
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == d else { return nil }
        return date
    }
}
