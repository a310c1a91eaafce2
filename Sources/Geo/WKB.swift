/// Well-known binary (OGC Simple Features and ISO): the format the store exchanges geometries
/// in. Reading takes either byte order and the ISO (1000s) and EWKB (flag bit) markers for Z, M
/// and SRID, dropping Z and M; writing gives little-endian 2D WKB.
public enum WKB {
    public static func encode(_ geometry: Geometry) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(9 + 16 * geometry.coordinateCount)
        write(geometry, into: &out)
        return out
    }

    public static func decode(_ bytes: [UInt8]) throws(GeoError) -> Geometry {
        var reader = Reader(bytes: bytes)
        let g = try reader.geometry()
        guard reader.offset == bytes.count else {
            throw .malformed(format: "WKB", reason: "\(bytes.count - reader.offset) bytes after the geometry")
        }
        return g
    }

    private static func write(_ g: Geometry, into out: inout [UInt8]) {
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func f64(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        func header(_ type: UInt32) { out.append(1); u32(type) }
        func points(_ cs: [Coordinate]) { u32(UInt32(cs.count)); for c in cs { f64(c.x); f64(c.y) } }
        func polygon(_ p: Polygon) { header(3); u32(UInt32(p.rings.count)); p.rings.forEach(points) }
        switch g {
        case .point(let c): header(1); f64(c.x); f64(c.y)
        case .lineString(let cs): header(2); points(cs)
        case .polygon(let p): polygon(p)
        case .multiPoint(let cs): header(4); u32(UInt32(cs.count)); for c in cs { header(1); f64(c.x); f64(c.y) }
        case .multiLineString(let ls): header(5); u32(UInt32(ls.count)); for l in ls { header(2); points(l) }
        case .multiPolygon(let ps): header(6); u32(UInt32(ps.count)); ps.forEach(polygon)
        case .geometryCollection(let gs): header(7); u32(UInt32(gs.count)); for g in gs { write(g, into: &out) }
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        func error(_ message: String) -> GeoError { .malformed(format: "WKB", reason: "\(message) at byte \(offset)") }

        mutating func byte() throws(GeoError) -> UInt8 {
            guard offset < bytes.count else { throw error("unexpected end") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func u32(_ little: Bool) throws(GeoError) -> UInt32 {
            guard offset + 4 <= bytes.count else { throw error("unexpected end") }
            var v: UInt32 = 0
            for k in 0..<4 { v |= UInt32(bytes[offset + k]) << (little ? 8 * k : 8 * (3 - k)) }
            offset += 4
            return v
        }

        mutating func f64(_ little: Bool) throws(GeoError) -> Double {
            guard offset + 8 <= bytes.count else { throw error("unexpected end") }
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[offset + k]) << (little ? 8 * k : 8 * (7 - k)) }
            offset += 8
            return Double(bitPattern: v)
        }

        /// A sane upper bound for a count, so a corrupt count fails instead of allocating.
        mutating func count(_ little: Bool, itemBytes: Int) throws(GeoError) -> Int {
            let n = Int(try u32(little))
            guard n * itemBytes <= bytes.count - offset else { throw error("count \(n) exceeds the data") }
            return n
        }

        mutating func geometry() throws(GeoError) -> Geometry {
            let order = try byte()
            guard order <= 1 else { throw error("bad byte-order marker \(order)") }
            let little = order == 1
            var type = try u32(little)
            var dims = 2
            // EWKB flags.
            if type & 0x8000_0000 != 0 { dims += 1 }
            if type & 0x4000_0000 != 0 { dims += 1 }
            if type & 0x2000_0000 != 0 { _ = try u32(little) }  // SRID
            type &= 0x0FFF_FFFF
            // ISO: 1000 = Z, 2000 = M, 3000 = ZM.
            switch type / 1000 {
            case 1, 2: dims += 1
            case 3: dims += 2
            default: break
            }
            type %= 1000
            let posBytes = 8 * dims
            func position(_ r: inout Reader) throws(GeoError) -> Coordinate {
                let x = try r.f64(little), y = try r.f64(little)
                for _ in 2..<dims { _ = try r.f64(little) }
                return Coordinate(x, y)
            }
            func positions(_ r: inout Reader) throws(GeoError) -> [Coordinate] {
                let n = try r.count(little, itemBytes: posBytes)
                var out: [Coordinate] = []
                out.reserveCapacity(n)
                for _ in 0..<n { out.append(try position(&r)) }
                return out
            }
            func polygon(_ r: inout Reader) throws(GeoError) -> Polygon {
                let n = try r.count(little, itemBytes: 4)
                var rings: [[Coordinate]] = []
                for _ in 0..<n { rings.append(try positions(&r)) }
                return Polygon(rings: rings)
            }
            switch type {
            case 1: return .point(try position(&self))
            case 2: return .lineString(try positions(&self))
            case 3: return .polygon(try polygon(&self))
            case 4, 5, 6, 7:
                let n = try count(little, itemBytes: 5)
                var parts: [Geometry] = []
                for _ in 0..<n { parts.append(try geometry()) }
                return try collect(type, parts)
            default: throw error("unknown geometry type \(type)")
            }
        }

        func collect(_ type: UInt32, _ parts: [Geometry]) throws(GeoError) -> Geometry {
            switch type {
            case 4:
                var cs: [Coordinate] = []
                for p in parts { guard case .point(let c) = p else { throw error("a MultiPoint holds a \(p.typeName)") }; cs.append(c) }
                return .multiPoint(cs)
            case 5:
                var ls: [[Coordinate]] = []
                for p in parts { guard case .lineString(let l) = p else { throw error("a MultiLineString holds a \(p.typeName)") }; ls.append(l) }
                return .multiLineString(ls)
            case 6:
                var ps: [Polygon] = []
                for p in parts { guard case .polygon(let q) = p else { throw error("a MultiPolygon holds a \(p.typeName)") }; ps.append(q) }
                return .multiPolygon(ps)
            default:
                return .geometryCollection(parts)
            }
        }
    }
}
