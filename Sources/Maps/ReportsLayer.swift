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
        let statusNames = scene.data.reports.statusNames
        let colours = statusNames.map(Palette.status)
        func colour(_ status: UInt8) -> Colour { Int(status) < colours.count ? colours[Int(status)] : .black }
        // Reports share positions (4-decimal coordinates, default locations): a symbol already
        // drawn at the same pixel with the same look is not drawn again. Drawing order is the
        // index's, so what ends on top is the same in a tile and a GetMap of the same area.
        var drawn = SymbolKeySet()
        let margin = Palette.symbolRadius + 1
        if scene.canvas.kind != .image {
            // Vector output keeps vector symbols.
            let cr = scene.context
            cairo_set_line_width(cr, scene.ratio)
            scene.forEachReportInView(marginPixels: margin) { point, x, y in
                guard Self.isDrawable(x, y), drawn.insert(Self.key(x, y, point)) else { return }
                SymbolShape.forService(point.service).path(cr, x, y, Palette.symbolRadius * scene.ratio)
                colour(point.status).set(on: cr)
                cairo_fill_preserve(cr)
                Colour.white.set(on: cr)
                cairo_stroke(cr)
            }
            return
        }
        // Sprites by shape and status, made on first use.
        var sprites = [Sprite?](repeating: nil, count: SymbolShape.allCases.count << 8)
        scene.canvas.withMutablePixels { base, stride in
            let width = scene.canvas.width, height = scene.canvas.height
            scene.forEachReportInView(marginPixels: margin) { point, x, y in
                guard Self.isDrawable(x, y), drawn.insert(Self.key(x, y, point)) else { return }
                let shape = SymbolShape.forService(point.service)
                let spriteKey = shape.rawValue << 8 | Int(point.status)
                let sprite = sprites[spriteKey] ?? {
                    let made = Sprite.symbol(.init(shape: shape, fill: colour(point.status), ratio: scene.ratio))
                    sprites[spriteKey] = made
                    return made
                }()
                sprite.draw(into: base, strideInWords: stride, width: width, height: height,
                            cx: Int(x.rounded(.down)), cy: Int(y.rounded(.down)))
            }
        }
    }

    static func isDrawable(_ x: Double, _ y: Double) -> Bool { x.isFinite && y.isFinite && abs(x) < 1e6 && abs(y) < 1e6 }

    /// Same whole pixel, same service, same status: the same symbol.
    static func key(_ x: Double, _ y: Double, _ point: ClusterPoint) -> UInt64 {
        UInt64(truncatingIfNeeded: Int64(x.rounded(.down)) & 0xFFFFF) << 44 | UInt64(truncatingIfNeeded: Int64(y.rounded(.down)) & 0xFFFFF) << 24
            | UInt64(point.service) << 8 | UInt64(point.status)
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

/// The symbols drawn so far, by `ReportsLayer.key`: an open-addressing hash set of 64-bit keys.
/// Swift's `Set` hashes every key with SipHash, a tenth of drawing Boston's reports at zoom 14;
/// these keys need only a multiplicative hash.
struct SymbolKeySet {
    /// `UInt64.max` marks an empty slot: a key's status byte is never all ones.
    private var slots = [UInt64](repeating: .max, count: 1 << 10)
    /// 64 − log2(slots): Fibonacci hashing keeps the product's top bits, where every key bit counts.
    private var shift: UInt64 = 64 - 10
    private var count = 0

    /// Adds `key`; false when it was there already.
    mutating func insert(_ key: UInt64) -> Bool {
        if 2 * (count + 1) > slots.count { grow() }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let slot = slots[i]
            if slot == key { return false }
            if slot == .max { slots[i] = key; count += 1; return true }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: .max, count: old.count * 2)
        shift -= 1
        count = 0
        for key in old where key != .max { _ = insert(key) }
    }
}
