/// How a `ClusterIndex` groups points. The defaults are supercluster's: 40 px radius on 512 px
/// tiles, zooms 0...18, clusters of two or more.
public struct ClusterOptions: Hashable, Sendable {
    /// Whether points of different districts may share a cluster.
    public enum Grouping: Hashable, Sendable {
        /// Any nearby points merge.
        case free
        /// A point only joins a cluster of its own `district` value (points of no district form
        /// their own group), so every cluster lies within one district's reports.
        case byDistrict
    }

    /// The lowest zoom with clusters; queries below it answer this zoom.
    public var minZoom = 0
    /// The highest zoom with clusters; queries above it answer single reports.
    public var maxZoom = 18
    /// The cluster radius in pixels.
    public var radius = 40.0
    /// The tile size in pixels the radius refers to.
    public var extent = 512.0
    /// The fewest points that make a cluster (at least 2).
    public var minPoints = 2
    /// Points per k-d tree leaf: larger builds faster, smaller queries faster.
    public var nodeSize = 64
    public var grouping = Grouping.free

    public init(minZoom: Int = 0, maxZoom: Int = 18, radius: Double = 40, extent: Double = 512, minPoints: Int = 2,
                nodeSize: Int = 64, grouping: Grouping = .free) {
        self.minZoom = minZoom; self.maxZoom = maxZoom; self.radius = radius; self.extent = extent
        self.minPoints = minPoints; self.nodeSize = nodeSize; self.grouping = grouping
    }

    /// The highest zoom a `ClusterID` can encode.
    public static let highestZoom = 30

    func validated() throws(ClusterError) -> ClusterOptions {
        guard minZoom >= 0, minZoom <= maxZoom, maxZoom <= Self.highestZoom else {
            throw .invalidOptions("zooms must satisfy 0 <= minZoom <= maxZoom <= \(Self.highestZoom); got \(minZoom)...\(maxZoom)")
        }
        guard radius.isFinite, radius >= 0 else { throw .invalidOptions("radius must be a finite number >= 0; got \(radius)") }
        guard extent.isFinite, extent > 0 else { throw .invalidOptions("extent must be a finite number > 0; got \(extent)") }
        guard minPoints >= 2 else { throw .invalidOptions("minPoints must be at least 2; got \(minPoints)") }
        guard nodeSize >= 2 else { throw .invalidOptions("nodeSize must be at least 2; got \(nodeSize)") }
        return self
    }

    /// The clustering radius at `zoom` in Web Mercator unit-square units.
    func unitRadius(atZoom zoom: Int) -> Double {
        radius / (extent * Double(1 << zoom))
    }
}
