/// Names a cluster within one `ClusterIndex`.
///
/// Encoding (in the spirit of Mapbox supercluster, which packs the origin zoom into the low bits):
/// `rawValue = index << 5 | zoom`, where `zoom` (0...30) is the zoom level at which the cluster
/// formed and `index` its position in that level's k-d tree order. A cluster that does not merge
/// further keeps its id at every lower zoom, so the same group of reports has the same id across
/// zooms, and the id alone locates its children (they sit at `zoom + 1`).
///
/// The build is deterministic, so the same points and options always give the same ids. An id
/// only means something to the index that made it: another filter's index or an older live
/// snapshot may answer `ClusterError.unknownCluster` or name another cluster.
public struct ClusterID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    init(zoom: Int, index: Int) { rawValue = Int64(index) << 5 | Int64(zoom) }

    /// The zoom level at which the cluster formed.
    public var zoom: Int { Int(rawValue & 31) }
    /// The cluster's position in that level.
    var index: Int { Int(rawValue >> 5) }

    public var description: String { String(rawValue) }
}
