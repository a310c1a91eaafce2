/// One zoom level of a `ClusterIndex`: its nodes (clusters and single reports), column by column
/// in k-d tree order, so that a tree query's positions index every column directly.
struct ClusterLevel: Sendable {
    let zoom: Int
    /// The nodes' Web Mercator unit-square positions; a cluster sits at its members' weighted centroid.
    let tree: KDTree
    /// Reports per node; 1 marks a single report.
    let counts: ContiguousArray<UInt32>
    /// For a single report, its position in the index's `points`; for a cluster, its
    /// `ClusterID.rawValue` (the zoom and position where it formed: it keeps the id when copied
    /// unchanged to lower zooms).
    let identities: ContiguousArray<Int64>
    /// The district of the node's reports in per-district mode; the seed report's district otherwise.
    let districts: ContiguousArray<Int32>
    /// A cluster's service breakdown: `breakdownCounts[i]` pairs from `breakdownStarts[i]` in the
    /// index's shared pool. For a single report `breakdownStarts[i]` is its service (and the count
    /// zero): the build reads it next to the node's other columns instead of in `points`.
    let breakdownStarts: ContiguousArray<UInt32>
    let breakdownCounts: ContiguousArray<UInt32>
    /// Children in the level below (zoom + 1) in compressed-row form: the children of node `i` are
    /// `children[childStarts[i] ..< childStarts[i + 1]]`. Empty at the level of single reports.
    let childStarts: ContiguousArray<Int32>
    let children: ContiguousArray<Int32>

    var count: Int { counts.count }

    func isCluster(_ position: Int) -> Bool { counts[position] > 1 }

    /// The bytes its columns hold.
    var byteCount: Int {
        tree.coordinates.count * 8 + counts.count * 4 + identities.count * 8 + districts.count * 4
            + breakdownStarts.count * 4 + breakdownCounts.count * 4 + childStarts.count * 4 + children.count * 4
    }

    func childRange(_ position: Int) -> Range<Int> {
        Int(childStarts[position])..<Int(childStarts[position + 1])
    }
}
