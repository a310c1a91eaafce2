/// The node positions one radius query found, in storage reused from query to query: the build
/// runs a million queries, and emptying an array each time is a library call it can do without.
struct PositionList {
    private var storage = ContiguousArray<Int32>(repeating: 0, count: 256)
    private(set) var count = 0

    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func append(_ position: Int32) {
        if count == storage.count { storage.append(contentsOf: repeatElement(0, count: storage.count)) }
        storage[count] = position
        count += 1
    }

    subscript(index: Int) -> Int32 {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    /// The positions, in the order found.
    var elements: ArraySlice<Int32> { storage[0..<count] }

    /// Keeps only the first `newCount` positions.
    mutating func truncate(to newCount: Int) { count = min(count, newCount) }
}
