import Foundation
import Geo
@testable import Reports
import Testing

@Suite struct LocalTimeTests {
    let vilnius = LocalTime(TimeZone(identifier: "Europe/Vilnius")!)
    let boston = LocalTime(TimeZone(identifier: "America/New_York")!)

    /// The hand-written formatter against Foundation's ISO 8601 style: random instants from 1970 to 2065
    /// (zones before 1970 had offsets with seconds, which ISO 8601 cannot write) and every minute
    /// around daylight-saving changes in Europe and North America, in four zones.
    @Test func formatAgreesWithFoundation() throws {
        var random = SplitMix64(seed: 42)
        var instants = (0..<3_000).map { _ in Date(timeIntervalSince1970: Double(random.next() % 3_000_000_000)) }
        for change in ["2026-03-29T00:00:00Z", "2026-10-25T00:00:00Z", "2015-03-29T00:00:00Z", "2015-03-08T05:00:00Z", "2026-11-01T04:00:00Z"] {
            let start = try #require(Open311Time.parse(change))
            instants += (0..<6 * 60).map { start.addingTimeInterval(Double($0) * 60) }
        }
        for zone in ["Europe/Vilnius", "America/New_York", "Europe/Oslo", "UTC"].map({ TimeZone(identifier: $0)! }) {
            let time = LocalTime(zone)
            let style = Date.ISO8601FormatStyle(timeZone: zone).year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
            for instant in instants {
                #expect(time.format(instant) == instant.formatted(style), "\(instant.timeIntervalSince1970) \(zone.identifier)")
            }
        }
        #expect(vilnius.format(try #require(Open311Time.parse("2026-11-21T12:30:05Z"))) == "2026-11-21T14:30:05+02:00")
        #expect(vilnius.format(try #require(Open311Time.parse("2026-07-01T12:00:00.999Z"))) == "2026-07-01T15:00:00+03:00")
        #expect(boston.format(try #require(Open311Time.parse("2026-07-01T12:00:00Z"))) == "2026-07-01T08:00:00-04:00")
        #expect(LocalTime.utc.format(try #require(Open311Time.parse("2026-07-01T12:00:00+02:00"))) == "2026-07-01T10:00:00Z")
    }

    @Test func daysAreLocalMidnight() throws {
        #expect(vilnius.parseDayOrInstant("2026-03-01").map(vilnius.format) == "2026-03-01T00:00:00+02:00")
        #expect(vilnius.parseDayOrInstant("2026-07-01").map(vilnius.format) == "2026-07-01T00:00:00+03:00")
        #expect(boston.parseDayOrInstant("2026-03-01").map(boston.format) == "2026-03-01T00:00:00-05:00")
        // The same day is a different instant in each city.
        let inVilnius = try #require(vilnius.parseDayOrInstant("2026-07-01")), inBoston = try #require(boston.parseDayOrInstant("2026-07-01"))
        #expect(inBoston.timeIntervalSince(inVilnius) == 7 * 3600)
        for bad in ["2026-02-30", "2026-13-01", "26-01-01", "yesterday", "2026-01-01T00:00:00"] { #expect(vilnius.parseDayOrInstant(bad) == nil, "\(bad)") }
    }
}
