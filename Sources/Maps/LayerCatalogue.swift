/// The layers the service offers, in capabilities order (bottom to top is the client's choice).
public struct LayerCatalogue: Sendable {
    let layers: [any MapLayer]

    init(layers: [any MapLayer]) { self.layers = layers }

    /// districts, district-density, heatmap, clusters, reports, plans, plan-comments, petition-signatures.
    public static let standard = LayerCatalogue(layers: [
        DistrictsLayer(), DistrictDensityLayer(), HeatmapLayer(), ClustersLayer(), ReportsLayer(), PlansLayer(), PlanCommentsLayer(),
        PetitionSignaturesLayer(),
    ])

    public var names: [String] { layers.map(\.name) }

    /// The layer that needs `PETITION=<id>` (the server reads that petition's figures).
    public static let petitionSignatures = PetitionSignaturesLayer.layerName

    func layer(named name: String) -> (any MapLayer)? { layers.first { $0.name == name } }

    /// What a report touching the map changes, per layer that shows reports.
    public var reportLayers: [(name: String, reachPixels: Double?)] {
        layers.filter(\.showsReports).map { ($0.name, $0.reportReach) }
    }

    /// The layers a tile layer name draws, bottom first: one layer (`clusters`) or several drawn
    /// into one picture (`clusters,districts`), so that district names keep off the cluster
    /// circles under them. Throws LayerNotDefined for an unknown or repeated layer.
    public func tileLayers(_ name: String) throws(WMSError) -> [String] {
        let parts = name.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard Set(parts).count == parts.count else {
            throw WMSError(.layerNotDefined, "a tile names each layer once, comma-separated, bottom first; got '\(name.prefix(80))'")
        }
        for part in parts {
            guard let layer = layer(named: part) else {
                throw WMSError(.layerNotDefined, "no layer named '\(part.prefix(80))'; layers: \(names.joined(separator: ", "))")
            }
            guard layer.tiled else { throw WMSError(.layerNotDefined, "\(part) is drawn by the WMS only (GetMap with its parameters), not as tiles") }
        }
        return parts
    }

    /// Which tiles of a tile layer (one layer or several drawn together) a report can change:
    /// those within the largest reach of its layers, every tile over the report's district if
    /// one of them changes per district, and, where district names are drawn over clusters,
    /// those within the clusters' reach plus `labelReach` (a name moves or goes when a circle
    /// comes near it: `LabelLayout`). Unknown names are never changed by reports.
    public func reportReach(ofTileLayer name: String, labelReach: Double) -> ReportReach {
        let parts = name.split(separator: ",").compactMap { layer(named: String($0)) }
        var reach = ReportReach.none
        for part in parts where part.showsReports {
            if let pixels = part.reportReach { reach.pixels = max(reach.pixels ?? 0, pixels) } else { reach.wholeDistrict = true }
        }
        if parts.contains(where: { $0 is DistrictsLayer }), let clusters = parts.first(where: { $0 is ClustersLayer }), let pixels = clusters.reportReach {
            reach.pixels = max(reach.pixels ?? 0, pixels + labelReach)
        }
        return reach
    }

    public func isQueryable(_ name: String) -> Bool { layer(named: name)?.queryable ?? false }
}

/// How far a report's change reaches in the tiles of a layer (see `LayerCatalogue.reportReach`).
public struct ReportReach: Sendable, Equatable {
    /// Tiles within this many pixels (at pixel ratio 1) of the report, at every zoom.
    public var pixels: Double?
    /// Every tile over the report's district.
    public var wholeDistrict: Bool

    public init(pixels: Double? = nil, wholeDistrict: Bool = false) { self.pixels = pixels; self.wholeDistrict = wholeDistrict }

    public static let none = ReportReach()
}
