/// A lon/lat rectangle to query, as a map viewport gives it.
///
/// World wrapping: `west > east` means the box crosses the antimeridian (170°E to 170°W is
/// `west: 170, east: -170`) and is answered as two boxes, one each side. Longitudes outside
/// [-180, 180] are wrapped, so a viewport panned past the antimeridian still finds its points; a box
/// 360° wide or more is the whole world. Latitudes are clamped to [-90, 90]; `south > north` or a
/// non-finite edge is an empty box.
public struct MapBounds: Hashable, Sendable {
    public var west: Double
    public var south: Double
    public var east: Double
    public var north: Double

    public init(west: Double, south: Double, east: Double, north: Double) {
        self.west = west; self.south = south; self.east = east; self.north = north
    }

    public static let world = MapBounds(west: -180, south: -90, east: 180, north: 90)

    /// The box in the Web Mercator unit square, split at the antimeridian: zero, one or two
    /// rectangles (minX, minY, maxX, maxY).
    var unitRectangles: [(minX: Double, minY: Double, maxX: Double, maxY: Double)] {
        guard west.isFinite, south.isFinite, east.isFinite, north.isFinite, south <= north else { return [] }
        let minY = WebMercator.y(latitude: min(90, north)), maxY = WebMercator.y(latitude: max(-90, south))
        if east - west >= 360 { return [(0, minY, 1, maxY)] }
        let westX = WebMercator.x(longitude: WebMercator.wrapped(longitude: west))
        var eastX = WebMercator.x(longitude: WebMercator.wrapped(longitude: east))
        // 180°E wraps to -180°; as an east edge it means the right side of the square.
        if east > west, eastX <= westX, eastX == 0 { eastX = 1 }
        if westX <= eastX { return [(westX, minY, eastX, maxY)] }
        return [(westX, minY, 1, maxY), (0, minY, eastX, maxY)]
    }
}
