/// A date of the proleptic Gregorian calendar, to and from days since 1970-01-01, with Howard
/// Hinnant's integer algorithms: what every hand-written time format and parse here builds on,
/// since Foundation's calendar arithmetic costs tens of microseconds a call on Linux.
public struct CivilDate: Equatable, Sendable {
    public var year: Int, month: Int, day: Int

    public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    public init(daysSince1970 days: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        month = Int(mp < 10 ? mp + 3 : mp - 9)
        year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
    }

    public var daysSince1970: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = Int64((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Floor division of a count of `unit`s since 1970 into whole days and the rest (also
    /// before 1970).
    public static func split(_ count: Int64, unitsPerDay: Int64) -> (days: Int64, rest: Int64) {
        let days = count >= 0 ? count / unitsPerDay : (count - unitsPerDay + 1) / unitsPerDay
        return (days, count - days * unitsPerDay)
    }
}
