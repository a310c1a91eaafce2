/// Lengths and areas in metres: geometries are projected to a metric CRS first (the UTM zone of
/// their extent unless one is given), because degrees are not a unit of area.
///
/// One instance projects many geometries with one PROJ transformation and one GEOS context, so
/// build it once per batch; the results are GEOS geometries in that context.
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

    /// `geometry` (lon/lat) in metres, as a GEOS geometry.
    public func project(_ geometry: Geometry) throws(GeoError) -> GeosGeometry {
        try context.geometry(forward.transform(geometry))
    }

    /// A projected coordinate back in lon/lat.
    public func unproject(_ c: Coordinate) throws(GeoError) -> Coordinate { try inverse.transform(c) }
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
