import CCairo
import Foundation
import Geo

/// One petition's valid signatures per district, as the server hands them to a map request that
/// names `PETITION=<id>` (the counts are read per request, never cached in tiles).
public struct PetitionMapFigures: Sendable, Hashable {
    public var petitionId: Int64
    public var title: String
    /// By district code.
    public var districts: [String: District]

    public struct District: Sendable, Hashable {
        public var signatures: Int
        /// Per 1,000 residents, where the population is known.
        public var perThousand: Double?
        public init(signatures: Int, perThousand: Double?) { self.signatures = signatures; self.perThousand = perThousand }
    }

    public init(petitionId: Int64, title: String, districts: [String: District]) {
        self.petitionId = petitionId; self.title = title; self.districts = districts
    }

    /// Per 1,000 residents when every district's population is known (comparable across
    /// districts of different sizes), else the plain counts.
    var perThousand: Bool { !districts.isEmpty && districts.values.allSatisfy { $0.perThousand != nil } }

    func value(_ code: String) -> Double {
        guard let d = districts[code] else { return 0 }
        return perThousand ? d.perThousand ?? 0 : Double(d.signatures)
    }
}

/// `petition-signatures`: a choropleth of one petition's signatures per district (per 1,000
/// residents where populations are configured), five quantile classes. WMS only, with the vendor
/// parameter `PETITION=<id>`: its colours change with every signature, so no tile caches it.
public struct PetitionSignaturesLayer: MapLayer {
    public static let layerName = "petition-signatures"
    let name = layerName
    let title = "Petition signatures by district"
    let abstract = "Choropleth of one petition's valid signatures per district (per 1,000 residents where populations are configured), five quantile classes. Needs the vendor parameter PETITION=<id> of a petition open for signatures or past it; WMS only (not tiled)."
    let showsReports = false
    let reportReach: Double? = nil
    let tiled = false
    static let palette: [Colour] = [0xF2F0F7, 0xCBC9E2, 0x9E9AC8, 0x756BB1, 0x54278F].map { Colour(rgb: $0, alpha: 0.75) }

    static func classes(_ data: MapData, _ figures: PetitionMapFigures) -> ChoroplethClasses {
        ChoroplethClasses(data.districts.map { figures.value($0.code) }, classes: palette.count)
    }

    func draw(_ scene: Scene, style: MapStyle) {
        guard let figures = scene.data.petition else { return }
        let cr = scene.context
        let classes = Self.classes(scene.data, figures)
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD)
        for (_, district) in scene.visibleDistricts() {
            scene.addPath(district)
            let value = figures.value(district.code)
            (value > 0 ? Self.palette[classes.classIndex(value)] : Colour(rgb: 0xFFFFFF, alpha: 0.5)).set(on: cr)
            cairo_fill_preserve(cr)
            Colour(rgb: 0x555555, alpha: 0.8).set(on: cr)
            cairo_set_line_width(cr, 0.75 * scene.ratio)
            cairo_stroke(cr)
        }
    }

    func features(_ scene: Scene, atPixel x: Double, _ y: Double, limit: Int) -> [FeatureInfo] {
        guard let figures = scene.data.petition else { return [] }
        return scene.districts(atPixel: x, y).prefix(limit).map { _, d in
            let f = figures.districts[d.code]
            var properties: [(String, FeatureInfo.Value)] = [("petition", .integer(figures.petitionId)), ("code", .text(d.code)),
                                                        ("name", .text(d.name)), ("signatures", .integer(Int64(f?.signatures ?? 0)))]
            if let per = f?.perThousand { properties.append(("per_1000", .number((per * 100).rounded() / 100))) }
            return FeatureInfo(layer: name, id: d.code, properties: properties, location: d.labelPoint)
        }
    }

    func legend(_ data: MapData, query: ReportQuery, style: MapStyle) -> [LegendEntry] {
        guard let figures = data.petition else {
            return [LegendEntry(swatch: .area(fill: Self.palette[2], outline: Colour(rgb: 0x555555)), label: "signatures per district (PETITION=<id>)")]
        }
        let unit = figures.perThousand ? "signatures per 1,000 residents" : "signatures"
        var lower = 0.0
        return Self.classes(data, figures).breaks.enumerated().map { k, upper in
            defer { lower = upper }
            return LegendEntry(swatch: .area(fill: Self.palette[k], outline: Colour(rgb: 0x555555)),
                               label: figures.perThousand ? String(format: "%.1f – %.1f %@", lower, upper, unit) : String(format: "%.0f – %.0f %@", lower, upper, unit))
        }
    }
}
