/// Well-known text (OGC Simple Features). Reading accepts an EWKT `SRID=n;` prefix and drops
/// Z and M values; writing gives 2D WKT with the shortest round-tripping decimals.
public enum WKT {
    public static func encode(_ geometry: Geometry) -> String {
        func pos(_ c: Coordinate) -> String { "\(number(c.x)) \(number(c.y))" }
        func list(_ cs: [Coordinate]) -> String { "(" + cs.map(pos).joined(separator: ", ") + ")" }
        func rings(_ p: Polygon) -> String { "(" + p.rings.map(list).joined(separator: ", ") + ")" }
        func body(_ items: [String]) -> String { items.isEmpty ? " EMPTY" : " (" + items.joined(separator: ", ") + ")" }
        switch geometry {
        case .point(let c): return "POINT (\(pos(c)))"
        case .lineString(let cs): return cs.isEmpty ? "LINESTRING EMPTY" : "LINESTRING " + list(cs)
        case .polygon(let p): return p.rings.isEmpty ? "POLYGON EMPTY" : "POLYGON " + rings(p)
        case .multiPoint(let cs): return "MULTIPOINT" + body(cs.map { "(\(pos($0)))" })
        case .multiLineString(let ls): return "MULTILINESTRING" + body(ls.map(list))
        case .multiPolygon(let ps): return "MULTIPOLYGON" + body(ps.map(rings))
        case .geometryCollection(let gs): return "GEOMETRYCOLLECTION" + body(gs.map(encode))
        }
    }

    /// A number as people write it: 100, not 100.0; shortest round-tripping digits otherwise.
    public static func number(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
    }

    public static func decode(_ text: String) throws(GeoError) -> Geometry {
        var parser = Parser(Array(text.utf8))
        do {
            parser.skipSRIDPrefix()
            let g = try parser.geometry()
            parser.skipSpace()
            guard parser.atEnd else { throw parser.error("unexpected text after the geometry") }
            return g
        } catch let e as GeoError {
            throw e
        } catch {
            throw .malformed(format: "WKT", reason: "\(error)")
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        static let types: Set<String> = ["POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"]

        var atEnd: Bool { i >= bytes.count }

        func error(_ message: String) -> GeoError {
            .malformed(format: "WKT", reason: "\(message) at character \(i + 1)")
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        }

        mutating func skipSRIDPrefix() {
            skipSpace()
            let upper = bytes[i...].prefix(5).map { $0 & 0xDF }
            if upper == Array("SRID=".utf8).map({ $0 & 0xDF }), let semi = bytes[i...].firstIndex(of: UInt8(ascii: ";")) {
                i = semi + 1
            }
        }

        mutating func word() -> String {
            skipSpace()
            let start = i
            while i < bytes.count, (bytes[i] | 0x20) >= 0x61, (bytes[i] | 0x20) <= 0x7A { i += 1 }
            return String(decoding: bytes[start..<i], as: UTF8.self).uppercased()
        }

        mutating func expect(_ ch: Character) throws(GeoError) {
            skipSpace()
            guard i < bytes.count, bytes[i] == ch.asciiValue! else { throw error("expected '\(ch)'") }
            i += 1
        }

        mutating func peek(_ ch: Character) -> Bool {
            skipSpace()
            return i < bytes.count && bytes[i] == ch.asciiValue!
        }

        /// Reads "EMPTY" if it is next; otherwise consumes nothing.
        mutating func empty() -> Bool {
            let save = i
            if word() == "EMPTY" { return true }
            i = save
            return false
        }

        mutating func number() throws(GeoError) -> Double {
            skipSpace()
            let start = i
            while i < bytes.count, let c = Optional(bytes[i]),
                  (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x2D || c == 0x2B || c == 0x65 || c == 0x45 { i += 1 }
            guard let d = Double(String(decoding: bytes[start..<i], as: UTF8.self)), d.isFinite else {
                i = start
                throw error("expected a number")
            }
            return d
        }

        /// A position: x y, with an optional z and m that are dropped.
        mutating func position() throws(GeoError) -> Coordinate {
            let x = try number(), y = try number()
            for _ in 0..<2 {
                skipSpace()
                if i < bytes.count, bytes[i] != 0x2C, bytes[i] != 0x29 { _ = try number() }
            }
            return Coordinate(x, y)
        }

        mutating func list<T>(_ item: (inout Parser) throws(GeoError) -> T) throws(GeoError) -> [T] {
            if empty() { return [] }
            try expect("(")
            var out = [try item(&self)]
            while peek(",") { i += 1; out.append(try item(&self)) }
            try expect(")")
            return out
        }

        mutating func positions() throws(GeoError) -> [Coordinate] { try list { (p: inout Parser) throws(GeoError) in try p.position() } }

        mutating func polygon() throws(GeoError) -> Polygon {
            Polygon(rings: try list { (p: inout Parser) throws(GeoError) in try p.positions() })
        }

        /// MULTIPOINT accepts both "(1 2, 3 4)" and "((1 2), (3 4))".
        mutating func multiPointMember() throws(GeoError) -> Coordinate {
            if peek("(") { i += 1; let c = try position(); try expect(")"); return c }
            return try position()
        }

        mutating func geometry() throws(GeoError) -> Geometry {
            let type = word()
            // Dimension markers, joined ("POINTZ") or apart ("POINT Z"), carry values we drop.
            var name = type
            if !Self.types.contains(name) {
                for suffix in ["ZM", "Z", "M"] where Self.types.contains(String(name.dropLast(suffix.count))) && name.hasSuffix(suffix) {
                    name.removeLast(suffix.count); break
                }
            }
            let save = i
            if !["Z", "M", "ZM"].contains(word()) { i = save }
            switch name {
            case "POINT":
                if empty() { throw error("POINT EMPTY cannot be represented") }
                try expect("("); let c = try position(); try expect(")")
                return .point(c)
            case "LINESTRING": return .lineString(try positions())
            case "POLYGON":
                let p = try polygon()
                return .polygon(p)
            case "MULTIPOINT": return .multiPoint(try list { (p: inout Parser) throws(GeoError) in try p.multiPointMember() })
            case "MULTILINESTRING": return .multiLineString(try list { (p: inout Parser) throws(GeoError) in try p.positions() })
            case "MULTIPOLYGON": return .multiPolygon(try list { (p: inout Parser) throws(GeoError) in try p.polygon() })
            case "GEOMETRYCOLLECTION": return .geometryCollection(try list { (p: inout Parser) throws(GeoError) in try p.geometry() })
            case "": throw error("expected a geometry type")
            default: throw error("unknown geometry type \(type)")
            }
        }
    }
}
