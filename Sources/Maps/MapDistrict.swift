import Geo

/// A district as the map draws it: boundary in lon/lat, name for its label, area for densities.
/// Its position in `MapData.districts` is the `district` number of the reports inside it.
public struct MapDistrict: Hashable, Sendable {
    public var code: String
    public var name: String
    public var geometry: Geometry
    public var areaSquareMetres: Double
    /// The lon/lat box, for skipping districts outside a view.
    public let bounds: BoundingBox
    /// Where the label goes: the centroid of the largest part's outer ring.
    public let labelPoint: Coordinate
    /// Every ring (polygon by polygon, shell first) in Web Mercator metres: most maps are drawn in
    /// Web Mercator, and projecting the boundaries there again for every tile was a logarithm
    /// and a tangent per vertex.
    let webMercatorRings: [[Coordinate]]

    public init(code: String, name: String, geometry: Geometry, areaSquareMetres: Double) {
        self.code = code; self.name = name; self.geometry = geometry; self.areaSquareMetres = areaSquareMetres
        let polygons = geometry.polygons
        webMercatorRings = polygons.flatMap { $0.rings.map { $0.map(Projector.mercator) } }
        var box = BoundingBox.empty
        for p in polygons { for c in p.shell { box.expand(toInclude: c) } }
        bounds = box
        let largest = polygons.max { abs(Self.signedArea($0.shell)) < abs(Self.signedArea($1.shell)) }
        labelPoint = largest.map { Self.centroid($0.shell) } ?? box.center
    }

    /// Whether `c` (lon/lat) lies inside (even-odd over every ring, so holes are outside).
    public func contains(_ c: Coordinate) -> Bool { bounds.contains(c) && geometry.evenOddContains(c) }

    static func signedArea(_ ring: [Coordinate]) -> Double {
        guard ring.count > 2 else { return 0 }
        var sum = 0.0
        for i in 0..<(ring.count - 1) { sum += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y }
        return sum / 2
    }

    static func centroid(_ ring: [Coordinate]) -> Coordinate {
        let area = signedArea(ring)
        guard abs(area) > 0 else { return ring.first ?? Coordinate(0, 0) }
        var cx = 0.0, cy = 0.0
        for i in 0..<(ring.count - 1) {
            let f = ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y
            cx += (ring[i].x + ring[i + 1].x) * f
            cy += (ring[i].y + ring[i + 1].y) * f
        }
        return Coordinate(cx / (6 * area), cy / (6 * area))
    }
}

extension Geometry {
    /// Whether `c` lies inside the polygons: even-odd over every ring, so holes are outside.
    func evenOddContains(_ c: Coordinate) -> Bool {
        var inside = false
        for polygon in polygons {
            for ring in polygon.rings where ring.count > 2 {
                var j = ring.count - 1
                for i in 0..<ring.count {
                    let a = ring[i], b = ring[j]
                    if (a.y > c.y) != (b.y > c.y), c.x < (b.x - a.x) * (c.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
                    j = i
                }
            }
        }
        return inside
    }

    /// The polygons of a polygon, multipolygon or collection; nothing for other types.
    var polygons: [Polygon] {
        switch self {
        case .polygon(let p): [p]
        case .multiPolygon(let ps): ps
        case .geometryCollection(let gs): gs.flatMap(\.polygons)
        default: []
        }
    }
}
