/// Which reports a map shows: a set of services, a set of statuses, and a request-time window
/// `[since, until)`. A nil part lets everything through.
public struct ClusterFilter: Hashable, Sendable {
    public var services: Set<UInt16>?
    public var statuses: Set<UInt8>?
    /// Inclusive lower bound on `ClusterPoint.requestedAt` (ms since the epoch).
    public var since: Int64?
    /// Exclusive upper bound on `ClusterPoint.requestedAt`.
    public var until: Int64?

    public init(services: Set<UInt16>? = nil, statuses: Set<UInt8>? = nil, since: Int64? = nil, until: Int64? = nil) {
        self.services = services; self.statuses = statuses; self.since = since; self.until = until
    }

    /// Every report.
    public static let all = ClusterFilter()

    public var isUnfiltered: Bool { services == nil && statuses == nil && since == nil && until == nil }

    public func matches(_ point: ClusterPoint) -> Bool {
        if let services, !services.contains(point.service) { return false }
        if let statuses, !statuses.contains(point.status) { return false }
        if let since, point.requestedAt < since { return false }
        if let until, point.requestedAt >= until { return false }
        return true
    }

    /// The reports of `points` that pass, in order. Uses lookup tables instead of set lookups:
    /// a filtered build over a million reports should not spend its time hashing.
    func apply(to points: some Sequence<ClusterPoint>) -> ContiguousArray<ClusterPoint> {
        let serviceTable = services.map { set in
            var table = [Bool](repeating: false, count: Int(UInt16.max) + 1)
            for s in set { table[Int(s)] = true }
            return table
        }
        let statusTable = statuses.map { set in
            var table = [Bool](repeating: false, count: Int(UInt8.max) + 1)
            for s in set { table[Int(s)] = true }
            return table
        }
        let since = since ?? .min, until = until
        var kept = ContiguousArray<ClusterPoint>()
        for point in points {
            if let serviceTable, !serviceTable[Int(point.service)] { continue }
            if let statusTable, !statusTable[Int(point.status)] { continue }
            if point.requestedAt < since { continue }
            if let until, point.requestedAt >= until { continue }
            kept.append(point)
        }
        return kept
    }
}
