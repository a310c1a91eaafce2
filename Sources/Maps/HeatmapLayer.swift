import CCairo
import Foundation
import Geo

/// `heatmap`: kernel density of the reports. Each report adds a kernel of `radius` pixels
/// (three box blurs, close to a Gaussian); density maps to colour on a scale fixed per zoom (not
/// normalised per image), so neighbouring tiles agree at their seams. Zooming out by one level
/// doubles the reports a kernel must hold to saturate (a kernel covers four times the ground, and
/// halving rather than quartering keeps sparse areas visible while dense ones stay readable).
struct HeatmapLayer: MapLayer {
    let name = "heatmap"
    let title = "Report density (heat map)"
    let abstract = "Kernel density of the reports, about 20 pixels wide, on a fixed colour scale."
    let queryable = false
    let showsReports = true
    var reportReach: Double? { Self.radius * 2 }

    static let radius = 20.0
    /// Reports per kernel at which the colour saturates, at zoom `z` (256-pixel tiles): 10 at 16.
    static func saturation(zoom z: Double) -> Double { max(3, 10 * pow(2, 16 - (z.isFinite ? z : 16))) }
    /// Density is computed on cells of this many pixels and then smoothed up.
    static let cell = 2

    func draw(_ scene: Scene, style: MapStyle) {
        let width = scene.canvas.width, height = scene.canvas.height
        let cell = Self.cell
        let margin = Int((Self.radius * scene.ratio * 2 / Double(cell)).rounded(.up))
        let gw = width / cell + 2 * margin + 1, gh = height / cell + 2 * margin + 1
        var grid = [Float](repeating: 0, count: gw * gh)
        let (_, pixels) = scene.reportsInView(marginPixels: Self.radius * 2)
        for p in pixels where p.x.isFinite && p.y.isFinite && abs(p.x) < 1e6 && abs(p.y) < 1e6 {
            let gx = Int((p.x / Double(cell)).rounded(.down)) + margin, gy = Int((p.y / Double(cell)).rounded(.down)) + margin
            guard gx >= 0, gy >= 0, gx < gw, gy < gh else { continue }
            grid[gy * gw + gx] += 1
        }
        // Three box blurs of half-width w approximate a Gaussian of sigma ≈ w.
        let w = max(1, Int((Self.radius * scene.ratio / Double(cell) / 2).rounded()))
        for _ in 0..<3 { Self.blur(&grid, gw, gh, w) }
        // One report spreads over (2w+1)² cells: in units of reports per kernel.
        let unit = Float(1) / Float((2 * w + 1) * (2 * w + 1))
        let ramp = Palette.heat
        let saturation = Self.saturation(zoom: scene.frame.webMercatorZoom())
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))!
        defer { cairo_surface_destroy(surface) }
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let lut: [UInt32] = (0..<256).map { i in
            let t = Double(i) / 255 * Double(ramp.count - 1)
            let k = min(ramp.count - 2, Int(t)), f = t - Double(k)
            let a = ramp[k], b = ramp[k + 1]
            let alpha = a.alpha + (b.alpha - a.alpha) * f
            func ch(_ x: Double, _ y: Double) -> UInt32 { UInt32(((x + (y - x) * f) * alpha * 255).rounded()) }
            return UInt32((alpha * 255).rounded()) << 24 | ch(a.red, b.red) << 16 | ch(a.green, b.green) << 8 | ch(a.blue, b.blue)
        }
        let data = cairo_image_surface_get_data(surface)!.withMemoryRebound(to: UInt32.self, capacity: stride * height) { $0 }
        for y in 0..<height {
            let gy = y / cell + margin
            for x in 0..<width {
                let v = grid[gy * gw + x / cell + margin] / unit
                guard v > 0.05 else { data[y * stride + x] = 0; continue }
                let t = min(1, log(1 + Double(v)) / log(1 + saturation))
                data[y * stride + x] = lut[Int(t * 255)]
            }
        }
        cairo_surface_mark_dirty(surface)
        cairo_set_source_surface(scene.context, surface, 0, 0)
        cairo_paint(scene.context)
    }

    /// A box blur of half-width `w`, rows then columns, with running sums.
    static func blur(_ grid: inout [Float], _ gw: Int, _ gh: Int, _ w: Int) {
        var line = [Float](repeating: 0, count: max(gw, gh))
        let scale = Float(1) / Float(2 * w + 1)
        for y in 0..<gh {
            var sum: Float = 0
            for x in 0..<min(w, gw) { sum += grid[y * gw + x] }
            for x in 0..<gw {
                if x + w < gw { sum += grid[y * gw + x + w] }
                if x - w - 1 >= 0 { sum -= grid[y * gw + x - w - 1] }
                line[x] = sum * scale
            }
            for x in 0..<gw { grid[y * gw + x] = line[x] }
        }
        for x in 0..<gw {
            var sum: Float = 0
            for y in 0..<min(w, gh) { sum += grid[y * gw + x] }
            for y in 0..<gh {
                if y + w < gh { sum += grid[(y + w) * gw + x] }
                if y - w - 1 >= 0 { sum -= grid[(y - w - 1) * gw + x] }
                line[y] = sum * scale
            }
            for y in 0..<gh { grid[y * gw + x] = line[y] }
        }
    }

    func features(_ scene: Scene, atPixel x: Double, _ y: Double, limit: Int) -> [FeatureInfo] { [] }

    func legend(_ data: MapData, query: ReportQuery, style: MapStyle) -> [LegendEntry] {
        [LegendEntry(swatch: .ramp(Palette.heat), label: "few → many reports nearby")]
    }
}
