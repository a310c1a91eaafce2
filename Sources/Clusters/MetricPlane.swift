import Geo

/// Lon/lat points to metres and back, through PROJ: distances for DBSCAN and hotspot outlines are
/// measured in this plane. By default the UTM zone holding the centre of the points' extent
/// (`CRS.utm(for:)`, as `Geo.Measure` does), where distortion within a city is far below a metre.
///
/// Holds PROJ transformers, which are not thread-safe: make one per task.
public final class MetricPlane {
    public let crs: CRS
    private let forward: CoordinateTransformer
    private let inverse: CoordinateTransformer

    public init(crs: CRS) throws(GeoError) {
        self.crs = crs
        forward = try CoordinateTransformer(from: .wgs84, to: crs)
        inverse = try CoordinateTransformer(from: crs, to: .wgs84)
    }

    /// The plane of `crs` when given, else the UTM zone of the finite points' extent (of 0°, 0°
    /// when there are none). Hotspot analysis and `miestas-bench dbscan-dump` both choose here.
    public convenience init(for lonLat: [Coordinate], crs: CRS? = nil) throws(GeoError) {
        if let crs {
            try self.init(crs: crs)
            return
        }
        var box = BoundingBox.empty
        for c in lonLat where c.x.isFinite && c.y.isFinite { box.expand(toInclude: c) }
        try self.init(crs: .utm(for: box.isEmpty ? BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 0) : box))
    }

    /// `lonLat` in metres. Points with a non-finite coordinate stay as they are (NaN or infinite);
    /// throws if PROJ cannot transform a finite one.
    public func project(_ lonLat: [Coordinate]) throws(GeoError) -> [Coordinate] {
        try transform(lonLat, with: forward)
    }

    /// Metres back to lon/lat.
    public func unproject(_ metres: [Coordinate]) throws(GeoError) -> [Coordinate] {
        try transform(metres, with: inverse)
    }

    public func unproject(_ geometry: Geometry) throws(GeoError) -> Geometry {
        try inverse.transform(geometry)
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
