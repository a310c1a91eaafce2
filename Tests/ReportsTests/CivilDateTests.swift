import Foundation
import JSONText
import Testing
@testable import Reports

/// The one civil-date conversion the hand-written time formats and parsers share, checked
/// against Foundation's Gregorian calendar.
@Suite struct CivilDateTests {
    @Test func daysAndDatesRoundTripAndAgreeWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // 1900-03-01 to 2100-02-28 and more, every 7th day (every weekday, every month end).
        for days in stride(from: Int64(-25_508), through: 47_540, by: 7) {
            let date = CivilDate(daysSince1970: days)
            let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            #expect(date == CivilDate(year: c.year!, month: c.month!, day: c.day!), "\(days)")
            #expect(date.daysSince1970 == days)
        }
        #expect(CivilDate(year: 2024, month: 2, day: 29).daysSince1970 + 1 == CivilDate(year: 2024, month: 3, day: 1).daysSince1970)
        let split = CivilDate.split(-1, unitsPerDay: 86_400)
        #expect(split.days == -1 && split.rest == 86_399)
    }

    @Test func theFormatsAndTheImportParserUseIt() throws {
        let instant = Date(timeIntervalSince1970: 951_782_400.25)  // 2000-02-29T00:00:00.25Z
        #expect(JSONText.time(instant) == "2000-02-29T00:00:00.250Z")
        #expect(LocalTime(TimeZone(identifier: "Europe/Vilnius")!).format(instant) == "2000-02-29T02:00:00+02:00")
        let boston = LocalTimeParser(timeZone: TimeZone(identifier: "America/New_York")!)
        #expect(boston.parse("2000-02-28T19:00:00") == Date(timeIntervalSince1970: 951_782_400))
        #expect(JSONText.time(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }
}
