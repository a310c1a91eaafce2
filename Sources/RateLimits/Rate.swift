import Foundation

/// "At most `count` per `period`", written `30/hour`, `5/minute`, `1000/day`, `20/10min`; `off`
/// for no limit. It allows a burst of `count` and then `count` per `period` on average (a token
/// bucket), so a household sharing one address is not cut off after one busy minute.
public struct Rate: Sendable, Hashable, CustomStringConvertible {
    public let count: Int
    public let period: TimeInterval

    public init(count: Int, period: TimeInterval) { self.count = count; self.period = period }

    /// nil for `off` (or `0`); throws a sentence for anything it cannot read.
    public static func parse(_ text: String) throws(RateParseError) -> Rate? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "off" || t == "0" || t == "none" { return nil }
        let parts = t.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let count = Int(parts[0].trimmingCharacters(in: .whitespaces)), count > 0 else {
            throw RateParseError(text)
        }
        var unit = parts[1].trimmingCharacters(in: .whitespaces)
        let digits = unit.prefix { $0.isNumber }
        let multiple = digits.isEmpty ? 1 : Int(digits) ?? 0
        unit = unit.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let seconds: TimeInterval
        switch unit {
        case "s", "sec", "second", "seconds": seconds = 1
        case "min", "minute", "minutes": seconds = 60
        case "h", "hour", "hours": seconds = 3600
        case "d", "day", "days": seconds = 86_400
        default: throw RateParseError(text)
        }
        guard multiple > 0 else { throw RateParseError(text) }
        return Rate(count: count, period: seconds * Double(multiple))
    }

    public var description: String {
        let units: [(TimeInterval, String)] = [(86_400, "day"), (3600, "hour"), (60, "minute"), (1, "second")]
        for (seconds, name) in units where period >= seconds && period.truncatingRemainder(dividingBy: seconds) == 0 {
            let n = Int(period / seconds)
            return n == 1 ? "\(count)/\(name)" : "\(count)/\(n)\(name == "minute" ? "min" : String(name.prefix(1)))"
        }
        return "\(count)/\(period)s"
    }
}

public struct RateParseError: Error, CustomStringConvertible {
    public let text: String
    init(_ text: String) { self.text = text }
    public var description: String { "'\(text)' is not a rate: write count/period, e.g. 30/hour, 5/minute, 20/10min, or off" }
}
