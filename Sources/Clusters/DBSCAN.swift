import Geo

/// Density-based clustering (Ester, Kriegel, Sander and Xu, 1996) of planar points, with
/// scikit-learn's semantics: a point's neighbourhood is every point at distance <= `eps`, itself
/// included; a point is a core point when its neighbourhood holds at least `minPoints` points;
/// core points within `eps` of each other share a cluster; a non-core point within `eps` of a core
/// point is a border point and joins one such cluster (here: the nearest core point's; DBSCAN
/// allows any); every other point is noise.
///
/// Coordinates must be in a metric plane (metres, see `MetricProjection`): distances are Euclidean.
///
/// How it stays fast on real reports:
/// - points on identical coordinates are collapsed into one weighted point first. City data piles
///   reports on default locations (8,752 Boston reports sit on City Hall), and region queries over
///   the raw points would be quadratic there;
/// - the weighted points are bucketed in a uniform grid of cells about `eps` wide (one sort), so
///   a neighbourhood is found in the 3 × 3 cells around a point;
/// - core points are joined with union-find rather than a breadth-first expansion that revisits
///   neighbourhoods.
/// Cluster numbers follow the smallest input position of each cluster's core points, which is
/// the order scikit-learn numbers them in.
public struct DBSCAN: Hashable, Sendable {
    /// The neighbourhood radius, in the points' unit.
    public let eps: Double
    /// The neighbourhood size (the point itself included) that makes a core point.
    public let minPoints: Int

    /// Throws `DBSCANError.invalidParameters` unless `eps` is finite and >= 0 and `minPoints` >= 1.
    public init(eps: Double, minPoints: Int) throws(DBSCANError) {
        guard eps.isFinite, eps >= 0 else { throw .invalidParameters("eps must be a finite number >= 0; got \(eps)") }
        guard minPoints >= 1 else { throw .invalidParameters("minPoints must be at least 1; got \(minPoints)") }
        self.eps = eps
        self.minPoints = minPoints
    }

    /// Clusters `points`. Points with a non-finite coordinate are noise and take no part.
    public func cluster(_ points: [Coordinate]) -> DBSCANResult {
        let groups = CoincidentGroups(points, cellSize: eps > 0 ? NeighbourCells.cellSize(eps: eps, points: points) : nil)
        let n = groups.count
        var isCore = ContiguousArray<Bool>(repeating: false, count: n)
        var sets = UnionFind(count: n)
        var borderOf = ContiguousArray<Int32>(repeating: -1, count: n)

        if eps == 0 {
            // Only identical points are neighbours: each group is a neighbourhood of its own.
            for g in 0..<n { isCore[g] = groups.weights[g] >= minPoints }
        } else {
            let cells = NeighbourCells(groups)
            let squaredEps = eps * eps
            // 1. Core groups: the weight within eps, the group itself included.
            for cell in 0..<cells.count {
                let around = cells.neighbourhood(of: cell)
                for g in cells.groups(in: cell) {
                    var weight = 0
                    around.forEachGroup { other in
                        if groups.squaredDistance(g, other) <= squaredEps { weight += groups.weights[other] }
                    }
                    isCore[g] = weight >= minPoints
                }
            }
            // 2. Clusters: core groups within eps of each other, joined.
            for cell in 0..<cells.count {
                let around = cells.neighbourhood(of: cell)
                for g in cells.groups(in: cell) where isCore[g] {
                    around.forEachGroup { other in
                        if other > g, isCore[other], groups.squaredDistance(g, other) <= squaredEps { sets.union(g, other) }
                    }
                }
            }
            // 3. Border groups: the nearest core group within eps (ties: the lower group).
            for cell in 0..<cells.count {
                let around = cells.neighbourhood(of: cell)
                for g in cells.groups(in: cell) where !isCore[g] {
                    var best = -1, bestDistance = Double.infinity
                    around.forEachGroup { other in
                        guard isCore[other] else { return }
                        let d = groups.squaredDistance(g, other)
                        if d <= squaredEps && (d < bestDistance || (d == bestDistance && other < best)) { best = other; bestDistance = d }
                    }
                    borderOf[g] = Int32(truncatingIfNeeded: best)
                }
            }
        }

        // Number the clusters by the smallest input position among their core points.
        var firstOfRoot = [Int: Int]()
        for g in 0..<n where isCore[g] {
            let root = sets.find(g)
            firstOfRoot[root] = min(firstOfRoot[root] ?? .max, groups.firstPositions[g])
        }
        var labelOfRoot = [Int: Int32]()
        for (label, root) in firstOfRoot.sorted(by: { $0.value < $1.value }).map(\.key).enumerated() {
            labelOfRoot[root] = Int32(label)
        }
        var groupLabels = ContiguousArray<Int32>(repeating: -1, count: n)
        for g in 0..<n {
            if isCore[g] {
                groupLabels[g] = labelOfRoot[sets.find(g)] ?? -1
            } else if borderOf[g] >= 0 {
                groupLabels[g] = labelOfRoot[sets.find(Int(borderOf[g]))] ?? -1
            }
        }
        var labels = [Int32](repeating: -1, count: points.count)
        var core = [Bool](repeating: false, count: points.count)
        for (position, group) in groups.groupOfPoint.enumerated() where group >= 0 {
            labels[position] = groupLabels[Int(group)]
            core[position] = isCore[Int(group)]
        }
        return DBSCANResult(labels: labels, isCore: core, clusterCount: firstOfRoot.count)
    }
}

public enum DBSCANError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidParameters(String)

    public var description: String {
        switch self {
        case .invalidParameters(let reason): "invalid DBSCAN parameters: \(reason)"
        }
    }
}
