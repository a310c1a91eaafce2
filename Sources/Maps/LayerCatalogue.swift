/// The layers the service offers, in capabilities order (bottom to top is the client's choice).
public struct LayerCatalogue: Sendable {
    let layers: [any MapLayer]

    init(layers: [any MapLayer]) { self.layers = layers }

    /// districts, district-density, heatmap, clusters, reports, plans, plan-comments.
    public static let standard = LayerCatalogue(layers: [
        DistrictsLayer(), DistrictDensityLayer(), HeatmapLayer(), ClustersLayer(), ReportsLayer(), PlansLayer(), PlanCommentsLayer(),
    ])

    public var names: [String] { layers.map(\.name) }

    func layer(named name: String) -> (any MapLayer)? { layers.first { $0.name == name } }

    /// What a report touching the map changes, per layer that shows reports.
    public var reportLayers: [(name: String, reachPixels: Double?)] {
        layers.filter(\.showsReports).map { ($0.name, $0.reportReach) }
    }

    public func isQueryable(_ name: String) -> Bool { layer(named: name)?.queryable ?? false }
}
