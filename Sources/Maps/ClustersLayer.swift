import CCairo
import Clusters
import Foundation
import Geo

/// `clusters`: the cluster index's clusters at the view's scale, as circles sized by count with
/// the count inside; single reports as small dots.
struct ClustersLayer: MapLayer {
    let name = "clusters"
    let title = "Report clusters"
    let abstract = "Reports grouped by proximity at the map's scale (about 40 pixels), each cluster a circle sized by its count."
    let showsReports = true
    /// A new report can move a cluster's centre within the cluster radius and grow its circle.
    var reportReach: Double? { Self.clusterRadius + Self.maxCircle }

    static let clusterRadius = 40.0
    static let maxCircle = 28.0

    static func radius(count: Int) -> Double { min(maxCircle, 7 + 3.5 * log2(Double(max(count, 1)))) }
    /// The circle with half its white rim (1.5 px wide), at pixel ratio 1.
    static func outerRadius(count: Int) -> Double { radius(count: count) + 0.75 }

    /// The cluster zoom for a view: the index clusters 40 px of 512-px tiles, which is 40 px of
    /// 256-px tiles one zoom further in.
    static func clusterZoom(_ scene: Scene) -> Int { clusterZoom(scene.frame, maxZoom: scene.reports.options.maxZoom) }

    static func clusterZoom(_ frame: ViewFrame, maxZoom: Int) -> Int {
        let z = frame.webMercatorZoom()
        guard z.isFinite else { return 0 }
        // A tile's scale is a whole zoom, but worked out from its edges' longitudes it can come
        // out a hair under (11.999999): two neighbouring tiles then chose different cluster
        // levels, and the circles on their shared edge were cut in half.
        return max(0, min(maxZoom + 1, Int((z + 1e-6).rounded(.down)) - 1))
    }

    func visible(_ scene: Scene) -> [(ClusterFeature, Coordinate)] {
        let index = scene.reports
        let features = index.clusters(in: scene.frame.lonLatBounds(marginPixels: Self.maxCircle + 2), zoom: Self.clusterZoom(scene))
        let pixels = scene.frame.pixels(features.map { Coordinate($0.lon, $0.lat) })
        return Array(zip(features, pixels))
    }

    func draw(_ scene: Scene, style: MapStyle) {
        let cr = scene.context
        let ratio = scene.ratio
        let statusNames = scene.data.reports.statusNames
        // Smaller first, so large clusters' numbers stay readable on top.
        for (feature, p) in visible(scene).sorted(by: { $0.0.count < $1.0.count }) where p.x.isFinite && p.y.isFinite {
            if let report = feature.report {
                cairo_new_sub_path(cr)
                cairo_arc(cr, p.x, p.y, 4 * ratio, 0, 2 * .pi)
                Palette.status(Int(report.status) < statusNames.count ? statusNames[Int(report.status)] : "?").set(on: cr)
                cairo_fill_preserve(cr)
                Colour.white.set(on: cr)
                cairo_set_line_width(cr, ratio)
                cairo_stroke(cr)
                continue
            }
            let r = Self.radius(count: feature.count) * ratio
            cairo_new_sub_path(cr)
            cairo_arc(cr, p.x, p.y, r, 0, 2 * .pi)
            (feature.count >= 100 ? Palette.clusterLarge : Palette.cluster).set(on: cr)
            cairo_fill_preserve(cr)
            Colour.white.set(on: cr)
            cairo_set_line_width(cr, 1.5 * ratio)
            cairo_stroke(cr)
            TextDrawing.label(cr, Self.countText(feature.count), centredAt: p.x, p.y, size: min(13, 8 + r / ratio / 4) * ratio,
                              colour: .white, halo: nil, bold: true)
        }
    }

    static func countText(_ count: Int) -> String {
        count >= 10_000 ? "\(count / 1000)k" : String(count)
    }

    func features(_ scene: Scene, atPixel x: Double, _ y: Double, limit: Int) -> [FeatureInfo] {
        let cx = x + 0.5, cy = y + 0.5
        let source = scene.data.reports
        var hits: [(Double, ClusterFeature)] = []
        for (f, p) in visible(scene) {
            let r = (f.report == nil ? Self.radius(count: f.count) : 4) * scene.ratio
            let d = hypot(p.x - cx, p.y - cy)
            if d <= r { hits.append((d, f)) }
        }
        hits.sort { $0.0 < $1.0 }
        return hits.prefix(limit).map { _, f in
            var properties: [(String, FeatureInfo.Value)] = [("count", .integer(Int64(f.count)))]
            if let report = f.report {
                properties.append(("report_id", .integer(report.id)))
                properties.append(("service_code", .text(source.serviceCode(report.service))))
            } else {
                let top = f.services.sorted { $0.count > $1.count }.prefix(3)
                properties.append(("top_services", .text(top.map { "\(source.serviceCode($0.service)) (\($0.count))" }.joined(separator: ", "))))
            }
            return FeatureInfo(layer: name, id: f.clusterID.map { $0.description } ?? f.report.map { String($0.id) },
                               properties: properties, location: Coordinate(f.lon, f.lat))
        }
    }

    func legend(_ data: MapData, query: ReportQuery, style: MapStyle) -> [LegendEntry] {
        [LegendEntry(swatch: .circle(fill: Palette.cluster, label: "12"), label: "cluster of 12 reports"),
         LegendEntry(swatch: .circle(fill: Palette.clusterLarge, label: "250"), label: "100 reports or more"),
         LegendEntry(swatch: .symbol(.circle, fill: Palette.status("open")), label: "single report (colour: status)")]
    }
}
