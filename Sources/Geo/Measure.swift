/// Lengths and areas in metres: geometries are projected to a metric CRS first (the UTM zone of
/// their extent unless one is given), because degrees are not a unit of area.
///
/// One instance projects many geometries with one PROJ transformation and one GEOS context, so
/// build it once per batch; the results are GEOS geometries in that context.
/// Lon/lat to metres and back, through PROJ: areas, lengths, topology checks, DBSCAN distances and
/// hotspot outlines are all measured in such a plane. By default the UTM zone holding the centre
/// of the extent (`CRS.utm(for:)`), where distortion within a city is far below a metre.
///
/// Holds PROJ transformers and a GEOS context, which are not thread-safe: make one per task.
public final class MetricProjection {
    public let crs: CRS
    public let context = GeosContext()
    private let forward: CoordinateTransformer
    private let inverse: CoordinateTransformer

    public init(crs: CRS) throws(GeoError) {
        self.crs = crs
        forward = try CoordinateTransformer(from: .wgs84, to: crs)
        inverse = try CoordinateTransformer(from: crs, to: .wgs84)
    }

    /// The UTM zone of `bounds` (lon/lat).
    public convenience init(for bounds: BoundingBox) throws(GeoError) {
        try self.init(crs: .utm(for: bounds))
    }

    /// The plane of `crs` when given, else the UTM zone of the finite points' extent (of 0°, 0°
    /// when there are none).
    public convenience init(for lonLat: [Coordinate], crs: CRS? = nil) throws(GeoError) {
        if let crs {
            try self.init(crs: crs)
            return
        }
        var box = BoundingBox.empty
        for c in lonLat where c.x.isFinite && c.y.isFinite { box.expand(toInclude: c) }
        try self.init(for: box.isEmpty ? BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 0) : box)
    }

    /// `geometry` (lon/lat) in metres, as a GEOS geometry.
    public func project(_ geometry: Geometry) throws(GeoError) -> GeosGeometry {
        try context.geometry(forward.transform(geometry))
    }

    /// A projected coordinate back in lon/lat.
    public func unproject(_ c: Coordinate) throws(GeoError) -> Coordinate { try inverse.transform(c) }

    /// A projected geometry back in lon/lat.
    public func unproject(_ geometry: Geometry) throws(GeoError) -> Geometry { try inverse.transform(geometry) }

    /// `lonLat` in metres. Points with a non-finite coordinate stay as they are (NaN or infinite);
    /// throws if PROJ cannot transform a finite one.
    public func project(_ lonLat: [Coordinate]) throws(GeoError) -> [Coordinate] {
        try transform(lonLat, with: forward)
    }

    /// Metres back to lon/lat, as `project` does the other way.
    public func unproject(_ metres: [Coordinate]) throws(GeoError) -> [Coordinate] {
        try transform(metres, with: inverse)
    }

    private func transform(_ coordinates: [Coordinate], with transformer: CoordinateTransformer) throws(GeoError) -> [Coordinate] {
        let finite = coordinates.indices.filter { coordinates[$0].x.isFinite && coordinates[$0].y.isFinite }
        if finite.count == coordinates.count {
            var all = coordinates
            try transformer.transform(&all)
            return all
        }
        var some = finite.map { coordinates[$0] }
        try transformer.transform(&some)
        var result = coordinates
        for (k, i) in finite.enumerated() { result[i] = some[k] }
        return result
    }
}

public enum Measure {
    public static func areaSquareMetres(_ geometry: Geometry, in metric: CRS? = nil) throws(GeoError) -> Double {
        try projection(geometry, metric).project(geometry).area
    }

    public static func lengthMetres(_ geometry: Geometry, in metric: CRS? = nil) throws(GeoError) -> Double {
        try projection(geometry, metric).project(geometry).length
    }

    private static func projection(_ geometry: Geometry, _ metric: CRS?) throws(GeoError) -> MetricProjection {
        try MetricProjection(crs: metric ?? .utm(for: geometry.boundingBox))
    }
}
