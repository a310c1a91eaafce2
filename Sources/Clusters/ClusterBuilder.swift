/// Builds the levels of a `ClusterIndex`, greedy radius clustering from the top zoom down, as Mapbox
/// supercluster does:
///
/// - the level below `maxZoom` (`maxZoom + 1`) holds every report on its own;
/// - for each zoom `z` from `maxZoom` down to `minZoom`, walk the nodes of level `z + 1` in tree
///   order; a node not yet taken becomes a seed and takes every untaken node within the radius at
///   `z` (in per-district mode only those of its own district). If that gathers more reports than
///   the seed held and at least `minPoints`, they become one cluster at their weighted centroid;
///   otherwise the seed and the nodes it reached move down to level `z` unchanged;
/// - each level gets its own k-d tree, for viewport queries. The radius queries of the next
///   zoom's clustering go to a `RadiusGrid` when the level's extent allows a dense one (always for
///   city data; it is several times faster at the fine zooms, where nearly every query finds only
///   the seed), else to the same k-d tree; both find exactly the nodes within the radius.
///
/// Everything lives in flat columns (no object per point) and the service breakdowns of all
/// clusters share one pool: a million reports take about 180 bytes each over all zooms
/// (`ClusterIndex.approximateByteCount`), reports included. Scratch memory (drafts, sort records,
/// the grid) is reused from level to level, since fresh memory costs a page fault per 4 KiB.
struct ClusterBuilder {
    let options: ClusterOptions
    /// Every cluster's breakdown pairs, back to back.
    private(set) var pool = ContiguousArray<ServiceCount>()
    private let merger = BreakdownMerger()
    /// Reused level after level (see `RadiusGrid`).
    private var grid = RadiusGrid()

    init(options: ClusterOptions) {
        self.options = options
    }

    /// The levels from `minZoom` to `maxZoom + 1` (single reports), in that order.
    mutating func build(points: ContiguousArray<ClusterPoint>) -> [ClusterLevel] {
        var draft = LevelDraft(capacity: points.count)
        var records = ContiguousArray<KDTree.Record>()
        var parents = ContiguousArray<Int32>(), taken = ContiguousArray<Bool>()
        for (position, point) in points.enumerated() {
            // A single report's breakdown is its service, kept in `breakdownStart` (see ClusterLevel).
            draft.append(LevelDraft.Node(x: WebMercator.x(longitude: WebMercator.wrapped(longitude: point.lon)),
                                         y: WebMercator.y(latitude: point.lat), identity: Int64(position), count: 1,
                                         district: point.district, breakdownStart: UInt32(point.service), breakdownCount: 0))
        }
        var levels = [draft.level(zoom: options.maxZoom + 1, nodeSize: options.nodeSize, parents: nil, records: &records)]
        for zoom in stride(from: options.maxZoom, through: options.minZoom, by: -1) {
            cluster(levels[levels.count - 1], atZoom: zoom, into: &draft, parents: &parents, taken: &taken)
            levels.append(draft.level(zoom: zoom, nodeSize: options.nodeSize, parents: parents, records: &records))
        }
        return levels.reversed()
    }

    /// Clusters the level above (`zoom + 1`) into `next`, level `zoom` in creation order, and sets
    /// `parents` to the parent of each node of the level above (a creation-order position in `next`).
    private mutating func cluster(_ above: ClusterLevel, atZoom zoom: Int, into next: inout LevelDraft,
                                  parents: inout ContiguousArray<Int32>, taken: inout ContiguousArray<Bool>) {
        let n = above.count
        let radius = options.unitRadius(atZoom: zoom)
        let byDistrict = options.grouping == .byDistrict
        let minPoints = UInt64(options.minPoints)
        next.removeAll()
        parents.removeAll(keepingCapacity: true)
        parents.append(contentsOf: repeatElement(-1, count: n))
        taken.removeAll(keepingCapacity: true)
        taken.append(contentsOf: repeatElement(false, count: n))
        var neighbours = PositionList()
        let gridAnswers = grid.rebuild(coordinates: above.tree.coordinates, radius: radius)
        let grid = self.grid  // a copy for the loop, released when it ends (so the next rebuild reuses the storage)

        // The loop runs once per node of the level above (a million at the finest zoom): plain
        // pointers, no bounds or uniqueness checks per access.
        above.tree.coordinates.withUnsafeBufferPointer { xy in
        above.counts.withUnsafeBufferPointer { counts in
        above.districts.withUnsafeBufferPointer { districts in
        taken.withUnsafeMutableBufferPointer { taken in
        parents.withUnsafeMutableBufferPointer { parents in
            for seed in 0..<n where !taken[seed] {
                taken[seed] = true
                let x = xy[2 * seed], y = xy[2 * seed + 1]
                let district = districts[seed]
                neighbours.removeAll()
                if gridAnswers {
                    grid.appendPositions(within: radius, ofX: x, y: y, to: &neighbours)
                } else {
                    above.tree.appendPositions(within: radius, ofX: x, y: y, to: &neighbours)
                }
                // Keep only the neighbours this seed may take (the seed itself is already taken).
                var kept = 0
                var total = UInt64(counts[seed])
                for k in 0..<neighbours.count {
                    let other = Int(neighbours[k])
                    if taken[other] || (byDistrict && districts[other] != district) { continue }
                    neighbours[kept] = Int32(truncatingIfNeeded: other)
                    kept += 1
                    total += UInt64(counts[other])
                }
                neighbours.truncate(to: kept)
                let here = Int32(truncatingIfNeeded: next.count)
                if kept > 0 && total >= minPoints {
                    let seedCount = Double(counts[seed])
                    var sumX = x * seedCount, sumY = y * seedCount
                    addBreakdown(of: seed, in: above)
                    for k in 0..<kept {
                        let other = Int(neighbours[k])
                        taken[other] = true
                        parents[other] = here
                        let weight = Double(counts[other])
                        sumX += xy[2 * other] * weight
                        sumY += xy[2 * other + 1] * weight
                        addBreakdown(of: other, in: above)
                    }
                    parents[seed] = here
                    let (start, pairs) = merger.flush(into: &pool)
                    let weight = Double(total)
                    next.append(LevelDraft.Node(x: sumX / weight, y: sumY / weight, identity: LevelDraft.newCluster,
                                                count: UInt32(clamping: total), district: district,
                                                breakdownStart: start, breakdownCount: pairs))
                } else {
                    // Too few to cluster: the seed and what it reached stay single at this zoom, and
                    // are not seeds themselves (as in supercluster).
                    parents[seed] = here
                    next.appendCopy(of: seed, from: above)
                    for k in 0..<kept {
                        let other = Int(neighbours[k])
                        taken[other] = true
                        parents[other] = Int32(truncatingIfNeeded: next.count)
                        next.appendCopy(of: other, from: above)
                    }
                }
            }
        }
        }
        }
        }
        }
    }

    /// Adds node `position`'s breakdown to the merger's running totals.
    private func addBreakdown(of position: Int, in level: ClusterLevel) {
        if level.counts[position] == 1 {
            // The service sits in the level's own column: a lookup in `points` by identity would
            // be a cache miss per report, since tree order is not input order.
            merger.add(UInt16(truncatingIfNeeded: level.breakdownStarts[position]), 1)
        } else {
            let start = Int(level.breakdownStarts[position])
            merger.add(start..<start + Int(level.breakdownCounts[position]), of: pool)
        }
    }
}
