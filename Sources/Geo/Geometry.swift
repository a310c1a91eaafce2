/// A position in the plane. In Miestas coordinates are stored as EPSG:4326 longitude/latitude,
/// always in that order (x = longitude, y = latitude), whatever axis order a CRS declares.
public struct Coordinate: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

/// An axis-aligned rectangle. `minX > maxX` marks the empty box.
public struct BoundingBox: Hashable, Sendable {
    public var minX, minY, maxX, maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY
    }

    public static let empty = BoundingBox(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)

    public var isEmpty: Bool { minX > maxX || minY > maxY }
    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    public var center: Coordinate { Coordinate((minX + maxX) / 2, (minY + maxY) / 2) }

    public mutating func expand(toInclude c: Coordinate) {
        if c.x < minX { minX = c.x }
        if c.x > maxX { maxX = c.x }
        if c.y < minY { minY = c.y }
        if c.y > maxY { maxY = c.y }
    }

    public mutating func expand(toInclude other: BoundingBox) {
        guard !other.isEmpty else { return }
        minX = Swift.min(minX, other.minX); minY = Swift.min(minY, other.minY)
        maxX = Swift.max(maxX, other.maxX); maxY = Swift.max(maxY, other.maxY)
    }

    public func contains(_ c: Coordinate) -> Bool {
        c.x >= minX && c.x <= maxX && c.y >= minY && c.y <= maxY
    }

    public func intersects(_ other: BoundingBox) -> Bool {
        !(other.minX > maxX || other.maxX < minX || other.minY > maxY || other.maxY < minY)
    }
}

/// A polygon: the first ring is the shell, any further rings are holes. Rings are closed
/// (first coordinate equals the last).
public struct Polygon: Hashable, Sendable {
    public var rings: [[Coordinate]]
    public init(rings: [[Coordinate]]) { self.rings = rings }
    public init(shell: [Coordinate], holes: [[Coordinate]] = []) { self.rings = [shell] + holes }
    public var shell: [Coordinate] { rings.first ?? [] }
    public var holes: ArraySlice<[Coordinate]> { rings.dropFirst() }
}

/// The Simple Features geometry types Miestas reads and writes (2D).
public indirect enum Geometry: Hashable, Sendable {
    case point(Coordinate)
    case lineString([Coordinate])
    case polygon(Polygon)
    case multiPoint([Coordinate])
    case multiLineString([[Coordinate]])
    case multiPolygon([Polygon])
    case geometryCollection([Geometry])

    /// The OGC type name, as used by WKT and GeoJSON ("MultiPolygon", ...).
    public var typeName: String {
        switch self {
        case .point: "Point"
        case .lineString: "LineString"
        case .polygon: "Polygon"
        case .multiPoint: "MultiPoint"
        case .multiLineString: "MultiLineString"
        case .multiPolygon: "MultiPolygon"
        case .geometryCollection: "GeometryCollection"
        }
    }

    public var isEmpty: Bool {
        switch self {
        case .point: false
        case .lineString(let c), .multiPoint(let c): c.isEmpty
        case .polygon(let p): p.rings.isEmpty
        case .multiLineString(let l): l.isEmpty
        case .multiPolygon(let p): p.isEmpty
        case .geometryCollection(let g): g.allSatisfy(\.isEmpty)
        }
    }

    /// Every coordinate, in order.
    public func forEachCoordinate(_ body: (Coordinate) -> Void) {
        switch self {
        case .point(let c): body(c)
        case .lineString(let cs), .multiPoint(let cs): cs.forEach(body)
        case .polygon(let p): p.rings.forEach { $0.forEach(body) }
        case .multiLineString(let ls): ls.forEach { $0.forEach(body) }
        case .multiPolygon(let ps): ps.forEach { $0.rings.forEach { $0.forEach(body) } }
        case .geometryCollection(let gs): gs.forEach { $0.forEachCoordinate(body) }
        }
    }

    /// The same geometry with every coordinate replaced by `transform(coordinate)`.
    public func mapCoordinates(_ transform: (Coordinate) throws -> Coordinate) rethrows -> Geometry {
        func ring(_ cs: [Coordinate]) throws -> [Coordinate] { try cs.map(transform) }
        func polygon(_ p: Polygon) throws -> Polygon { Polygon(rings: try p.rings.map(ring)) }
        switch self {
        case .point(let c): return .point(try transform(c))
        case .lineString(let cs): return .lineString(try ring(cs))
        case .multiPoint(let cs): return .multiPoint(try ring(cs))
        case .polygon(let p): return .polygon(try polygon(p))
        case .multiLineString(let ls): return .multiLineString(try ls.map(ring))
        case .multiPolygon(let ps): return .multiPolygon(try ps.map(polygon))
        case .geometryCollection(let gs): return .geometryCollection(try gs.map { try $0.mapCoordinates(transform) })
        }
    }

    public var boundingBox: BoundingBox {
        var box = BoundingBox.empty
        forEachCoordinate { box.expand(toInclude: $0) }
        return box
    }

    public var coordinateCount: Int {
        var n = 0
        forEachCoordinate { _ in n += 1 }
        return n
    }

    /// The polygons of a Polygon or MultiPolygon, and the polygonal parts of a collection;
    /// empty for every other type.
    public var polygons: [Polygon] {
        switch self {
        case .polygon(let p): [p]
        case .multiPolygon(let ps): ps
        case .geometryCollection(let gs): gs.flatMap(\.polygons)
        default: []
        }
    }

    /// True for Polygon and MultiPolygon.
    public var isPolygonal: Bool {
        switch self {
        case .polygon, .multiPolygon: true
        default: false
        }
    }
}
