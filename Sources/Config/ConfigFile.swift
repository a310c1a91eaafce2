import Foundation
import TOMLKit

/// A value read from the configuration file, copied out of TOMLKit's tree at once (its tables are
/// reference types that are not `Sendable`), so TOMLKit stays inside this file.
public indirect enum FileValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    /// Dates and times, as TOML wrote them (no setting takes one today).
    case dateTime(String)
    case array([FileValue])
    /// Keys in the order TOMLKit gives them.
    case table([(key: String, value: FileValue)])

    public static func == (a: FileValue, b: FileValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.dateTime(let x), .dateTime(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.table(let x), .table(let y)): return x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
        default: return false
        }
    }

    /// What kind of value it is, for messages ("expected a number, found a string").
    public var kind: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "true or false"
        case .dateTime: "a date"
        case .array: "a list"
        case .table: "a table"
        }
    }
}

/// The configuration file: its path, its text (for finding the line of a key) and its values.
public struct ConfigFile: Sendable {
    public let path: String
    public let text: String
    public let root: [(key: String, value: FileValue)]

    /// Reads and parses `path` (TOML). A syntax error names the line and column.
    public init(path: String) throws(ConfigurationError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError([.init(location: path, message: "cannot read the configuration file: \((error as NSError).localizedDescription)")])
        }
        try self.init(path: path, text: text)
    }

    public init(path: String, text: String) throws(ConfigurationError) {
        self.path = path
        self.text = text
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw ConfigurationError([.init(location: "\(path):\(error.source.begin.line)", message: "not valid TOML: \(error.description) (column \(error.source.begin.column))")])
        } catch {
            throw ConfigurationError([.init(location: path, message: "not valid TOML: \(error)")])
        }
        root = Self.entries(of: table)
    }

    /// Where `path` (e.g. ["server", "port"]) is written: "miestas.toml:12", or the file alone
    /// when the line cannot be found.
    public func location(of keyPath: [String]) -> String {
        KeyLines(text).line(of: keyPath).map { "\(path):\($0)" } ?? path
    }

    private static func entries(of table: TOMLTable) -> [(key: String, value: FileValue)] {
        table.keys.compactMap { key in table[key].map { (key, value($0)) } }
    }

    private static func value(_ node: TOMLValueConvertible) -> FileValue {
        switch node.type {
        case .string: return .string(node.string ?? "")
        case .int: return .integer(node.int ?? 0)
        case .double: return .number(node.double ?? 0)
        case .bool: return .boolean(node.bool ?? false)
        case .table: return .table(node.table.map(entries(of:)) ?? [])
        case .array: return .array(node.array.map { array in array.map { value($0) } } ?? [])
        case .date, .time, .dateTime: return .dateTime(node.debugDescription)
        }
    }
}
