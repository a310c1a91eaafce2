import Foundation
import JSONText
import Reports

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
    /// A value that writes itself (an object's fields straight into the bytes): for the request
    /// lists, whose thousand reports as trees of nodes cost more than writing them.
    case written(@Sendable (inout Open311Writer) -> Void)
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
    func render(root: String, _ node: Open311Node, time: LocalTime) -> [UInt8] {
        var writer = Open311Writer(format: self, time: time)
        writer.document(root: root, node)
        return writer.bytes
    }
}

/// Writes Open311 documents as UTF-8 bytes, in either format, from nodes or field by field.
///
/// Written into bytes: appending to a String scalar by scalar was 90% of a 1,000-request answer's
/// time (150 ms); text without characters to escape is copied in one piece.
struct Open311Writer {
    let format: Open311Format
    /// The city's local time, which dates are written in.
    let time: LocalTime
    private(set) var bytes: [UInt8] = []
    /// JSON: for each open object or array, whether nothing has been written into it yet.
    private var empty: [Bool] = []

    init(format: Open311Format, time: LocalTime) {
        self.format = format
        self.time = time
        bytes.reserveCapacity(4096)
    }

    /// A whole document: in XML under its root element, in JSON the bare value.
    mutating func document(root: String, _ node: Open311Node) {
        switch format {
        case .json:
            write(node)
        case .xml:
            bytes += Array(#"<?xml version="1.0" encoding="UTF-8"?>"#.utf8) + [10]
            element(root) { $0.write(node) }
        }
    }

    mutating func write(_ node: Open311Node) {
        switch node {
        case .text(let s): text(s)
        case .number(let d): number(d)
        case .integer(let i): bytes += String(i).utf8
        case .bool(let b): bytes += (b ? "true" : "false").utf8
        case .object(let fields):
            object { w in
                for (key, value) in fields { if let value { w.field(key) { $0.write(value) } } }
            }
        case .list(let item, let items):
            open(UInt8(ascii: "["))
            for i in items { member(item) { $0.write(i) } }
            close(UInt8(ascii: "]"))
        case .written(let write):
            write(&self)
        }
    }

    /// An object whose fields `body` writes.
    mutating func object(_ body: (inout Open311Writer) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    /// A field of the object being written: `"key":value` or `<key>value</key>`.
    mutating func field(_ key: String, _ value: (inout Open311Writer) -> Void) {
        switch format {
        case .json:
            separate()
            jsonString(key)
            bytes.append(UInt8(ascii: ":"))
            value(&self)
        case .xml:
            element(key, value)
        }
    }

    mutating func field(_ key: String, text value: String) { field(key) { $0.text(value) } }
    mutating func field(_ key: String, number value: Double) { field(key) { $0.number(value) } }

    /// A date in the spec's form (ISO 8601 with the city's offset); ASCII, so never escaped.
    mutating func field(_ key: String, time value: Date) {
        field(key) { w in
            if w.format == .json { w.bytes.append(UInt8(ascii: "\"")) }
            w.time.format(value, into: &w.bytes)
            if w.format == .json { w.bytes.append(UInt8(ascii: "\"")) }
        }
    }

    mutating func text(_ s: String) {
        switch format {
        case .json: jsonString(s)
        case .xml: XML.escape(s, into: &bytes)
        }
    }

    /// A JSON number; whole numbers without a fraction, non-finite ones as null.
    mutating func number(_ d: Double) {
        bytes += (d.isFinite ? (d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : "\(d)") : "null").utf8
    }

    // MARK: Containers

    /// An item of a list: JSON separates items, XML names each.
    private mutating func member(_ item: String, _ value: (inout Open311Writer) -> Void) {
        switch format {
        case .json:
            separate()
            value(&self)
        case .xml:
            element(item, value)
        }
    }

    private mutating func element(_ name: String, _ content: (inout Open311Writer) -> Void) {
        bytes.append(UInt8(ascii: "<")); bytes += name.utf8; bytes.append(UInt8(ascii: ">"))
        content(&self)
        bytes += [UInt8(ascii: "<"), UInt8(ascii: "/")]; bytes += name.utf8; bytes.append(UInt8(ascii: ">"))
    }

    /// JSON opens an object or array; XML has nothing to write (elements carry the structure).
    private mutating func open(_ bracket: UInt8) {
        guard format == .json else { return }
        bytes.append(bracket)
        empty.append(true)
    }

    private mutating func close(_ bracket: UInt8) {
        guard format == .json else { return }
        bytes.append(bracket)
        empty.removeLast()
    }

    /// JSON: a comma before every member but the first.
    private mutating func separate() {
        if empty.last == false { bytes.append(UInt8(ascii: ",")) }
        if !empty.isEmpty { empty[empty.count - 1] = false }
    }

    private mutating func jsonString(_ s: String) { JSONBuffer.appendQuoted(s, to: &bytes) }
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
