/// A level while it is being built: its nodes as whole records in creation order (one append per
/// node while clustering), then `level` builds the k-d tree and lays the records out as the
/// finished level's columns in tree order.
struct LevelDraft {
    struct Node {
        var x: Double
        var y: Double
        var identity: Int64
        var count: UInt32
        var district: Int32
        var breakdownStart: UInt32
        var breakdownCount: UInt32
    }

    private(set) var nodes = ContiguousArray<Node>()

    /// Marks a cluster formed at the level being built: its id needs its final tree position.
    static let newCluster = Int64.min

    init(capacity: Int) { nodes.reserveCapacity(capacity) }

    var count: Int { nodes.count }

    /// Empties the draft for the next level, keeping its storage (fresh memory costs a page
    /// fault per 4 KiB, a visible share of a build that writes hundreds of megabytes).
    mutating func removeAll() { nodes.removeAll(keepingCapacity: true) }

    mutating func append(_ node: Node) { nodes.append(node) }

    /// Appends node `position` of `level` unchanged (it did not merge at this zoom).
    mutating func appendCopy(of position: Int, from level: ClusterLevel) {
        nodes.append(Node(x: level.tree.coordinates[2 * position], y: level.tree.coordinates[2 * position + 1],
                          identity: level.identities[position], count: level.counts[position],
                          district: level.districts[position], breakdownStart: level.breakdownStarts[position],
                          breakdownCount: level.breakdownCounts[position]))
    }

    /// The finished level: the k-d tree built, the columns laid out in its order, new clusters
    /// given their ids, and the children links filled in from `parents` (for each node of the
    /// level below, its parent's creation-order position here; nil for the level of single
    /// reports). `records` is scratch storage for the tree's sort, reused from level to level.
    func level(zoom: Int, nodeSize: Int, parents: ContiguousArray<Int32>?, records: inout ContiguousArray<KDTree.Record>) -> ClusterLevel {
        let n = count
        records.removeAll(keepingCapacity: true)
        nodes.withUnsafeBufferPointer { nodes in
            for i in 0..<n { records.append(KDTree.Record(x: nodes[i].x, y: nodes[i].y, position: Int32(truncatingIfNeeded: i))) }
        }
        let tree = KDTree.build(sorting: &records, nodeSize: nodeSize)
        // One pass in tree order: the nodes are read in a random order, once each.
        var counts = ContiguousArray<UInt32>(repeating: 0, count: n)
        var identities = ContiguousArray<Int64>(repeating: 0, count: n)
        var districts = ContiguousArray<Int32>(repeating: 0, count: n)
        var breakdownStarts = ContiguousArray<UInt32>(repeating: 0, count: n)
        var breakdownCounts = ContiguousArray<UInt32>(repeating: 0, count: n)
        nodes.withUnsafeBufferPointer { nodes in
        records.withUnsafeBufferPointer { order in
        counts.withUnsafeMutableBufferPointer { counts in
        identities.withUnsafeMutableBufferPointer { identities in
        districts.withUnsafeMutableBufferPointer { districts in
        breakdownStarts.withUnsafeMutableBufferPointer { breakdownStarts in
        breakdownCounts.withUnsafeMutableBufferPointer { breakdownCounts in
            for i in 0..<n {
                let node = nodes[Int(order[i].position)]
                counts[i] = node.count
                identities[i] = node.identity == Self.newCluster ? ClusterID(zoom: zoom, index: i).rawValue : node.identity
                districts[i] = node.district
                breakdownStarts[i] = node.breakdownStart
                breakdownCounts[i] = node.breakdownCount
            }
        }
        }
        }
        }
        }
        }
        }
        var childStarts = ContiguousArray<Int32>()
        var children = ContiguousArray<Int32>()
        if let parents {
            // The tree moved this level's nodes: a parent's creation position becomes its tree position.
            var treePosition = ContiguousArray<Int32>(repeating: 0, count: n)
            for i in 0..<n { treePosition[Int(records[i].position)] = Int32(truncatingIfNeeded: i) }
            // Compressed rows by counting sort: count each parent's children, prefix-sum, place.
            childStarts = ContiguousArray<Int32>(repeating: 0, count: n + 1)
            for parent in parents { childStarts[Int(treePosition[Int(parent)]) + 1] += 1 }
            for i in 0..<n { childStarts[i + 1] += childStarts[i] }
            var next = childStarts
            children = ContiguousArray<Int32>(repeating: 0, count: parents.count)
            for (child, parent) in parents.enumerated() {
                let p = Int(treePosition[Int(parent)])
                children[Int(next[p])] = Int32(truncatingIfNeeded: child)
                next[p] += 1
            }
        }
        return ClusterLevel(zoom: zoom, tree: tree, counts: counts, identities: identities, districts: districts,
                            breakdownStarts: breakdownStarts, breakdownCounts: breakdownCounts,
                            childStarts: childStarts, children: children)
    }
}
