import Foundation
import Clusters
import Geo

/// A named style of a layer, as capabilities list it. The first of a layer's styles is its default.
public struct MapStyle: Hashable, Sendable {
    public let name: String
    public let title: String
    public static let standard = MapStyle(name: "default", title: "Default")
}

/// One layer of the catalogue. A new layer (planning areas, plan comments, ...) is one more type
/// conforming to this protocol, added to `LayerCatalogue.standard`.
protocol MapLayer: Sendable {
    var name: String { get }
    var title: String { get }
    var abstract: String { get }
    var queryable: Bool { get }
    var styles: [MapStyle] { get }
    /// Whether the report filters (SERVICE_CODE, STATUS) and the TIME dimension apply.
    var showsReports: Bool { get }
    /// How far, in pixels at pixel ratio 1, what one report changes may reach beyond its
    /// position (symbol radius, cluster radius, kernel): the margin for tile invalidation.
    /// Nil when a report changes the layer over a whole district (district-density), or never
    /// (districts: `showsReports` is false).
    var reportReach: Double? { get }
    /// Whether tiles may draw (and cache) the layer.
    var tiled: Bool { get }

    func draw(_ scene: Scene, style: MapStyle)
    func features(_ scene: Scene, atPixel x: Double, _ y: Double, limit: Int) -> [FeatureInfo]
    func legend(_ data: MapData, query: ReportQuery, style: MapStyle) -> [LegendEntry]
}

extension MapLayer {
    var queryable: Bool { true }
    var tiled: Bool { true }
    var styles: [MapStyle] { [.standard] }
    func style(named name: String) -> MapStyle? {
        name.isEmpty || name.lowercased() == "default" ? styles.first : styles.first { $0.name == name }
    }
}

/// What one render draws with: the canvas, the view and the data, with the filtered reports
/// looked up once and shared by every layer of the request.
final class Scene {
    let canvas: Canvas
    let frame: ViewFrame
    let data: MapData
    let query: ReportQuery
    private var cachedReports: ClusterIndex?
    /// The layers of the request: names keep off what some of them draw (`DistrictLabels`).
    var layerNames: Set<String> = []
    /// Set by the districts layer: its names are drawn after every layer, so symbols of layers
    /// above never hide them (what MapServer's and GeoServer's label caches do).
    var drawsDistrictLabels = false

    init(canvas: Canvas, frame: ViewFrame, data: MapData, query: ReportQuery) {
        self.canvas = canvas; self.frame = frame; self.data = data; self.query = query
    }

    var context: OpaquePointer { canvas.context }
    var ratio: Double { frame.pixelRatio }

    /// The reports the request's filters let through.
    var reports: ClusterIndex {
        if let cachedReports { return cachedReports }
        let index = data.reports.reports(matching: query.filter(for: data.reports))
        cachedReports = index
        return index
    }

    /// Single reports in view (grown by `margin` pixels), with their pixel positions.
    func reportsInView(marginPixels margin: Double) -> (points: [ClusterPoint], pixels: [Coordinate]) {
        var points: [ClusterPoint] = [], pixels: [Coordinate] = []
        forEachReportInView(marginPixels: margin) { point, x, y in
            points.append(point)
            pixels.append(Coordinate(x, y))
        }
        return (points, pixels)
    }

    /// The same, one at a time, in the index's order. A Web Mercator view takes the pixels from
    /// the index's own unit-square positions; other CRSs project the reports' lon/lat.
    func forEachReportInView(marginPixels margin: Double, _ body: (ClusterPoint, _ x: Double, _ y: Double) -> Void) {
        let bounds = frame.lonLatBounds(marginPixels: margin)
        if let unit = frame.unitSquarePixels {
            reports.forEachReport(in: bounds) { point, x, y in
                let p = unit.pixel(x, y)
                body(point, p.x, p.y)
            }
            return
        }
        var points: [ClusterPoint] = []
        reports.forEachReport(in: bounds) { point, _, _ in points.append(point) }
        let pixels = frame.pixels(points.map { Coordinate($0.lon, $0.lat) })
        for (point, p) in zip(points, pixels) { body(point, p.x, p.y) }
    }
}

/// One feature GetFeatureInfo returns: its layer, ordered properties, and a lon/lat position.
public struct FeatureInfo: Sendable {
    public enum Value: Sendable, Equatable {
        case text(String), integer(Int64), number(Double)
        public var text: String {
            switch self {
            case .text(let s): s
            case .integer(let n): String(n)
            case .number(let x): String(format: "%.3f", x)
            }
        }
    }
    public let layer: String
    public let id: String?
    public let properties: [(String, Value)]
    public let location: Coordinate?
}

/// One line of a legend: a swatch and its label.
public struct LegendEntry: Sendable {
    public enum Swatch: Sendable {
        case symbol(SymbolShape, fill: Colour)
        case area(fill: Colour, outline: Colour?)
        case line(Colour)
        case circle(fill: Colour, label: String)
        case ramp([Colour])
    }
    public let swatch: Swatch
    public let label: String
}
