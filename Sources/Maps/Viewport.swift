import Clusters
import Foundation
import Geo

/// What a map shows: a box in a CRS (easting first, whatever the protocol's axis order) drawn
/// onto `width` × `height` pixels. The box bounds the outer edges of the edge pixels (WMS §7.3.3),
/// and x and y scale independently, so a box whose aspect differs from the image's is stretched.
public struct Viewport: Hashable, Sendable {
    public var crs: MapCRS
    public var box: BoundingBox
    public var width: Int
    public var height: Int

    public init(crs: MapCRS, box: BoundingBox, width: Int, height: Int) {
        self.crs = crs; self.box = box; self.width = width; self.height = height
    }

    /// Map units per pixel, horizontally and vertically.
    var resolution: (x: Double, y: Double) { (box.width / Double(width), box.height / Double(height)) }

    /// The pixel position (fractional; 0,0 is the top-left corner of the top-left pixel).
    @inline(__always)
    func pixel(_ c: Coordinate) -> (x: Double, y: Double) {
        ((c.x - box.minX) / box.width * Double(width), (box.maxY - c.y) / box.height * Double(height))
    }

    /// The map coordinate of a pixel position.
    func coordinate(pixelX x: Double, pixelY y: Double) -> Coordinate {
        Coordinate(box.minX + x / Double(width) * box.width, box.maxY - y / Double(height) * box.height)
    }
}

/// A viewport with its projector: what layers draw through.
final class ViewFrame {
    let viewport: Viewport
    let projector: Projector
    /// 1 for ordinary images, 2 for HiDPI tiles: symbol sizes and line widths scale by it.
    let pixelRatio: Double

    init(viewport: Viewport, pixelRatio: Double = 1) throws(GeoError) {
        self.viewport = viewport
        self.projector = try Projector(viewport.crs)
        self.pixelRatio = pixelRatio
    }

    /// The lon/lat box covering the viewport grown by `margin` pixels on every side, found by
    /// transforming points along its edges (a projected box is curved in lon/lat).
    func lonLatBounds(marginPixels margin: Double = 0) -> MapBounds {
        let v = viewport
        let (rx, ry) = v.resolution
        let minX = v.box.minX - margin * rx, maxX = v.box.maxX + margin * rx
        let minY = v.box.minY - margin * ry, maxY = v.box.maxY + margin * ry
        var samples: [Coordinate] = []
        let steps = 8
        for i in 0...steps {
            let t = Double(i) / Double(steps)
            samples.append(Coordinate(minX + t * (maxX - minX), minY))
            samples.append(Coordinate(minX + t * (maxX - minX), maxY))
            samples.append(Coordinate(minX, minY + t * (maxY - minY)))
            samples.append(Coordinate(maxX, minY + t * (maxY - minY)))
        }
        projector.inverse(&samples)
        var box = BoundingBox.empty
        for s in samples where s.x.isFinite && s.y.isFinite { box.expand(toInclude: s) }
        guard !box.isEmpty else { return MapBounds(west: 0, south: 0, east: 0, north: 0) }
        return MapBounds(west: max(-180, box.minX), south: max(-90, box.minY), east: min(180, box.maxX), north: min(90, box.maxY))
    }

    /// The zoom of a 256-pixel Web Mercator tile pyramid whose scale matches this view's (at its
    /// centre's width in longitude), for choosing clusters by scale.
    func webMercatorZoom() -> Double {
        let bounds = lonLatBounds()
        let span = bounds.east - bounds.west
        guard span > 0 else { return 0 }
        return log2(360 * Double(viewport.width) / pixelRatio / (256 * span))
    }

    /// Pixel positions straight from positions in the Web Mercator unit square (where the
    /// cluster index keeps its reports), for views in Web Mercator; nil for other CRSs.
    lazy var unitSquarePixels: UnitSquarePixels? = projector.isWebMercator ? UnitSquarePixels(viewport) : nil

    /// Pixel positions of lon/lat coordinates.
    func pixels(_ lonLat: [Coordinate]) -> [Coordinate] {
        var c = lonLat
        projector.forward(&c)
        for i in c.indices {
            let p = viewport.pixel(c[i])
            c[i] = Coordinate(p.x, p.y)
        }
        return c
    }
}

/// The affine map from the Web Mercator unit square (x east from 180°W, y south from 85.05°N) to
/// a Web Mercator view's pixels: two multiplications per point instead of a logarithm.
struct UnitSquarePixels {
    let scaleX: Double, offsetX: Double, scaleY: Double, offsetY: Double

    init(_ v: Viewport) {
        let world = 2 * Double.pi * Projector.earthRadius, half = world / 2
        let perX = Double(v.width) / v.box.width, perY = Double(v.height) / v.box.height
        scaleX = world * perX; offsetX = (-half - v.box.minX) * perX
        scaleY = world * perY; offsetY = (v.box.maxY - half) * perY
    }

    @inline(__always)
    func pixel(_ x: Double, _ y: Double) -> (x: Double, y: Double) { (x * scaleX + offsetX, y * scaleY + offsetY) }
}
