/// Disjoint sets over `0 ..< count` with union by size and path halving: near-constant time per
/// operation, used to join core points into clusters without revisiting neighbourhoods.
struct UnionFind {
    private var parent: ContiguousArray<Int32>
    private var size: ContiguousArray<Int32>

    init(count: Int) {
        parent = ContiguousArray((0..<count).lazy.map { Int32(truncatingIfNeeded: $0) })
        size = ContiguousArray(repeating: 1, count: count)
    }

    mutating func find(_ element: Int) -> Int {
        var x = element
        while Int(parent[x]) != x {
            let grandparent = parent[Int(parent[x])]
            parent[x] = grandparent
            x = Int(grandparent)
        }
        return x
    }

    mutating func union(_ a: Int, _ b: Int) {
        var rootA = find(a), rootB = find(b)
        guard rootA != rootB else { return }
        if size[rootA] < size[rootB] { swap(&rootA, &rootB) }
        parent[rootB] = Int32(truncatingIfNeeded: rootA)
        size[rootA] += size[rootB]
    }
}
