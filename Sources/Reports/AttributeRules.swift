import Foundation
import JSONText
import Messages
import Synchronization
import Geo
import Store

/// Checks `attribute[CODE]` values against a service definition, by Open311 datatype.
enum AttributeRules {
    static func check(_ given: [String: [String]], against service: Service, settings: IntakeSettings) throws(IntakeError) -> [String: [String]] {
        let known = Dictionary(service.attributes.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for code in given.keys.sorted() where known[code]?.variable != true { throw .unknownAttribute(code) }
        var checked: [String: [String]] = [:]
        for attribute in service.attributes.sorted(by: { $0.order < $1.order }) where attribute.variable {
            let values = (given[attribute.code] ?? []).map(\.trimmingWhitespace).filter { !$0.isEmpty }
            if values.isEmpty {
                if attribute.required { throw .missingAttribute(code: attribute.code, question: attribute.description.text("en")) }
                continue
            }
            checked[attribute.code] = try check(values, attribute, settings)
        }
        return checked
    }

    private static func check(_ values: [String], _ a: ServiceAttribute, _ settings: IntakeSettings) throws(IntakeError) -> [String] {
        let code = a.code
        if a.datatype != .multivaluelist, values.count > 1 {
            throw .invalidAttribute(code: code, reason: .intake(.oneValueOnly, ["count": .number(values.count)]))
        }
        let value = values[0]
        switch a.datatype {
        case .string:
            if value.count > settings.maximumString { throw .invalidAttribute(code: code, reason: .intake(.answerTooLong, ["max": .number(settings.maximumString)])) }
        case .text:
            if value.count > settings.maximumText { throw .invalidAttribute(code: code, reason: .intake(.answerTooLong, ["max": .number(settings.maximumText)])) }
        case .number:
            guard let n = Double(value), n.isFinite else { throw .invalidAttribute(code: code, reason: .intake(.notANumber, ["value": .text(String(value.prefix(40)))])) }
            if let lo = a.minimum, n < lo { throw .invalidAttribute(code: code, reason: .intake(.belowMinimum, ["minimum": .text(WKT.number(lo)), "value": .text(value)])) }
            if let hi = a.maximum, n > hi { throw .invalidAttribute(code: code, reason: .intake(.aboveMaximum, ["maximum": .text(WKT.number(hi)), "value": .text(value)])) }
        case .datetime:
            guard Open311Time.parse(value) != nil else {
                throw .invalidAttribute(code: code, reason: .intake(.notADateTime))
            }
        case .singlevaluelist, .multivaluelist:
            let keys = Set(a.values.map(\.key))
            for v in values where !keys.contains(v) {
                throw .invalidAttribute(code: code, reason: .intake(.notInList, ["value": .text(String(v.prefix(40))), "values": .list(a.values.map { .text($0.key) })]))
            }
            if Set(values).count != values.count { throw .invalidAttribute(code: code, reason: .intake(.repeatsValue)) }
        }
        return values
    }
}

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

    /// "2026-11-21T14:30:00+02:00" in the given zone (the city's, Europe/Vilnius by default).
    ///
    /// Written by hand: Foundation's ISO 8601 format style costs tens of microseconds a call on
    /// Linux, and a page of 1,000 requests formats 2,000 dates (it was 90% of that answer's time).
    public static func format(_ date: Date, timeZone: TimeZone = Open311Time.cityTimeZone) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        format(date, timeZone: timeZone, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same, appended to UTF-8 bytes (ASCII only: nothing to escape in JSON or XML).
    public static func format(_ date: Date, timeZone: TimeZone = Open311Time.cityTimeZone, into out: inout [UInt8]) {
        let utc = Int64((date.timeIntervalSince1970).rounded(.down))
        let offset = Self.offset(utc, timeZone)
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

    public static let cityTimeZone = TimeZone(identifier: "Europe/Vilnius") ?? .gmt

    /// The city zone's UTC offsets by quarter hour (zones change offset on quarter hours):
    /// `TimeZone.secondsFromGMT(for:)` was most of the formatting time.
    private static let cityOffsets = Mutex<[Int64: Int]>([:])

    private static func offset(_ utc: Int64, _ zone: TimeZone) -> Int {
        guard zone == cityTimeZone else { return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc))) }
        let quarter = utc >= 0 ? utc / 900 : (utc - 899) / 900
        if let known = cityOffsets.withLock({ $0[quarter] }) { return known }
        let found = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(quarter * 900)))
        cityOffsets.withLock { cache in
            if cache.count > 200_000 { cache.removeAll() }  // about five years of quarter hours
            cache[quarter] = found
        }
        return found
    }

    /// An instant as `parse` takes it, or a calendar day ("2015-03-01"), meaning its first
    /// moment in the city's time zone: what people type into a date filter.
    public static func parseDayOrInstant(_ text: String) -> Date? {
        if let instant = parse(text) { return instant }
        let parts = text.trimmingWhitespace.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), (1...31).contains(d) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = cityTimeZone
        let components = DateComponents(year: y, month: m, day: d)
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == d else { return nil }
        return date
    }
}
