import Synchronization

/// For each node of each level of a `ClusterIndex`, the node of the next coarser level that holds
/// it: the inverse of the levels' children lists.
///
/// Only reports added after a build need it (`RecentReports`), so it is worked out on first use,
/// once per built index (tens of milliseconds for a million reports), and shared by every copy of
/// the index.
final class ParentLinks: Sendable {
    private let table = Mutex<[ContiguousArray<Int32>]?>(nil)

    /// `parents[l][i]`: the position in level `l - 1` of node `i` of level `l` (level 0 has none).
    func parents(of levels: [ClusterLevel]) -> [ContiguousArray<Int32>] {
        if let known = table.withLock({ $0 }) { return known }
        var parents = [ContiguousArray<Int32>()]
        for l in 1..<max(1, levels.count) {
            let above = levels[l - 1]
            var column = ContiguousArray<Int32>(repeating: -1, count: levels[l].count)
            for node in 0..<above.count {
                for k in above.childRange(node) { column[Int(above.children[k])] = Int32(truncatingIfNeeded: node) }
            }
            parents.append(column)
        }
        // Two first users may both work it out; the answers are equal, either may stay.
        table.withLock { $0 = parents }
        return parents
    }
}
