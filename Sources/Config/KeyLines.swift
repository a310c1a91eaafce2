/// Finds the line a key is written on, for error messages. TOMLKit parses the file but does not
/// say where a value came from; this only looks for table headers (`[a.b]`, `[[a.b]]`) and the
/// start of `key = ...` lines in text TOMLKit has already accepted, so it never decides what a
/// value is. When it cannot tell (a key inside an inline table, a multi-line string), the caller
/// names the file without a line.
struct KeyLines {
    let lines: [Substring]

    init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }

    /// The 1-based line of `keyPath` (for an array of tables, the first one that has it).
    func line(of keyPath: [String]) -> Int? {
        var table: [String] = []
        var insideMultilineString: Substring? = nil
        for (index, raw) in lines.enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if let delimiter = insideMultilineString {
                if line.contains(delimiter) { insideMultilineString = nil }
                continue
            }
            if line.hasPrefix("[") {
                let isArray = line.hasPrefix("[[")
                let body = line.dropFirst(isArray ? 2 : 1).prefix { $0 != "]" }
                table = Self.keyParts(body)
                if table == keyPath { return index + 1 }
                continue
            }
            guard let equals = Self.assignment(line) else { continue }
            let key = table + Self.keyParts(line[..<equals])
            if key == keyPath { return index + 1 }
            // A table written as dotted keys or an inline table: its first key names it.
            if key.count > keyPath.count, Array(key.prefix(keyPath.count)) == keyPath { return index + 1 }
            let value = line[line.index(after: equals)...].drop { $0 == " " }
            for delimiter in ["\"\"\"", "'''"] where value.hasPrefix(delimiter) && !value.dropFirst(3).contains(delimiter) {
                insideMultilineString = Substring(delimiter)
            }
        }
        return nil
    }

    /// The index of the `=` of a `key = value` line, outside quotes; nil for anything else.
    private static func assignment(_ line: Substring) -> Substring.Index? {
        guard let first = line.first, first != "#" else { return nil }
        var quote: Character? = nil
        for i in line.indices {
            let c = line[i]
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == "=" { return i }
        }
        return nil
    }

    /// `a."b.c" . d` → ["a", "b.c", "d"].
    static func keyParts(_ text: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character? = nil
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "." {
                parts.append(current); current = ""
            } else if c != " " && c != "\t" {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }
}
