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

    /// The document written in this format, with `root` as the XML root element.
    func render(root: String, _ node: Open311Node) -> String {
        switch self {
        case .json:
            var out = ""
            Self.json(node, into: &out)
            return out
        case .xml:
            var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
            Self.xml(root, node, into: &out)
            return out
        }
    }

    private static func json(_ node: Open311Node, into out: inout String) {
        switch node {
        case .text(let s): jsonString(s, into: &out)
        case .number(let d): out += d.isFinite ? (d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : "\(d)") : "null"
        case .integer(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .object(let fields):
            out += "{"
            var first = true
            for (key, value) in fields {
                guard let value else { continue }
                if !first { out += "," }
                first = false
                jsonString(key, into: &out)
                out += ":"
                json(value, into: &out)
            }
            out += "}"
        case .list(_, let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                json(item, into: &out)
            }
            out += "]"
        }
    }

    private static func jsonString(_ s: String, into out: inout String) {
        out += "\""
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
        out += "\""
    }

    private static func xml(_ name: String, _ node: Open311Node, into out: inout String) {
        out += "<\(name)>"
        switch node {
        case .text(let s): XML.escape(s, into: &out)
        case .number, .integer, .bool:
            var text = ""
            json(node, into: &text)
            out += text
        case .object(let fields):
            for (key, value) in fields { if let value { xml(key, value, into: &out) } }
        case .list(let item, let items):
            for i in items { xml(item, i, into: &out) }
        }
        out += "</\(name)>"
    }

}

/// Text for XML 1.0 documents (Open311, Atom).
enum XML {
    static func escape(_ s: String, into out: inout String) {
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // Characters XML 1.0 forbids are dropped rather than sent broken.
            case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\r" && scalar != "\t": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        escape(s, into: &out)
        return out
    }
}
