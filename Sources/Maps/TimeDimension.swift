import Foundation

/// A TIME dimension value (WMS 1.3.0 Annex C / ISO 8601) as the half-open window of report times
/// it selects, in milliseconds since 1970 UTC; nil bounds are open.
///
/// - An instant selects the whole period of its precision: `2015-03` is March 2015,
///   `2015-03-05` that day, `2015-03-05T10:00Z` that minute, seconds that second.
/// - `start/end` and `start/end/period` select from the start of `start` to the end of `end`
///   (the period, a resolution for clients stepping through the extent, does not narrow it);
///   `..` or an empty side leaves that side open.
/// - `current` selects everything up to now.
/// Times without an offset are UTC. Lists of values are not supported (one window per request).
public struct TimeWindow: Hashable, Sendable {
    public var since: Int64?
    public var until: Int64?

    public init(since: Int64?, until: Int64?) { self.since = since; self.until = until }

    /// Parses a TIME value; throws `WMSError` InvalidDimensionValue or MissingDimensionValue.
    public static func parse(_ text: String, now: Date = Date()) throws(WMSError) -> TimeWindow {
        let value = text.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { throw WMSError(.missingDimensionValue, "TIME is given without a value", locator: "TIME") }
        if value.contains(",") {
            throw WMSError(.invalidDimensionValue, "TIME lists are not supported: give one instant or one interval", locator: "TIME")
        }
        if value.lowercased() == "current" { return TimeWindow(since: nil, until: Int64(now.timeIntervalSince1970 * 1000)) }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func bad() -> WMSError {
            WMSError(.invalidDimensionValue, "TIME must be an ISO 8601 instant or start/end[/period], got '\(value.prefix(80))'", locator: "TIME")
        }
        switch parts.count {
        case 1:
            guard let period = Instant(parts[0]) else { throw bad() }
            return TimeWindow(since: period.start, until: period.end)
        case 2, 3:
            if parts.count == 3, !parts[2].uppercased().hasPrefix("P") { throw bad() }
            let open: Set<String> = ["", ".."]
            var window = TimeWindow(since: nil, until: nil)
            if !open.contains(parts[0]) {
                guard let start = Instant(parts[0]) else { throw bad() }
                window.since = start.start
            }
            if !open.contains(parts[1]) {
                guard let end = Instant(parts[1]) else { throw bad() }
                window.until = end.end
            }
            if let s = window.since, let u = window.until, s >= u {
                throw WMSError(.invalidDimensionValue, "TIME interval ends before it starts: '\(value.prefix(80))'", locator: "TIME")
            }
            return window
        default:
            throw bad()
        }
    }

    /// An ISO 8601 date-time of any precision from a year to fractions of a second.
    struct Instant {
        let start: Int64
        let end: Int64

        init?(_ text: String) {
            let scanner = Array(text.utf8)
            var i = 0
            func digits(_ n: Int) -> Int? {
                guard i + n <= scanner.count else { return nil }
                var v = 0
                for k in i..<(i + n) {
                    let c = scanner[k]
                    guard c >= 48 && c <= 57 else { return nil }
                    v = v * 10 + Int(c - 48)
                }
                i += n
                return v
            }
            func accept(_ char: Character) -> Bool {
                if i < scanner.count, scanner[i] == char.asciiValue! { i += 1; return true }
                return false
            }
            var components = DateComponents()
            guard let year = digits(4) else { return nil }
            components.year = year; components.month = 1; components.day = 1
            var unit: Calendar.Component = .year
            var fractionMillis = 0
            if accept("-") {
                guard let month = digits(2), (1...12).contains(month) else { return nil }
                components.month = month; unit = .month
                if accept("-") {
                    guard let day = digits(2), (1...31).contains(day) else { return nil }
                    components.day = day; unit = .day
                    if accept("T") || accept("t") || accept(" ") {
                        guard let hour = digits(2), hour < 24 else { return nil }
                        components.hour = hour; unit = .hour
                        if accept(":") {
                            guard let minute = digits(2), minute < 60 else { return nil }
                            components.minute = minute; unit = .minute
                            if accept(":") {
                                guard let second = digits(2), second < 61 else { return nil }
                                components.second = second; unit = .second
                                if accept(".") || accept(",") {
                                    var scale = 100, any = false
                                    while i < scanner.count, scanner[i] >= 48, scanner[i] <= 57 {
                                        fractionMillis += Int(scanner[i] - 48) * scale
                                        scale /= 10; i += 1; any = true
                                    }
                                    guard any else { return nil }
                                    unit = .nanosecond
                                }
                            }
                        }
                        // The offset: Z, ±hh, ±hh:mm, ±hhmm.
                        var offsetSeconds = 0
                        if accept("Z") || accept("z") {
                        } else if i < scanner.count, scanner[i] == UInt8(ascii: "+") || scanner[i] == UInt8(ascii: "-") {
                            let sign = scanner[i] == UInt8(ascii: "-") ? -1 : 1
                            i += 1
                            guard let h = digits(2) else { return nil }
                            var m = 0
                            _ = accept(":")
                            if i < scanner.count { guard let mm = digits(2) else { return nil }; m = mm }
                            offsetSeconds = sign * (h * 3600 + m * 60)
                        }
                        components.timeZone = TimeZone(secondsFromGMT: offsetSeconds)
                    }
                }
            }
            guard i == scanner.count else { return nil }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            if components.timeZone == nil { components.timeZone = calendar.timeZone }
            var local = calendar
            local.timeZone = components.timeZone!
            // The calendar would roll 2015-02-30 over into March: refuse dates that do not exist.
            guard let date = local.date(from: components), local.component(.day, from: date) == components.day else { return nil }
            let startMillis = Int64((date.timeIntervalSince1970 * 1000).rounded()) + Int64(fractionMillis)
            if unit == .nanosecond {
                start = startMillis; end = startMillis + 1
            } else {
                guard let next = calendar.date(byAdding: unit, value: 1, to: date) else { return nil }
                start = startMillis; end = Int64((next.timeIntervalSince1970 * 1000).rounded())
            }
        }
    }

    /// ISO 8601 text of a time in milliseconds, to the second, UTC.
    public static func iso(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
