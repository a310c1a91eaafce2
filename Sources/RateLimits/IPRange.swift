#if canImport(Glibc)
import Glibc
#endif

/// An IP address or a CIDR range ("10.0.0.0/8", "2001:db8::/32", "127.0.0.1"): the proxies whose
/// `X-Forwarded-For` is believed. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) count as IPv4.
public struct IPRange: Sendable, Hashable, CustomStringConvertible {
    /// 4 or 16 bytes.
    let network: [UInt8]
    let prefixLength: Int
    public let description: String

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddress(Substring(first)) else { return nil }
        let bits = address.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard let n = Int(parts[1]), (0...bits).contains(n) else { return nil }
            length = n
        }
        network = Self.masked(address.bytes, length)
        prefixLength = length
        description = parts.count == 2 ? "\(first)/\(length)" : String(first)
    }

    /// Whether `address` (text, as a socket or a header gives it) lies in the range.
    public func contains(_ address: String) -> Bool {
        IPAddress(Substring(address)).map(contains) ?? false
    }

    func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == network.count && Self.masked(address.bytes, prefixLength) == network
    }

    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        var out = bytes
        for index in out.indices {
            let bitsHere = max(0, min(8, length - index * 8))
            if bitsHere < 8 { out[index] &= UInt8(truncatingIfNeeded: 0xff << (8 - bitsHere)) }
        }
        return out
    }
}

/// An address read from text once: IPv4 by hand (the common case, on every request behind a
/// proxy), IPv6 through `inet_pton`. Surrounding spaces and the brackets of `[::1]` are ignored.
struct IPAddress: Sendable, Hashable {
    let bytes: [UInt8]

    init?(_ raw: Substring) {
        var text = raw.utf8[...]
        while let c = text.first, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "[") { text = text.dropFirst() }
        while let c = text.last, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "]") { text = text.dropLast() }
        if let v4 = Self.ipv4(text) { bytes = v4; return }
        guard text.contains(UInt8(ascii: ":")), text.count <= 45 else { return nil }
        var v6 = in6_addr()
        let parsed = String(decoding: text, as: UTF8.self).withCString { inet_pton(AF_INET6, $0, &v6) }
        guard parsed == 1 else { return nil }
        let all = withUnsafeBytes(of: &v6) { Array($0) }
        // IPv4-mapped (::ffff:a.b.c.d) is the IPv4 address.
        if all[0..<10].allSatisfy({ $0 == 0 }), all[10] == 0xff, all[11] == 0xff { bytes = Array(all[12...]) } else { bytes = all }
    }

    /// "a.b.c.d" with each part 0–255 and no leading sign; nil for anything else.
    private static func ipv4(_ text: Substring.UTF8View.SubSequence) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(4)
        var value = 0, digits = 0
        for c in text {
            if c == UInt8(ascii: ".") {
                guard digits > 0, out.count < 3 else { return nil }
                out.append(UInt8(value)); value = 0; digits = 0
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                value = value * 10 + Int(c - UInt8(ascii: "0")); digits += 1
                guard value <= 255, digits <= 3 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, out.count == 3 else { return nil }
        out.append(UInt8(value))
        return out
    }
}
