import Foundation

/// Comma-separated values as RFC 4180 defines them: quoted fields may hold commas, quotes
/// (doubled) and line breaks; lines end in CRLF or LF. A UTF-8 byte-order mark is skipped.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) { self.header = header; self.rows = rows }

    /// The position of a column, or nil.
    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }
}

public enum CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    case unterminatedQuote(line: Int)
    case empty

    public var description: String {
        switch self {
        case .unterminatedQuote(let line): "a quoted field that starts on line \(line) never ends"
        case .empty: "the file is empty (a CSV file needs a header line)"
        }
    }
}

public enum CSV {
    public static func read(_ data: Data) throws(CSVError) -> CSVTable {
        var reader = try CSVReader(data)
        return CSVTable(header: reader.header, rows: try reader.next(.max))
    }

    /// UTF-8 bytes as a String, through a buffer pointer: decoding an ArraySlice directly takes
    /// the standard library's slow path, which dominated reading large files.
    static func text(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    /// One line of CSV, quoting fields that need it, ending in CRLF as RFC 4180 says.
    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }

    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func write(_ table: CSVTable) -> Data {
        var out = line(table.header)
        for row in table.rows { out += line(row) }
        return Data(out.utf8)
    }
}

/// Reads a CSV file one record at a time, so that a large file can be worked on (an import
/// writing its first rows) while the rest is still being parsed. Blank lines are skipped.
public struct CSVReader {
    private let bytes: [UInt8]
    private var i: Int
    private var line = 1
    /// The first record.
    public private(set) var header: [String] = []

    /// Reads the header; a file without one is `.empty`.
    public init(_ data: Data) throws(CSVError) {
        bytes = [UInt8](data)
        i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard let first = try next() else { throw .empty }
        header = first
    }

    /// The share of the file read so far, 0...1.
    public var fractionRead: Double { bytes.isEmpty ? 1 : Double(i) / Double(bytes.count) }

    /// Up to `count` records; empty at the end of the file.
    public mutating func next(_ count: Int) throws(CSVError) -> [[String]] {
        var records: [[String]] = []
        while records.count < count, let record = try next() { records.append(record) }
        return records
    }

    /// The next record, or nil at the end of the file.
    public mutating func next() throws(CSVError) -> [String]? {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        let n = bytes.count
        var record: [String] = []
        while i < n {
            // One field.
            var field: String
            if bytes[i] == quote {
                let startLine = line
                var buffer: [UInt8] = []
                i += 1
                while true {
                    guard i < n else { throw .unterminatedQuote(line: startLine) }
                    let b = bytes[i]
                    if b == quote {
                        if i + 1 < n, bytes[i + 1] == quote { buffer.append(quote); i += 2; continue }
                        i += 1
                        break
                    }
                    if b == lf { line += 1 }
                    buffer.append(b)
                    i += 1
                }
                // Anything between the closing quote and the separator is kept, as most readers do.
                let start = i
                while i < n, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr { i += 1 }
                buffer.append(contentsOf: bytes[start..<i])
                field = CSV.text(buffer[...])
            } else {
                let start = i
                while i < n, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr { i += 1 }
                field = CSV.text(bytes[start..<i])
            }
            record.append(field)
            if i < n, bytes[i] == comma {
                i += 1
                if i == n { record.append("") }
                continue
            }
            // End of record.
            if i < n, bytes[i] == cr { i += 1 }
            if i < n, bytes[i] == lf { i += 1 }
            line += 1
            if record.count == 1 && record[0].isEmpty { record = []; continue }
            return record
        }
        return record.isEmpty ? nil : record
    }
}
