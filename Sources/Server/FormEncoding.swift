/// `application/x-www-form-urlencoded`, as HTML forms and Open311 clients send it: `&`-separated
/// `name=value` pairs, `+` for a space, `%XX` for a byte, UTF-8 text.
///
/// Decoded byte by byte: Foundation's `replacingOccurrences` and `removingPercentEncoding` go
/// through NSString on Linux and were a fifth of the server's time under POST load.
enum FormEncoding {
    static func decode<Bytes: Collection<UInt8>>(_ body: Bytes) throws -> [(String, String)] {
        var fields: [(String, String)] = []
        var name: [UInt8] = [], value: [UInt8] = []
        var inValue = false
        var pendingHex: [UInt8] = []  // the digits after a '%', at most two
        func finishEscape() throws {
            guard pendingHex.isEmpty else { throw malformed("an incomplete %-escape") }
        }
        func emit() throws {
            try finishEscape()
            if !name.isEmpty || inValue {
                fields.append((try text(name), try text(value)))
            }
            name.removeAll(keepingCapacity: true); value.removeAll(keepingCapacity: true)
            inValue = false
        }
        for byte in body {
            if !pendingHex.isEmpty || byte == UInt8(ascii: "%") {
                if byte == UInt8(ascii: "%") && pendingHex.isEmpty { pendingHex.append(byte); continue }
                guard let digit = hexValue(byte) else { throw malformed("a bad %-escape") }
                pendingHex.append(digit)
                if pendingHex.count == 3 {
                    let decoded = pendingHex[1] << 4 | pendingHex[2]
                    if inValue { value.append(decoded) } else { name.append(decoded) }
                    pendingHex.removeAll(keepingCapacity: true)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "&"): try emit()
            case UInt8(ascii: "=") where !inValue: inValue = true
            case UInt8(ascii: "+"): if inValue { value.append(32) } else { name.append(32) }
            default: if inValue { value.append(byte) } else { name.append(byte) }
            }
        }
        try emit()
        return fields
    }

    private static func text(_ bytes: [UInt8]) throws -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else { throw malformed("text that is not UTF-8") }
        return s
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func malformed(_ what: String) -> Open311Error {
        Open311Error(.badRequest, "the form is not valid application/x-www-form-urlencoded: it has \(what)")
    }
}
