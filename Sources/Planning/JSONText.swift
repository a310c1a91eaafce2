import Foundation

/// Writes JSON text directly: the public register of 10,000 comments must answer in
/// milliseconds, which Foundation's encoders (and date formatters) do not.
public enum JSONText {
    /// A JSON string literal; strings that need no escaping (most) are copied as they are.
    public static func quote(_ s: String) -> String {
        var needsEscape = false
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C { needsEscape = true; break }
        if !needsEscape { return "\"" + s + "\"" }
        var out = "\""
        out.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    public static func quote(_ s: String?) -> String { s.map { quote($0) } ?? "null" }

    /// An object from members whose values are JSON text already, in the given order.
    public static func object(_ members: KeyValuePairs<String, String>) -> String {
        var out = "{"
        var first = true
        for (k, v) in members {
            if !first { out += "," }
            first = false
            out += quote(k) + ":" + v
        }
        return out + "}"
    }

    public static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

    /// UTC time as ISO 8601 with milliseconds ("2026-11-21T18:22:05.123Z"), computed without
    /// a formatter (Howard Hinnant's civil-from-days).
    public static func time(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        let h = msOfDay / 3_600_000, mi = (msOfDay / 60_000) % 60, sec = (msOfDay / 1000) % 60, milli = msOfDay % 1000
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(sec, 2)).\(pad(milli, 3))Z"
    }

    public static func number(_ d: Double) -> String { d.isFinite ? "\(d)" : "null" }
}
