import CCairo
import Foundation
import Geo

/// `districts`: district outlines and their names (DejaVu Sans, so Lithuanian letters render).
/// Style `default` draws names, placed without collisions (`DistrictLabels`), `outline` only the
/// boundaries.
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
            scene.addOutline(district)
        }
        Palette.districtOutline.set(on: cr)
        cairo_set_line_width(cr, 1.5 * scene.ratio)
        cairo_stroke(cr)
        // Names are placed and drawn after every layer (`DistrictLabels`).
        if style.name == "default" { scene.drawsDistrictLabels = true }
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

    /// Calls `body` with each ring of the district in pixels, in the geometry's order.
    func forEachRing(_ district: MapDistrict, _ body: ([Coordinate]) -> Void) {
        if frame.projector.isWebMercator {
            var pixels: [Coordinate] = []
            for ring in district.webMercatorRings {
                pixels.removeAll(keepingCapacity: true)
                for c in ring {
                    let p = frame.viewport.pixel(c)
                    pixels.append(Coordinate(p.x, p.y))
                }
                body(pixels)
            }
        } else {
            for polygon in district.geometry.polygons { for ring in polygon.rings { body(frame.pixels(ring)) } }
        }
    }

    /// Adds a district's boundary to the current path for stroking, leaving out what cannot show:
    /// segments wholly beyond one side of the view (grown by a few pixels for the line's width),
    /// and vertices within half a pixel of the last one drawn. A ward's boundary has thousands of
    /// vertices, most of them outside a tile or within a pixel of each other, and Cairo strokes
    /// every segment it is given.
    func addOutline(_ district: MapDistrict) {
        let cr = context
        let margin = 4 * ratio
        let minX = -margin, minY = -margin, maxX = Double(canvas.width) + margin, maxY = Double(canvas.height) + margin
        forEachRing(district) { ring in
            guard ring.count > 1 else { return }
            var last: Coordinate?, pen: Coordinate?
            var broken = false
            for (i, p) in ring.enumerated() where p.x.isFinite && p.y.isFinite {
                defer { last = p }
                guard let l = last else { continue }
                if (l.x < minX && p.x < minX) || (l.x > maxX && p.x > maxX) || (l.y < minY && p.y < minY) || (l.y > maxY && p.y > maxY) {
                    if pen != nil { broken = true }
                    pen = nil
                    continue
                }
                if let at = pen {
                    if i < ring.count - 1, abs(p.x - at.x) < 0.5, abs(p.y - at.y) < 0.5 { continue }
                } else {
                    if i > 1 { broken = true }
                    cairo_move_to(cr, l.x, l.y)
                }
                cairo_line_to(cr, p.x, p.y)
                pen = p
            }
            if pen != nil, !broken { cairo_close_path(cr) }
        }
    }

    /// Adds a district's rings to the current path, closed (for filling).
    func addPath(_ district: MapDistrict) {
        let cr = context
        forEachRing(district) { ring in
            guard ring.count > 1 else { return }
            var started = false
            for p in ring where p.x.isFinite && p.y.isFinite {
                if started { cairo_line_to(cr, p.x, p.y) } else { cairo_move_to(cr, p.x, p.y); started = true }
            }
            if started { cairo_close_path(cr) }
        }
    }

    /// The districts under a pixel (its centre), with their positions.
    func districts(atPixel x: Double, _ y: Double) -> [(Int, MapDistrict)] {
        guard let lonLat = lonLat(atPixel: x, y) else { return [] }
        return data.districts.enumerated().filter { $0.element.contains(lonLat) }
    }
}
