import Foundation
import Geo

/// A tile of the Web Mercator XYZ grid (the OSM/Google scheme: x east from 180°W, y south from
/// 85.05°N, 2^z × 2^z tiles at zoom z).
public struct TileCoordinate: Hashable, Sendable, CustomStringConvertible {
    public var z: Int, x: Int, y: Int
    public init(z: Int, x: Int, y: Int) { self.z = z; self.x = x; self.y = y }

    public var isValid: Bool { z >= 0 && z <= TileGrid.maxZoom && x >= 0 && y >= 0 && x < 1 << z && y < 1 << z }
    public var description: String { "\(z)/\(x)/\(y)" }
}

public enum TileGrid {
    public static let maxZoom = 22
    /// Tile size in pixels at pixel ratio 1.
    public static let tileSize = 256
    static let worldHalf = Double.pi * Projector.earthRadius

    /// The tile's box in EPSG:3857 metres.
    public static func box(_ t: TileCoordinate) -> BoundingBox {
        let size = 2 * worldHalf / Double(1 << t.z)
        let minX = -worldHalf + Double(t.x) * size, maxY = worldHalf - Double(t.y) * size
        return BoundingBox(minX: minX, minY: maxY - size, maxX: minX + size, maxY: maxY)
    }

    /// The viewport that draws the tile, at `ratio` device pixels per tile pixel.
    public static func viewport(_ t: TileCoordinate, ratio: Int = 1) -> Viewport {
        // EPSG:3857 is in every PROJ database; a failure would be a broken installation.
        let crs = try! MapCRS("EPSG:3857")
        return Viewport(crs: crs, box: box(t), width: tileSize * ratio, height: tileSize * ratio)
    }

    /// The x and y ranges of tiles at zoom `z` covering the lon/lat box grown by `margin` pixels.
    public static func range(covering box: BoundingBox, marginPixels margin: Double, zoom z: Int) -> (x: ClosedRange<Int>, y: ClosedRange<Int>) {
        let n = Double(1 << z)
        let scale = n * Double(tileSize)  // pixels across the world at this zoom
        let m = Projector.mercator
        let low = m(Coordinate(box.minX, box.minY)), high = m(Coordinate(box.maxX, box.maxY))
        func px(_ x: Double) -> Double { (x + worldHalf) / (2 * worldHalf) * scale }
        func py(_ y: Double) -> Double { (worldHalf - y) / (2 * worldHalf) * scale }
        let last = (1 << z) - 1
        func tile(_ p: Double) -> Int { min(last, max(0, Int((p / Double(tileSize)).rounded(.down)))) }
        return (tile(px(low.x) - margin)...tile(px(high.x) + margin), tile(py(high.y) - margin)...tile(py(low.y) + margin))
    }

    /// Every tile at zooms `zooms` covering a lon/lat box.
    public static func tiles(covering box: BoundingBox, zooms: ClosedRange<Int>) -> [TileCoordinate] {
        var out: [TileCoordinate] = []
        for z in zooms {
            let r = range(covering: box, marginPixels: 0, zoom: z)
            for x in r.x { for y in r.y { out.append(TileCoordinate(z: z, x: x, y: y)) } }
        }
        return out
    }
}
