import Clusters

/// Where the report layers get their reports: the server's live cluster indexes, read from
/// memory (no SQL per request). Services and statuses are small integers there; the source
/// translates them.
public protocol ReportSource: Sendable {
    /// The free (not per-district) cluster index of the reports `filter` lets through.
    func reports(matching filter: ClusterFilter) -> ClusterIndex
    func serviceCode(_ index: UInt16) -> String
    func serviceIndex(_ code: String) -> UInt16?
    /// Status names by status number (`open`, `acknowledged`, `in_progress`, `closed`).
    var statusNames: [String] { get }
}

/// A fixed set of reports, for tests, seeding and tools.
public struct StaticReportSource: ReportSource {
    public let catalogue: ClusterCatalogue
    public let services: [String]
    public let statusNames: [String]

    public init(points: [ClusterPoint], services: [String], statusNames: [String] = ["open", "acknowledged", "in_progress", "closed"]) throws {
        catalogue = try ClusterCatalogue(points: points)
        self.services = services
        self.statusNames = statusNames
    }

    public func reports(matching filter: ClusterFilter) -> ClusterIndex { catalogue.index(for: filter) }
    public func serviceCode(_ index: UInt16) -> String { Int(index) < services.count ? services[Int(index)] : "?" }
    public func serviceIndex(_ code: String) -> UInt16? { services.firstIndex(of: code).map { UInt16($0) } }
}

/// Everything the layers draw from.
public struct MapData: Sendable {
    public var districts: [MapDistrict] {
        didSet { labelLayouts = LabelLayouts() }
    }
    public var reports: any ReportSource
    public var plans: any PlanSource
    /// One petition's signatures per district, for `petition-signatures`: set per request by the
    /// server when the request names `PETITION=<id>`.
    public var petition: PetitionMapFigures?
    /// Where the district names go at each scale, worked out once per scale for these districts.
    private(set) var labelLayouts = LabelLayouts()

    public init(districts: [MapDistrict], reports: any ReportSource, plans: any PlanSource = StaticPlanSource()) {
        self.districts = districts; self.reports = reports; self.plans = plans
    }

    /// How far (pixels at ratio 1) a cluster drawn or changed at one point can move names drawn
    /// over the clusters (see `LabelLayout`).
    public var labelReach: Double { LabelLayout.reach(districts) }
}
