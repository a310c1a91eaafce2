import Foundation
import Geo
@testable import Reports
import Testing

@Suite struct Open311TimeTests {
    /// The hand-written formatter against Foundation's ISO 8601 style: random instants from 1970 to 2065
    /// (zones before 1970 had offsets with seconds, which ISO 8601 cannot write) and every minute around Vilnius's daylight-saving changes, in three zones.
    @Test func formatAgreesWithFoundation() throws {
        var random = SplitMix64(seed: 42)
        var instants = (0..<3_000).map { _ in Date(timeIntervalSince1970: Double(random.next() % 3_000_000_000)) }
        for change in ["2026-03-29T00:00:00Z", "2026-10-25T00:00:00Z", "2015-03-29T00:00:00Z"] {
            let start = try #require(Open311Time.parse(change))
            instants += (0..<6 * 60).map { start.addingTimeInterval(Double($0) * 60) }
        }
        for zone in [Open311Time.cityTimeZone, TimeZone(identifier: "America/New_York")!, TimeZone(identifier: "UTC")!] {
            let style = Date.ISO8601FormatStyle(timeZone: zone).year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
            for instant in instants {
                #expect(Open311Time.format(instant, timeZone: zone) == instant.formatted(style), "\(instant.timeIntervalSince1970) \(zone.identifier)")
            }
        }
        #expect(Open311Time.format(try #require(Open311Time.parse("2026-11-21T12:30:05Z"))) == "2026-11-21T14:30:05+02:00")
        #expect(Open311Time.format(try #require(Open311Time.parse("2026-07-01T12:00:00.999Z"))) == "2026-07-01T15:00:00+03:00")
    }

    @Test func daysAreMidnightCityTime() throws {
        #expect(Open311Time.parseDayOrInstant("2026-03-01").map { Open311Time.format($0) } == "2026-03-01T00:00:00+02:00")
        #expect(Open311Time.parseDayOrInstant("2026-07-01").map { Open311Time.format($0) } == "2026-07-01T00:00:00+03:00")
        for bad in ["2026-02-30", "2026-13-01", "26-01-01", "yesterday", "2026-01-01T00:00:00"] { #expect(Open311Time.parseDayOrInstant(bad) == nil, "\(bad)") }
    }
}
