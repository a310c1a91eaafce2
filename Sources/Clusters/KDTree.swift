import Foundation

/// A static 2-D k-d tree kept in one flat array of coordinates, the layout of Mapbox's kdbush:
/// the points are reordered so that every range `left...right` longer than `nodeSize` has its
/// median (by x or y, alternating with depth) at its middle, smaller values before it and larger
/// after. No node objects, no pointers: a query walks index ranges with a small stack.
///
/// The tree does not keep ids: `build` tells the permutation it applied, and the owner reorders
/// its own per-point arrays to match, so that a query's answers are positions in those arrays.
struct KDTree: Sendable {
    let nodeSize: Int
    /// x0, y0, x1, y1, ... in tree order.
    let coordinates: ContiguousArray<Double>

    var count: Int { coordinates.count / 2 }

    /// A point to sort: its coordinates and its position before the sort. Sorting whole records
    /// moves one 24-byte value per swap instead of touching two arrays: the build is
    /// memory-bound, so this is what counts.
    struct Record {
        var x: Double
        var y: Double
        var position: Int32

        @inline(__always)
        func value(_ axis: Int) -> Double { axis == 0 ? x : y }
    }

    /// Sorts `records` into tree order in place and returns the tree over their coordinates;
    /// afterwards `records[i].position` tells where the point now at `i` came from. The caller
    /// owns the records' storage, so one buffer can serve every level of a cluster index.
    static func build(sorting records: inout ContiguousArray<Record>, nodeSize: Int) -> KDTree {
        let count = records.count
        records.withUnsafeMutableBufferPointer { buffer in
            var sorter = Sorter(records: buffer.baseAddress!, nodeSize: nodeSize)
            if count > 0 { sorter.sort(left: 0, right: count - 1, axis: 0) }
        }
        let sorted = ContiguousArray<Double>(unsafeUninitializedCapacity: 2 * count) { buffer, initialized in
            records.withUnsafeBufferPointer { records in
                for i in 0..<count { buffer[2 * i] = records[i].x; buffer[2 * i + 1] = records[i].y }
            }
            initialized = 2 * count
        }
        return KDTree(nodeSize: nodeSize, coordinates: sorted)
    }

    /// The tree over `coordinates` (interleaved x, y) and the permutation it applied:
    /// `order[i]` is the original position of the point now at `i`.
    static func build(coordinates: ContiguousArray<Double>, nodeSize: Int) -> (tree: KDTree, order: ContiguousArray<Int32>) {
        let count = coordinates.count / 2
        var records = ContiguousArray((0..<count).lazy.map {
            Record(x: coordinates[2 * $0], y: coordinates[2 * $0 + 1], position: Int32(truncatingIfNeeded: $0))
        })
        let tree = build(sorting: &records, nodeSize: nodeSize)
        return (tree, ContiguousArray(records.lazy.map(\.position)))
    }

    /// Calls `body` with the position of every point inside the rectangle (edges included).
    func forEach(inRectangle minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        coordinates.withUnsafeBufferPointer { xy in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.stackCapacity) { stack in
                var top = 0
                func push(_ left: Int, _ right: Int, _ axis: Int) {
                    stack[top] = Int32(truncatingIfNeeded: left); stack[top + 1] = Int32(truncatingIfNeeded: right)
                    stack[top + 2] = Int32(truncatingIfNeeded: axis); top += 3
                }
                push(0, count - 1, 0)
                while top > 0 {
                    top -= 3
                    let left = Int(stack[top]), right = Int(stack[top + 1]), axis = Int(stack[top + 2])
                    if right - left <= nodeSize {
                        var i = left
                        while i <= right {
                            let x = xy[2 * i], y = xy[2 * i + 1]
                            if x >= minX && x <= maxX && y >= minY && y <= maxY { body(i) }
                            i += 1
                        }
                        continue
                    }
                    let middle = (left + right) >> 1
                    let x = xy[2 * middle], y = xy[2 * middle + 1]
                    if x >= minX && x <= maxX && y >= minY && y <= maxY { body(middle) }
                    if axis == 0 ? minX <= x : minY <= y { push(left, middle - 1, 1 - axis) }
                    if axis == 0 ? maxX >= x : maxY >= y { push(middle + 1, right, 1 - axis) }
                }
            }
        }
    }

    /// Appends to `found` the position of every point within `radius` of (x, y) (distance <= radius).
    func appendPositions(within radius: Double, ofX qx: Double, y qy: Double, to found: inout PositionList) {
        guard count > 0 else { return }
        let squared = radius * radius
        coordinates.withUnsafeBufferPointer { xy in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.stackCapacity) { stack in
                stack[0] = 0; stack[1] = Int32(truncatingIfNeeded: count - 1); stack[2] = 0
                var top = 3
                while top > 0 {
                    top -= 3
                    let left = Int(stack[top]), right = Int(stack[top + 1]), axis = Int(stack[top + 2])
                    if right - left <= nodeSize {
                        var i = left
                        while i <= right {
                            let dx = xy[2 * i] - qx, dy = xy[2 * i + 1] - qy
                            if dx * dx + dy * dy <= squared { found.append(Int32(truncatingIfNeeded: i)) }
                            i += 1
                        }
                        continue
                    }
                    let middle = (left + right) >> 1
                    let x = xy[2 * middle], y = xy[2 * middle + 1]
                    let dx = x - qx, dy = y - qy
                    if dx * dx + dy * dy <= squared { found.append(Int32(truncatingIfNeeded: middle)) }
                    if axis == 0 ? qx - radius <= x : qy - radius <= y {
                        stack[top] = Int32(truncatingIfNeeded: left); stack[top + 1] = Int32(truncatingIfNeeded: middle - 1)
                        stack[top + 2] = Int32(truncatingIfNeeded: 1 - axis); top += 3
                    }
                    if axis == 0 ? qx + radius >= x : qy + radius >= y {
                        stack[top] = Int32(truncatingIfNeeded: middle + 1); stack[top + 1] = Int32(truncatingIfNeeded: right)
                        stack[top + 2] = Int32(truncatingIfNeeded: 1 - axis); top += 3
                    }
                }
            }
        }
    }

    /// A depth-first walk keeps at most one pending sibling per level: 3 entries per level of a
    /// tree that halves its ranges, so 64 levels are far beyond any array that fits in memory.
    /// 32-bit entries keep the stack under 1 KiB, which stays on the machine stack: a heap
    /// allocation per query cost a fifth of the query time.
    private static let stackCapacity = 3 * 66

    /// The build: recursive median selection on alternating axes.
    private struct Sorter {
        let records: UnsafeMutablePointer<Record>
        let nodeSize: Int

        mutating func sort(left: Int, right: Int, axis: Int) {
            if right - left <= nodeSize { return }
            let middle = (left + right) >> 1
            select(middle, left: left, right: right, axis: axis)
            sort(left: left, right: middle - 1, axis: 1 - axis)
            sort(left: middle + 1, right: right, axis: 1 - axis)
        }

        /// Selection: afterwards position `k` holds the value it would hold if `left...right` were
        /// sorted on `axis`, with no larger value before it and no smaller one after.
        ///
        /// In the spirit of Floyd and Rivest (CACM 1975, algorithm 489): a sample predicts two
        /// values bracketing the k-th, one partition keeps only what lies between them, and the
        /// range shrinks by a large factor per pass. The sample is strided over the whole range
        /// rather than taken around `k`: the levels below the finest are built from nodes already
        /// in the previous level's tree order, and a contiguous sample of such a range is anything
        /// but representative.
        ///
        /// Partitions are branch-free: comparisons with a pivot are coin flips the processor
        /// cannot predict. Equal values (reports piled on one spot) end a pass as a block in its
        /// final place, so they cannot make a range stop shrinking.
        func select(_ k: Int, left: Int, right: Int, axis: Int) {
            var left = left, right = right
            while right - left > 600 {
                let (low, high) = bracket(k, left: left, right: right, axis: axis)
                // [left, lessEnd) < low <= [lessEnd, middleEnd) <= high < [middleEnd, right]
                let lessEnd = partition(left, right, axis) { $0 < low }
                if k < lessEnd { right = lessEnd - 1; continue }
                let middleEnd = partition(lessEnd, right, axis) { $0 <= high }
                if k >= middleEnd { left = middleEnd; continue }
                if low == high { return }  // the middle block is all one value: k is in place
                if lessEnd == left && middleEnd == right + 1 { break }  // no progress: finish below
                left = lessEnd
                right = middleEnd - 1
            }
            // Small ranges: three-way quickselect around the value at k.
            while right > left {
                let pivot = records[k].value(axis)
                let lessEnd = partition(left, right, axis) { $0 < pivot }
                if k < lessEnd { right = lessEnd - 1; continue }
                let equalEnd = partition(lessEnd, right, axis) { $0 <= pivot }
                if k < equalEnd { return }
                left = equalEnd
            }
        }

        /// Two values that bracket the k-th of `left...right` with high probability: from a sorted
        /// strided sample of about 2√n values, the ones three standard deviations (of a sample
        /// rank) either side of k's expected rank.
        func bracket(_ k: Int, left: Int, right: Int, axis: Int) -> (low: Double, high: Double) {
            let n = right - left + 1
            let size = min(4096, 2 * Int(Double(n).squareRoot()))
            let stride = n / size
            return withUnsafeTemporaryAllocation(of: Double.self, capacity: size) { buffer in
                var sample = buffer
                for j in 0..<size { sample[j] = records[left + j * stride].value(axis) }
                sample.sort()
                let rank = Int(Double(k - left) / Double(n) * Double(size))
                let spread = Int(1.5 * Double(size).squareRoot()) + 1
                return (sample[max(0, rank - spread)], sample[min(size - 1, rank + spread)])
            }
        }

        /// Moves the records of `left...right` whose value passes `isBefore` to the front, in
        /// one pass that swaps unconditionally; returns where the rest begin.
        @inline(__always)
        func partition(_ left: Int, _ right: Int, _ axis: Int, _ isBefore: (Double) -> Bool) -> Int {
            var store = left
            var i = left
            while i <= right {
                let record = records[i]
                let before = isBefore(record.value(axis))
                records[i] = records[store]
                records[store] = record
                store &+= before ? 1 : 0
                i &+= 1
            }
            return store
        }

        @inline(__always)
        func swapAt(_ a: Int, _ b: Int) {
            let record = records[a]
            records[a] = records[b]
            records[b] = record
        }
    }
}
