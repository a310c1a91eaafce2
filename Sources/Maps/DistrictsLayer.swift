import CCairo
import Foundation
import Geo

/// `districts`: district outlines and their names (DejaVu Sans, so Lithuanian letters render).
/// Style `default` draws names, `outline` only the boundaries.
struct DistrictsLayer: MapLayer {
    let name = "districts"
    let title = "Districts"
    let abstract = "District (eldership, ward) boundaries with their names."
    let styles = [MapStyle.standard, MapStyle(name: "outline", title: "Boundaries without names")]
    let showsReports = false
    let reportReach: Double? = nil

    func draw(_ scene: Scene, style: MapStyle) {
        let cr = scene.context
        let visible = scene.visibleDistricts()
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        for (_, district) in visible {
            scene.addPath(district.geometry)
        }
        Palette.districtOutline.set(on: cr)
        cairo_set_line_width(cr, 1.5 * scene.ratio)
        cairo_stroke(cr)
        guard style.name == "default" else { return }
        for (_, district) in visible {
            let p = scene.frame.pixels([district.labelPoint])[0]
            guard p.x.isFinite, p.y.isFinite else { continue }
            scene.labels.append((district.name, p.x, p.y, 12 * scene.ratio))
        }
    }

    func features(_ scene: Scene, atPixel x: Double, _ y: Double, limit: Int) -> [FeatureInfo] {
        scene.districts(atPixel: x, y).prefix(limit).map { _, d in
            FeatureInfo(layer: name, id: d.code,
                        properties: [("code", .text(d.code)), ("name", .text(d.name)), ("area_km2", .number(d.areaSquareMetres / 1e6))],
                        location: d.labelPoint)
        }
    }

    func legend(_ data: MapData, query: ReportQuery, style: MapStyle) -> [LegendEntry] {
        [LegendEntry(swatch: .line(Palette.districtOutline), label: "District boundary")]
    }
}

extension Scene {
    /// Districts whose box meets the view, with their positions in the district list.
    func visibleDistricts() -> [(Int, MapDistrict)] {
        let view = viewBox(marginPixels: 64)
        return data.districts.enumerated().filter { $0.element.bounds.intersects(view) }
    }

    /// The lon/lat box of the view grown by `margin` pixels, to skip what lies outside it.
    func viewBox(marginPixels margin: Double) -> BoundingBox {
        let b = frame.lonLatBounds(marginPixels: margin)
        return BoundingBox(minX: b.west, minY: b.south, maxX: b.east, maxY: b.north)
    }

    /// The lon/lat position of a pixel's centre; nil off the projection's domain.
    func lonLat(atPixel x: Double, _ y: Double) -> Coordinate? {
        let lonLat = frame.projector.inverse(frame.viewport.coordinate(pixelX: x + 0.5, pixelY: y + 0.5))
        return lonLat.x.isFinite && lonLat.y.isFinite ? lonLat : nil
    }

    /// Adds a lon/lat polygon geometry's rings to the current path, in pixels.
    func addPath(_ geometry: Geometry) {
        let cr = context
        for polygon in geometry.polygons {
            for ring in polygon.rings where ring.count > 1 {
                let pixels = frame.pixels(ring)
                var started = false
                for p in pixels where p.x.isFinite && p.y.isFinite {
                    if started { cairo_line_to(cr, p.x, p.y) } else { cairo_move_to(cr, p.x, p.y); started = true }
                }
                if started { cairo_close_path(cr) }
            }
        }
    }

    /// The districts under a pixel (its centre), with their positions.
    func districts(atPixel x: Double, _ y: Double) -> [(Int, MapDistrict)] {
        guard let lonLat = lonLat(atPixel: x, y) else { return [] }
        return data.districts.enumerated().filter { $0.element.contains(lonLat) }
    }
}
