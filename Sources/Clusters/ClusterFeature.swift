/// One thing to draw on the map at a zoom: a cluster of reports or a single report.
public struct ClusterFeature: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Several reports. `expansionZoom` is the first zoom at which they show as the cluster's
        /// children (zoom in to it when the cluster is clicked).
        case cluster(id: ClusterID, expansionZoom: Int)
        /// A single report.
        case report(ClusterPoint)
    }

    public let kind: Kind
    /// For a cluster, the reports' centroid (weighted by cluster sizes, computed in Web Mercator);
    /// for a report, its own position.
    public let lon: Double
    public let lat: Double
    /// The number of reports.
    public let count: Int
    /// The district of the reports in per-district mode; in free mode the district of the report
    /// the cluster grew from (members may lie in others).
    public let district: Int32
    public let services: ServiceBreakdown

    public var clusterID: ClusterID? {
        if case .cluster(let id, _) = kind { return id }
        return nil
    }

    public var report: ClusterPoint? {
        if case .report(let point) = kind { return point }
        return nil
    }
}
