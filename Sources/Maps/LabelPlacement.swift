import CCairo
import Foundation
import Geo
import Synchronization

/// Pixels of one CRS at one scale, counted from the CRS's origin instead of a view's corner. Every
/// view at that scale (every tile of a zoom, or a GetMap over several of them) shares them, so a
/// label placed here has the same place in each view it touches: tiles never cut a label off or
/// disagree about it along their edges (what MapServer's `PARTIALS FALSE` with metatiles gives).
struct GlobalPixels: Hashable, Sendable {
    let crs: String
    /// Map units per pixel, rounded to 10 significant digits: the tiles of one zoom compute their
    /// boxes' widths with different rounding errors and must still share one layout.
    let resolutionX: Double, resolutionY: Double
    let ratio: Double

    init(_ frame: ViewFrame) {
        let (rx, ry) = frame.viewport.resolution
        crs = frame.viewport.crs.identifier
        resolutionX = Self.rounded(rx); resolutionY = Self.rounded(ry)
        ratio = frame.pixelRatio
    }

    static func rounded(_ r: Double) -> Double {
        guard r.isFinite, r > 0 else { return r }
        let scale = pow(10, 9 - (log10(r)).rounded(.down))
        return (r * scale).rounded() / scale
    }

    /// x right, y down.
    func pixel(_ map: Coordinate) -> (x: Double, y: Double) { (map.x / resolutionX, -map.y / resolutionY) }
    func mapCoordinate(_ x: Double, _ y: Double) -> Coordinate { Coordinate(x * resolutionX, -y * resolutionY) }

    /// Where a view's top-left corner lies: a view pixel is the global one minus this.
    func origin(of viewport: Viewport) -> (x: Double, y: Double) { pixel(Coordinate(viewport.box.minX, viewport.box.maxY)) }

    /// The view's pixels (grown by `margin`) as a global box.
    func box(of viewport: Viewport, margin: Double = 0) -> LabelBox {
        let o = origin(of: viewport)
        return LabelBox(minX: o.x - margin, minY: o.y - margin, maxX: o.x + Double(viewport.width) + margin, maxY: o.y + Double(viewport.height) + margin)
    }
}

/// An axis-aligned box in pixels, x right and y down.
struct LabelBox: Equatable, Sendable {
    var minX: Double, minY: Double, maxX: Double, maxY: Double

    init(minX: Double, minY: Double, maxX: Double, maxY: Double) { self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY }
    init(centreX x: Double, _ y: Double, halfWidth w: Double, halfHeight h: Double) { self.init(minX: x - w, minY: y - h, maxX: x + w, maxY: y + h) }

    var centre: (x: Double, y: Double) { ((minX + maxX) / 2, (minY + maxY) / 2) }
    var width: Double { maxX - minX }
    var height: Double { maxY - minY }

    /// Whether the boxes share more than an edge.
    func intersects(_ o: LabelBox) -> Bool { minX < o.maxX && o.minX < maxX && minY < o.maxY && o.minY < maxY }

    /// Whether a circle reaches into the box.
    func meets(_ c: LabelObstacle) -> Bool {
        let dx = max(minX - c.x, 0, c.x - maxX), dy = max(minY - c.y, 0, c.y - maxY)
        return dx * dx + dy * dy < c.radius * c.radius
    }

    func union(_ o: LabelBox) -> LabelBox {
        LabelBox(minX: min(minX, o.minX), minY: min(minY, o.minY), maxX: max(maxX, o.maxX), maxY: max(maxY, o.maxY))
    }

    func offset(by x: Double, _ y: Double) -> LabelBox { LabelBox(minX: minX + x, minY: minY + y, maxX: maxX + x, maxY: maxY + y) }
}

/// Something drawn that a label must keep off: a cluster circle, in global pixels.
struct LabelObstacle: Sendable {
    var x: Double, y: Double, radius: Double
}

/// One district name the layout keeps: where it may go (its candidate boxes, the first its anchor)
/// and where it goes when nothing else is drawn (`chosen`).
struct LayoutLabel: Sendable {
    let district: Int
    let text: String
    let size: Double
    /// Boxes around the text (halo and a pixel of air included), in order of preference.
    let candidates: [LabelBox]
    let chosen: Int
    /// Every candidate together: how far the label's decisions reach.
    let region: LabelBox
}

/// District names placed without collisions at one scale, over every district at once, in global
/// pixels (so the same in every view at that scale). Two steps:
///
/// 1. Names among themselves, which depends only on the districts and the scale (kept per scale
///    in `LabelLayouts`): larger districts first (then by code), each name at the first of its
///    candidate places that meets no name already placed, or left out. A name wider or taller
///    than its district's box is left out (MapServer's `MINFEATURESIZE AUTO`). Candidates are the
///    district's label point, then one and two label heights above and below it and one label
///    width to the right and left; a moved name's centre must lie inside its district.
/// 2. Names against what other layers draw (cluster circles), for each view: a name whose place
///    meets a circle moves to its first candidate that meets no circle and no candidate of any
///    other name, or is left out. Keeping clear of every other name's candidates makes each name's
///    decision depend only on the circles near it, never on what another name did: the decision
///    is the same in every tile the name touches, and a new report changes names only within a
///    known distance (`LabelLayout.reach`), which is what tile invalidation needs to know.
final class LabelLayout: Sendable {
    let space: GlobalPixels
    /// The names step 1 kept, in priority order.
    let labels: [LayoutLabel]

    /// Label size in pixels at pixel ratio 1.
    static let fontSize = 12.0
    /// Candidate offsets in units of the label's box: the anchor, up, down, right, left, further up and down.
    static let offsets: [(Double, Double)] = [(0, 0), (0, -1), (0, 1), (1, 0), (-1, 0), (0, -2), (0, 2)]

    init(districts: [MapDistrict], space: GlobalPixels, projector: Projector) {
        self.space = space
        let size = Self.fontSize * space.ratio
        let order = districts.indices.sorted {
            let a = districts[$0], b = districts[$1]
            return a.areaSquareMetres != b.areaSquareMetres ? a.areaSquareMetres > b.areaSquareMetres : a.code < b.code
        }
        var placed: [LayoutLabel] = []
        var taken: [LabelBox] = []
        for i in order {
            let d = districts[i]
            let anchor = space.pixel(projector.forward(d.labelPoint))
            guard anchor.x.isFinite, anchor.y.isFinite, !d.name.isEmpty else { continue }
            let (halfWidth, halfHeight) = Self.halfSize(d.name, size: size)
            guard let extent = Self.extent(of: d, space: space, projector: projector),
                  2 * halfWidth <= extent.width, 2 * halfHeight <= extent.height else { continue }
            var candidates: [LabelBox] = []
            for (k, (ox, oy)) in Self.offsets.enumerated() {
                let box = LabelBox(centreX: anchor.x + ox * 2 * halfWidth, anchor.y + oy * 2 * halfHeight, halfWidth: halfWidth, halfHeight: halfHeight)
                // The anchor is where names have always gone; a moved name stays in its district.
                if k > 0 {
                    let c = box.centre
                    let lonLat = projector.inverse(space.mapCoordinate(c.x, c.y))
                    guard lonLat.x.isFinite, lonLat.y.isFinite, d.contains(lonLat) else { continue }
                }
                candidates.append(box)
            }
            guard let chosen = candidates.firstIndex(where: { box in !taken.contains { $0.intersects(box) } }) else { continue }
            taken.append(candidates[chosen])
            placed.append(LayoutLabel(district: i, text: d.name, size: size, candidates: candidates, chosen: chosen,
                                      region: candidates.dropFirst().reduce(candidates[0]) { $0.union($1) }))
        }
        labels = placed
    }

    /// Half the width and height of a name's box: the ink, its halo (a quarter of the size wide,
    /// half of it outside) and a pixel of air.
    static func halfSize(_ text: String, size: Double) -> (Double, Double) {
        let ink = TextMetrics.inkSize(text, size: size)
        let pad = size / 8 + 1
        return (ink.width / 2 + pad, ink.height / 2 + pad)
    }

    /// The district's box in global pixels (its lon/lat box's corners and edge midpoints projected).
    static func extent(of d: MapDistrict, space: GlobalPixels, projector: Projector) -> LabelBox? {
        let b = d.bounds
        var box: LabelBox?
        for x in [b.minX, (b.minX + b.maxX) / 2, b.maxX] {
            for y in [b.minY, (b.minY + b.maxY) / 2, b.maxY] {
                let p = space.pixel(projector.forward(Coordinate(x, y)))
                guard p.x.isFinite, p.y.isFinite else { continue }
                let point = LabelBox(minX: p.x, minY: p.y, maxX: p.x, maxY: p.y)
                box = box.map { $0.union(point) } ?? point
            }
        }
        return box
    }

    /// Step 2 for the names whose region meets `view`: each with its box. `obstacles` gives the
    /// circles near a region (nil when nothing is drawn that names must keep off).
    func placements(in view: LabelBox, obstacles: ((LabelBox) -> [LabelObstacle])?) -> [(label: LayoutLabel, box: LabelBox)] {
        var result: [(LayoutLabel, LabelBox)] = []
        for (k, label) in labels.enumerated() where label.region.intersects(view) {
            let chosen = label.candidates[label.chosen]
            guard let obstacles else { result.append((label, chosen)); continue }
            let circles = obstacles(label.region)
            if !circles.contains(where: chosen.meets) { result.append((label, chosen)); continue }
            let free = label.candidates.enumerated().first { j, box in
                j != label.chosen && !circles.contains(where: box.meets) && !meetsAnotherLabel(box, except: k)
            }
            if let free { result.append((label, free.element)) }
        }
        return result.filter { $0.1.intersects(view) }
    }

    /// Whether `box` meets any candidate of any kept name but the `k`th.
    func meetsAnotherLabel(_ box: LabelBox, except k: Int) -> Bool {
        labels.indices.contains { i in i != k && labels[i].region.intersects(box) && labels[i].candidates.contains { $0.intersects(box) } }
    }

    /// How far, in pixels at ratio 1, a change drawn at one point (a cluster circle) can change
    /// names: the widest region of any name. Tiles drawing names over clusters are invalidated
    /// this much further than the clusters themselves.
    static func reach(_ districts: [MapDistrict]) -> Double {
        let rows = offsets.map(\.1), columns = offsets.map(\.0)
        let across = (columns.max()! - columns.min()! + 1), down = (rows.max()! - rows.min()! + 1)
        return districts.reduce(0) { widest, d in
            let (w, h) = halfSize(d.name, size: fontSize)
            return max(widest, hypot(across * 2 * w, down * 2 * h))
        }
    }
}

/// Layouts of one set of districts, per scale (a tile zoom, a GetMap's resolution), made on first
/// use. Bounded: WMS clients zooming freely ask for any number of scales.
public final class LabelLayouts: Sendable {
    private let layouts = Mutex<[GlobalPixels: LabelLayout]>([:])
    static let capacity = 64

    public init() {}

    func layout(_ space: GlobalPixels, make: () -> LabelLayout) -> LabelLayout {
        if let hit = layouts.withLock({ $0[space] }) { return hit }
        let made = make()
        layouts.withLock { table in
            if table.count >= Self.capacity { table.removeAll() }
            table[space] = made
        }
        return made
    }
}

/// Sizes of label text in DejaVu Sans Bold, measured once per text and size.
enum TextMetrics {
    private static let sizes = Mutex<[String: (width: Double, height: Double)]>([:])

    static func inkSize(_ text: String, size: Double) -> (width: Double, height: Double) {
        let key = "\(size)|\(text)"
        if let hit = sizes.withLock({ $0[key] }) { return hit }
        let canvas = Canvas(width: 1, height: 1)
        cairo_select_font_face(canvas.context, Palette.fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(canvas.context, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(canvas.context, text, &extents)
        let measured = (extents.width, extents.height)
        sizes.withLock { table in
            if table.count > 10_000 { table.removeAll() }
            table[key] = measured
        }
        return measured
    }
}
