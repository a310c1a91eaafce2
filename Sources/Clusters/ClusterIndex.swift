/// Map clusters of reports at every zoom, answered from memory: an immutable value, safe to share
/// between threads and cheap to copy (its columns are copy-on-write arrays).
///
/// Reports are projected to the Web Mercator unit square and grouped greedily from `maxZoom` down
/// (see `ClusterBuilder`); every level keeps a static k-d tree, so a viewport query costs a tree
/// walk over the clusters in view, whatever the number of reports. Modes: free clusters, or
/// clusters that never mix districts (`ClusterOptions.grouping`).
///
/// Filtering (services, statuses, dates) is done by building an index over the matching reports:
/// see `ClusterCatalogue`, which keeps such indexes, and `LiveClusterIndex` for new reports.
public struct ClusterIndex: Sendable {
    public let options: ClusterOptions
    /// The reports the build indexed (those with a finite position), in input order; `points`
    /// adds those added since.
    let built: ContiguousArray<ClusterPoint>
    /// How many reports the build left out for lack of a finite position.
    private let skippedInBuild: Int
    /// Reports added since the build (see `adding(_:)`).
    var recent: RecentReports
    /// Parent links, worked out when the first report is added; shared by copies of the index.
    let parentLinks = ParentLinks()
    /// Levels `minZoom ... maxZoom + 1`; the last holds single reports only.
    let levels: [ClusterLevel]
    /// The breakdown pairs of every cluster (see `ClusterLevel.breakdownStarts`).
    let breakdownPool: ContiguousArray<ServiceCount>

    /// The most reports an index holds: positions are 32-bit throughout, to halve the memory of
    /// the columns (2^31 reports would need some 400 GB anyway).
    public static let capacity = Int(Int32.max)

    /// Builds the index. Throws `ClusterError.invalidOptions` for options that cannot work, and
    /// `tooManyPoints` beyond `capacity`; reports without a finite position are left out and
    /// counted in `skippedCount`.
    public init(points: some Sequence<ClusterPoint>, options: ClusterOptions = ClusterOptions()) throws(ClusterError) {
        let options = try options.validated()
        let (placed, skipped) = Self.placed(points)
        guard placed.count <= Self.capacity else { throw .tooManyPoints(placed.count) }
        self.init(validOptions: options, placed: placed, skipped: skipped)
    }

    /// The build for options already checked and a number of reports known to fit (a filtered
    /// subset of an index's reports, or a live index's).
    init(validOptions options: ClusterOptions, points: some Sequence<ClusterPoint>) {
        let (placed, skipped) = Self.placed(points)
        precondition(placed.count <= Self.capacity, "a cluster index holds at most \(Self.capacity) reports")
        self.init(validOptions: options, placed: placed, skipped: skipped)
    }

    private static func placed(_ input: some Sequence<ClusterPoint>) -> (ContiguousArray<ClusterPoint>, Int) {
        var points = ContiguousArray<ClusterPoint>()
        points.reserveCapacity(input.underestimatedCount)
        var skipped = 0
        for point in input {
            if point.hasPosition { points.append(point) } else { skipped += 1 }
        }
        return (points, skipped)
    }

    private init(validOptions options: ClusterOptions, placed points: ContiguousArray<ClusterPoint>, skipped: Int) {
        var builder = ClusterBuilder(options: options)
        self.levels = builder.build(points: points)
        self.breakdownPool = builder.pool
        self.options = options
        self.built = points
        self.skippedInBuild = skipped
        self.recent = RecentReports(options: options)
    }

    /// The zooms with their own level: `minZoom ... maxZoom + 1` (the last shows single reports).
    public var zoomRange: ClosedRange<Int> { options.minZoom...(options.maxZoom + 1) }

    /// The number of indexed reports, added ones included.
    public var count: Int { built.count + recent.count }

    /// Every indexed report: the built ones in input order, then the added ones in arrival order
    /// (a copy of them all when reports were added since the build).
    public var points: ContiguousArray<ClusterPoint> { recent.isEmpty ? built : built + recent.points }

    /// How many reports were left out for lack of a finite position.
    public var skippedCount: Int { skippedInBuild + recent.skippedCount }

    /// Roughly the memory the index holds, in bytes: its columns at every zoom, the breakdown
    /// pairs and the reports (not counting allocator overhead).
    public var approximateByteCount: Int {
        levels.reduce(built.count * MemoryLayout<ClusterPoint>.stride + breakdownPool.count * MemoryLayout<ServiceCount>.stride) {
            $0 + $1.byteCount
        }
    }

    /// The number of features (clusters and single reports) at `zoom`, all over the world.
    public func featureCount(atZoom zoom: Int) -> Int {
        let level = level(forZoom: zoom)
        return level.count + recent.singles(atZoom: level.zoom).reduce(0) { n, _ in n + 1 }
    }

    func level(forZoom zoom: Int) -> ClusterLevel {
        levels[min(max(zoom, options.minZoom), options.maxZoom + 1) - options.minZoom]
    }
}
