import CCairo
import Clusters
import Foundation
import Geo

/// `reports`: every report as a symbol, its shape by service and its colour by status.
struct ReportsLayer: MapLayer {
    let name = "reports"
    let title = "Reports"
    let abstract = "Residents' reports: the symbol's shape tells the service, its colour the status (open red, acknowledged orange, in progress blue, closed grey)."
    let showsReports = true
    var reportReach: Double? { Palette.symbolRadius + 1 }

    func draw(_ scene: Scene, style: MapStyle) {
        let (points, pixels) = scene.reportsInView(marginPixels: Palette.symbolRadius + 1)
        let statusNames = scene.data.reports.statusNames
        let colours = statusNames.map(Palette.status)
        func colour(_ status: UInt8) -> Colour { Int(status) < colours.count ? colours[Int(status)] : .black }
        // Reports share positions (4-decimal coordinates, default locations): a symbol already
        // drawn at the same pixel with the same look is not drawn again. Drawing order is the
        // index's, so what ends on top is the same in a tile and a GetMap of the same area.
        var drawn = Set<Int64>()
        drawn.reserveCapacity(points.count)
        if scene.canvas.kind != .image {
            // Vector output keeps vector symbols.
            let cr = scene.context
            cairo_set_line_width(cr, scene.ratio)
            for (point, p) in zip(points, pixels) where p.x.isFinite && p.y.isFinite && abs(p.x) < 1e6 && abs(p.y) < 1e6 {
                guard drawn.insert(Self.key(p, point)).inserted else { continue }
                SymbolShape.forService(point.service).path(cr, p.x, p.y, Palette.symbolRadius * scene.ratio)
                colour(point.status).set(on: cr)
                cairo_fill_preserve(cr)
                Colour.white.set(on: cr)
                cairo_stroke(cr)
            }
            return
        }
        var sprites: [Int: Sprite] = [:]
        scene.canvas.withMutablePixels { base, stride in
            let width = scene.canvas.width, height = scene.canvas.height
            for (point, p) in zip(points, pixels) where p.x.isFinite && p.y.isFinite && abs(p.x) < 1e6 && abs(p.y) < 1e6 {
                guard drawn.insert(Self.key(p, point)).inserted else { continue }
                let shape = SymbolShape.forService(point.service)
                let spriteKey = shape.rawValue << 8 | Int(point.status)
                let sprite = sprites[spriteKey] ?? {
                    let made = Sprite.symbol(.init(shape: shape, fill: colour(point.status), ratio: scene.ratio))
                    sprites[spriteKey] = made
                    return made
                }()
                sprite.draw(into: base, strideInWords: stride, width: width, height: height,
                            cx: Int(p.x.rounded(.down)), cy: Int(p.y.rounded(.down)))
            }
        }
    }

    /// Same whole pixel, same service, same status: the same symbol.
    static func key(_ p: Coordinate, _ point: ClusterPoint) -> Int64 {
        (Int64(p.x.rounded(.down)) & 0xFFFFF) << 44 | (Int64(p.y.rounded(.down)) & 0xFFFFF) << 24 | Int64(point.service) << 8 | Int64(point.status)
    }

    func features(_ scene: Scene, atPixel x: Double, _ y: Double, limit: Int) -> [FeatureInfo] {
        let (points, pixels) = scene.reportsInView(marginPixels: Palette.symbolRadius + 1)
        let reach = (Palette.symbolRadius + 1) * scene.ratio
        let cx = x + 0.5, cy = y + 0.5
        var hits: [(Double, ClusterPoint)] = []
        for (point, p) in zip(points, pixels) {
            let d = hypot(p.x - cx, p.y - cy)
            if d <= reach { hits.append((d, point)) }
        }
        hits.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1.id > $1.1.id) }
        let source = scene.data.reports
        return hits.prefix(limit).map { _, p in
            var properties: [(String, FeatureInfo.Value)] = [
                ("report_id", .integer(p.id)), ("service_code", .text(source.serviceCode(p.service))),
                ("status", .text(Int(p.status) < source.statusNames.count ? source.statusNames[Int(p.status)] : "?")),
                ("requested_at", .text(TimeWindow.iso(p.requestedAt))),
            ]
            if p.district >= 0, Int(p.district) < scene.data.districts.count {
                properties.append(("district", .text(scene.data.districts[Int(p.district)].code)))
            }
            return FeatureInfo(layer: name, id: String(p.id), properties: properties, location: Coordinate(p.lon, p.lat))
        }
    }

    func legend(_ data: MapData, query: ReportQuery, style: MapStyle) -> [LegendEntry] {
        var entries = ReportQuery.statusWords.map { LegendEntry(swatch: .symbol(.circle, fill: Palette.status($0)), label: $0.replacingOccurrences(of: "_", with: " ")) }
        // The shapes of the services the request shows (or the first few).
        let codes = query.serviceCodes ?? (0..<6).map { data.reports.serviceCode(UInt16($0)) }
        for code in codes.prefix(12) {
            guard let index = data.reports.serviceIndex(code) else { continue }
            entries.append(LegendEntry(swatch: .symbol(.forService(index), fill: Colour(rgb: 0x555555)), label: code))
        }
        return entries
    }
}
