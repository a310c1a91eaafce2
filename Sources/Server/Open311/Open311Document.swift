import Foundation

/// An Open311 response before it is written as XML or JSON. Containers carry the name of their
/// items, because the two formats differ exactly there: JSON ("Spark" convention) drops the root
/// element and turns every container into an array; XML keeps the root and names each child
/// (`services` → `service`, `errors` → `error`).
indirect enum Open311Node: Sendable {
    case text(String)
    case number(Double)
    case integer(Int64)
    case bool(Bool)
    /// Fields in order; nil values are omitted in both formats.
    case object([(String, Open311Node?)])
    /// A container: the element name of each item, and the items.
    case list(item: String, [Open311Node])
}

enum Open311Format: String, Sendable {
    case xml, json

    var contentType: String {
        switch self {
        case .xml: "text/xml; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        }
    }

    /// Splits "services.json" into ("services", .json); nil for an unknown or missing extension.
    static func split(_ file: Substring) -> (name: String, format: Open311Format)? {
        guard let dot = file.lastIndex(of: "."), let format = Open311Format(rawValue: String(file[file.index(after: dot)...]).lowercased()) else {
            return nil
        }
        return (String(file[..<dot]), format)
    }

    /// The document written in this format, with `root` as the XML root element, as UTF-8.
    ///
    /// Written into bytes: appending to a String scalar by scalar was 90% of a 1,000-request
    /// answer's time (150 ms); text without characters to escape is copied in one piece.
    func render(root: String, _ node: Open311Node) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        switch self {
        case .json:
            Self.json(node, into: &out)
        case .xml:
            out += Array(#"<?xml version="1.0" encoding="UTF-8"?>"#.utf8) + [10]
            Self.xml(root, node, into: &out)
        }
        return out
    }

    private static func scalar(_ node: Open311Node) -> String? {
        switch node {
        case .number(let d): d.isFinite ? (d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : "\(d)") : "null"
        case .integer(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .text, .object, .list: nil
        }
    }

    private static func json(_ node: Open311Node, into out: inout [UInt8]) {
        switch node {
        case .text(let s): jsonString(s, into: &out)
        case .number, .integer, .bool: out += scalar(node)!.utf8
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, value) in fields {
                guard let value else { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                jsonString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                json(value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .list(_, let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                json(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }

    private static func jsonString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        var s = s
        s.withUTF8 { bytes in
            // Multi-byte UTF-8 never contains bytes below 0x80, so only ASCII needs a look.
            var start = 0
            for (i, b) in bytes.enumerated() where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                switch b {
                case UInt8(ascii: "\""): out += [92, 34]
                case UInt8(ascii: "\\"): out += [92, 92]
                case 10: out += [92, UInt8(ascii: "n")]
                case 13: out += [92, UInt8(ascii: "r")]
                case 9: out += [92, UInt8(ascii: "t")]
                default: out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]]
                }
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func xml(_ name: String, _ node: Open311Node, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "<")); out += name.utf8; out.append(UInt8(ascii: ">"))
        switch node {
        case .text(let s): XML.escape(s, into: &out)
        case .number, .integer, .bool: out += scalar(node)!.utf8
        case .object(let fields):
            for (key, value) in fields { if let value { xml(key, value, into: &out) } }
        case .list(let item, let items):
            for i in items { xml(item, i, into: &out) }
        }
        out += [UInt8(ascii: "<"), UInt8(ascii: "/")]; out += name.utf8; out.append(UInt8(ascii: ">"))
    }
}

/// Text for XML 1.0 documents (Open311, Atom).
enum XML {
    static func escape(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for (i, b) in bytes.enumerated() where b < 0x20 || b == 38 || b == 60 || b == 62 || b == 34 || b == 39 {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                switch b {
                case 38: out += Array("&amp;".utf8)
                case 60: out += Array("&lt;".utf8)
                case 62: out += Array("&gt;".utf8)
                case 34: out += Array("&quot;".utf8)
                case 39: out += Array("&apos;".utf8)
                case 13: out += Array("&#13;".utf8)  // a literal CR would be read back as a line feed
                case 9, 10: out.append(b)
                default: break  // characters XML 1.0 forbids are dropped rather than sent broken
                }
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }

    static func escape(_ s: String) -> String {
        var out: [UInt8] = []
        escape(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
