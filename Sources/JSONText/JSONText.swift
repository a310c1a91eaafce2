import Foundation

/// Writes JSON text directly: the public register of 10,000 comments must answer in
/// milliseconds, which Foundation's encoders (and date formatters) do not.
public enum JSONText {
    /// A JSON string literal; strings that need no escaping (most) are copied as they are.
    public static func quote(_ s: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 2)
        JSONBuffer.appendQuoted(s, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
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

    /// UTC time as ISO 8601 with milliseconds ("2026-11-21T18:22:05.123Z").
    public static func time(_ date: Date) -> String {
        var buffer = JSONBuffer(capacity: 26)
        buffer.time(date)
        return String(decoding: buffer.bytes.dropFirst().dropLast(), as: UTF8.self)
    }

    public static func number(_ d: Double) -> String { d.isFinite ? "\(d)" : "null" }
}

/// JSON written as UTF-8 bytes into one growing buffer: what the public register uses, since a
/// String built from thousands of small pieces spends its time allocating.
public struct JSONBuffer {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text that is JSON already.
    public mutating func append(json s: String) { bytes.append(contentsOf: s.utf8) }

    /// Bytes that are JSON already (a string quoted once and kept, say).
    public mutating func append(json b: [UInt8]) { bytes.append(contentsOf: b) }

    /// A number in its shortest form that reads back as the same `Double`; non-finite as null.
    public mutating func number(_ d: Double) {
        if d.isFinite { bytes.append(contentsOf: d.description.utf8) } else { raw("null") }
    }

    public mutating func string(_ s: String) { Self.appendQuoted(s, to: &bytes) }

    /// `s` as a JSON string literal appended to `bytes`: the one JSON string escaper (Open311
    /// documents, the planning register, the audit log's canonical form all use it). Only ASCII
    /// needs a look, since multi-byte UTF-8 never contains bytes below 0x80; runs without
    /// anything to escape are copied in one piece.
    public static func appendQuoted(_ s: String, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            for i in 0..<utf8.count {
                let b = utf8[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                switch b {
                case 0x22: bytes += [0x5C, 0x22]
                case 0x5C: bytes += [0x5C, 0x5C]
                case 0x0A: bytes += [0x5C, 0x6E]
                case 0x0D: bytes += [0x5C, 0x72]
                case 0x09: bytes += [0x5C, 0x74]
                default: bytes += [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]]
                }
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(0x22)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    public mutating func string(_ s: String?) {
        if let s { string(s) } else { raw("null") }
    }

    public mutating func int<T: BinaryInteger>(_ value: T) {
        var v = Int64(value)
        if v < 0 { bytes.append(0x2D); v = -v }
        if v < 10 { bytes.append(0x30 + UInt8(v)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 { d[n] = 0x30 + UInt8(v % 10); v /= 10; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) { bytes.append(d[i]) }
        }
    }

    /// `"2026-11-21T18:22:05.123Z"`, quotes included.
    public mutating func time(_ date: Date) {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, msOfDay) = CivilDate.split(ms, unitsPerDay: 86_400_000)
        let date = CivilDate(daysSince1970: days)
        let (y, m, d) = (Int64(date.year), Int64(date.month), Int64(date.day))
        func pad(_ v: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var v = max(v, 0)
            if v >= divisor * 10 { int(v); return }
            while divisor > 0 { bytes.append(0x30 + UInt8((v / divisor) % 10)); v %= divisor; divisor /= 10 }
        }
        bytes.append(0x22)
        pad(y, 4); bytes.append(0x2D); pad(m, 2); bytes.append(0x2D); pad(d, 2); bytes.append(0x54)
        pad(msOfDay / 3_600_000, 2); bytes.append(0x3A); pad((msOfDay / 60_000) % 60, 2); bytes.append(0x3A)
        pad((msOfDay / 1000) % 60, 2); bytes.append(0x2E); pad(msOfDay % 1000, 3); bytes.append(0x5A)
        bytes.append(0x22)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
