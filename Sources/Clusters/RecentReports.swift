/// Reports added to a built `ClusterIndex` after its build, shown at once without rebuilding it.
///
/// A full build over a million reports takes about a second, too long for "a new report shows
/// within one second" while reports keep arriving. So a new report is placed into the existing
/// hierarchy instead, the way the next build would most likely place it: from the finest cluster
/// zoom (`maxZoom`) outwards, it joins the nearest cluster formed at that zoom whose centre lies
/// within the zoom's clustering radius (in per-district mode, only a cluster of its own district). From that zoom
/// down it is counted in that cluster and in the clusters that contain it (found through
/// `ParentLinks`); at finer zooms it shows as a single report. A report near no cluster shows on
/// its own at every zoom.
///
/// What this keeps exactly: every report is counted once at every zoom, a cluster's children sum
/// to it, its leaves list it, and per-district clusters never mix districts. What waits for the
/// next rebuild: new reports do not form clusters among themselves or with single reports, and a
/// grown cluster keeps its centre. `LiveClusterIndex` rebuilds soon after reports arrive, so the
/// list stays short and each query scans it whole.
import Synchronization

struct RecentReports: Sendable {
    /// The added reports with a finite position, in arrival order.
    private(set) var points = ContiguousArray<ClusterPoint>()
    /// For each report, the finest zoom at which it sits inside a cluster, or -1.
    private(set) var joinZooms = ContiguousArray<Int8>()
    /// For each report, the position of the cluster holding it at each zoom `minZoom ... maxZoom`
    /// (`span` entries per report; those finer than its join zoom are unused).
    private(set) var holders = ContiguousArray<Int32>()
    /// Each report's Web Mercator unit-square position, for viewport tests.
    private(set) var unitPositions = ContiguousArray<Double>()
    /// Each zoom's gains, worked out by the first query at that zoom (queries are many, additions
    /// few); a fresh, empty cache after every addition.
    private var gainsCache = GainsCache()
    /// Added reports without a finite position, left out like a build leaves them out.
    private(set) var skippedCount = 0
    let minZoom: Int
    let span: Int

    init(options: ClusterOptions) {
        minZoom = options.minZoom
        span = options.maxZoom - options.minZoom + 1
    }

    var count: Int { points.count }
    var isEmpty: Bool { points.isEmpty }

    mutating func append(_ point: ClusterPoint, joining placement: Placement?) {
        points.append(point)
        unitPositions.append(WebMercator.x(longitude: WebMercator.wrapped(longitude: point.lon)))
        unitPositions.append(WebMercator.y(latitude: point.lat))
        gainsCache = GainsCache()
        joinZooms.append(Int8(placement?.zoom ?? -1))
        holders.append(contentsOf: repeatElement(-1, count: span))
        if let placement {
            let base = (points.count - 1) * span
            for (offset, position) in placement.holders.enumerated() { holders[base + offset] = position }
        }
    }

    mutating func skip() { skippedCount += 1 }

    /// Where a new report sits: the finest zoom at which it is inside a cluster, and the position of
    /// the cluster holding it at each zoom from `minZoom` to that one.
    struct Placement {
        let zoom: Int
        let holders: [Int32]
    }

    /// The position of the cluster holding report `i` at `zoom`, or nil if it is single there.
    func holder(of i: Int, atZoom zoom: Int) -> Int32? {
        guard zoom <= Int(joinZooms[i]) else { return nil }
        return holders[i * span + zoom - minZoom]
    }

    /// The reports each cluster at `zoom` gained, by the cluster's position: counts per service,
    /// in ascending service order.
    func gains(atZoom zoom: Int) -> [Int32: [ServiceCount]] {
        if let known = gainsCache.table.withLock({ $0[zoom] }) { return known }
        var services: [Int32: [UInt16]] = [:]
        for i in points.indices {
            if let holder = holder(of: i, atZoom: zoom) { services[holder, default: []].append(points[i].service) }
        }
        let gains = services.mapValues(Self.counted)
        gainsCache.table.withLock { $0[zoom] = gains }
        return gains
    }

    static func counted(_ services: [UInt16]) -> [ServiceCount] {
        var counts: [ServiceCount] = []
        for service in services.sorted() {
            if let last = counts.last, last.service == service {
                counts[counts.count - 1] = ServiceCount(service: service, storedCount: last.storedCount + 1)
            } else {
                counts.append(ServiceCount(service: service, storedCount: 1))
            }
        }
        return counts
    }

    /// The reports that show on their own at `zoom`.
    func singles(atZoom zoom: Int) -> some Sequence<ClusterPoint> {
        points.indices.lazy.filter { Int(joinZooms[$0]) < zoom }.map { points[$0] }
    }

    /// The reports that show on their own at `zoom` inside a unit-square rectangle.
    func singles(atZoom zoom: Int, in box: (minX: Double, minY: Double, maxX: Double, maxY: Double)) -> [ClusterPoint] {
        var found: [ClusterPoint] = []
        forEachSingle(atZoom: zoom, in: box) { point, _, _ in found.append(point) }
        return found
    }

    /// The same, each with its unit-square position, in arrival order.
    func forEachSingle(atZoom zoom: Int, in box: (minX: Double, minY: Double, maxX: Double, maxY: Double),
                       _ body: (ClusterPoint, Double, Double) -> Void) {
        for i in points.indices {
            let x = unitPositions[2 * i], y = unitPositions[2 * i + 1]
            if Int(joinZooms[i]) < zoom && x >= box.minX && x <= box.maxX && y >= box.minY && y <= box.maxY { body(points[i], x, y) }
        }
    }

    /// The reports that joined the cluster at `position` of `zoom` at that zoom: single one zoom
    /// further in, so they are among its children.
    func joiners(ofClusterAt position: Int, zoom: Int) -> [ClusterPoint] {
        points.indices.filter { Int(joinZooms[$0]) == zoom && holder(of: $0, atZoom: zoom) == Int32(position) }.map { points[$0] }
    }

    /// The reports inside the cluster at `position` of `zoom`.
    func members(ofClusterAt position: Int, zoom: Int) -> [ClusterPoint] {
        points.indices.filter { holder(of: $0, atZoom: zoom) == Int32(position) }.map { points[$0] }
    }
}

/// Per-zoom gains of one `RecentReports` value, shared by its copies.
private final class GainsCache: Sendable {
    let table = Mutex<[Int: [Int32: [ServiceCount]]]>([:])
}
