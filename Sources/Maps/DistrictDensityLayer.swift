import CCairo
import Clusters
import Foundation
import Geo

/// `district-density`: reports per km² in each district (of the reports the filters let through),
/// as a choropleth of five classes. Class breaks are quantiles over all districts, not over the
/// districts in view, so every tile and map of one filter uses the same classes.
struct DistrictDensityLayer: MapLayer {
    let name = "district-density"
    let title = "Reports per km² by district"
    let abstract = "Choropleth of reports per square kilometre in each district, five quantile classes; see the legend."
    let showsReports = true
    let reportReach: Double? = nil

    /// Reports and reports per km² per district (by position in the district list).
    struct Densities {
        var counts: [Int]
        var perSquareKilometre: [Double]
        var classes: ChoroplethClasses
        var breaks: [Double] { classes.breaks }
        func classIndex(_ density: Double) -> Int { classes.classIndex(density) }
    }

    static func densities(_ data: MapData, _ points: some Sequence<ClusterPoint>) -> Densities {
        var counts = [Int](repeating: 0, count: data.districts.count)
        for p in points where p.district >= 0 && Int(p.district) < counts.count { counts[Int(p.district)] += 1 }
        let density = zip(counts, data.districts).map { c, d in d.areaSquareMetres > 0 ? Double(c) / (d.areaSquareMetres / 1e6) : 0 }
        return Densities(counts: counts, perSquareKilometre: density, classes: ChoroplethClasses(density, classes: Palette.density.count))
    }

    func draw(_ scene: Scene, style: MapStyle) {
        let cr = scene.context
        let densities = Self.densities(scene.data, scene.reports.points)
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD)
        for (i, district) in scene.visibleDistricts() {
            scene.addPath(district)
            Palette.density[densities.classIndex(densities.perSquareKilometre[i])].set(on: cr)
            cairo_fill_preserve(cr)
            Colour(rgb: 0x666666, alpha: 0.8).set(on: cr)
            cairo_set_line_width(cr, 0.75 * scene.ratio)
            cairo_stroke(cr)
        }
    }

    func features(_ scene: Scene, atPixel x: Double, _ y: Double, limit: Int) -> [FeatureInfo] {
        let densities = Self.densities(scene.data, scene.reports.points)
        return scene.districts(atPixel: x, y).prefix(limit).map { i, d in
            FeatureInfo(layer: name, id: d.code,
                        properties: [("code", .text(d.code)), ("name", .text(d.name)), ("reports", .integer(Int64(densities.counts[i]))),
                                     ("area_km2", .number(d.areaSquareMetres / 1e6)),
                                     ("reports_per_km2", .number(densities.perSquareKilometre[i]))],
                        location: d.labelPoint)
        }
    }

    func legend(_ data: MapData, query: ReportQuery, style: MapStyle) -> [LegendEntry] {
        let densities = Self.densities(data, data.reports.reports(matching: query.filter(for: data.reports)).points)
        var lower = 0.0
        return densities.breaks.enumerated().map { k, upper in
            defer { lower = upper }
            return LegendEntry(swatch: .area(fill: Palette.density[k], outline: Colour(rgb: 0x666666)),
                               label: String(format: "%.0f – %.0f reports/km²", lower, upper))
        }
    }
}
