/// Lengths and areas in metres: geometries are projected to a metric CRS first (the UTM zone of
/// their extent unless one is given), because degrees are not a unit of area.
public enum Measure {
    public static func areaSquareMetres(_ geometry: Geometry, in metric: CRS? = nil) throws(GeoError) -> Double {
        try projected(geometry, metric).area
    }

    public static func lengthMetres(_ geometry: Geometry, in metric: CRS? = nil) throws(GeoError) -> Double {
        try projected(geometry, metric).length
    }

    private static func projected(_ geometry: Geometry, _ metric: CRS?) throws(GeoError) -> GeosGeometry {
        let crs = metric ?? CRS.utm(for: geometry.boundingBox)
        let projected = try CoordinateTransformer(from: .wgs84, to: crs).transform(geometry)
        return try GeosContext().geometry(projected)
    }
}
