import Geo

/// The grid cells of `CoincidentGroups`: runs of groups that share a cell, and for a cell the
/// groups of the 3 × 3 cells around it, which hold every point within `eps` of its points.
struct NeighbourCells {
    private var columns = ContiguousArray<Int>()
    private var rows = ContiguousArray<Int>()
    /// The groups of cell `c` are `starts[c] ..< starts[c + 1]`.
    private var starts = ContiguousArray<Int>()

    var count: Int { columns.count }

    init(_ groups: CoincidentGroups) {
        for g in 0..<groups.count where g == 0 || groups.cellRows[g] != groups.cellRows[g - 1] || groups.cellColumns[g] != groups.cellColumns[g - 1] {
            columns.append(groups.cellColumns[g])
            rows.append(groups.cellRows[g])
            starts.append(g)
        }
        starts.append(groups.count)
    }

    func groups(in cell: Int) -> Range<Int> { starts[cell]..<starts[cell + 1] }

    /// The groups in the cells around `cell` (itself included): in each of the three rows the
    /// cells from column - 1 to column + 1 are consecutive in the sorted order, so their groups
    /// form one range per row.
    func neighbourhood(of cell: Int) -> Neighbourhood {
        let column = columns[cell], row = rows[cell]
        var around = Neighbourhood()
        for r in row - 1...row + 1 {
            var c = lowerBound(row: r, column: column - 1)
            let first = c
            while c < count && rows[c] == r && columns[c] <= column + 1 { c += 1 }
            if c > first { around.append(starts[first]..<starts[c]) }
        }
        return around
    }

    /// The first cell at or after (row, column) in (row, column) order.
    private func lowerBound(row: Int, column: Int) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) >> 1
            if rows[middle] < row || (rows[middle] == row && columns[middle] < column) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// A cell size that makes "within eps" mean "at most one cell apart" despite rounding: a hair
    /// over eps, and never so small against the points' extent that cell numbers lose precision
    /// (larger cells are always correct, only slower).
    static func cellSize(eps: Double, points: [Coordinate]) -> Double {
        var box = BoundingBox.empty
        for p in points where p.x.isFinite && p.y.isFinite { box.expand(toInclude: p) }
        let extent = box.isEmpty ? 0 : max(box.width, box.height)
        return max(eps * (1 + 1e-6), extent * 1e-9)
    }

    /// Up to three ranges of group numbers.
    struct Neighbourhood {
        private var ranges: (Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0)
        private var used = 0

        mutating func append(_ range: Range<Int>) {
            switch used {
            case 0: ranges.0 = range
            case 1: ranges.1 = range
            default: ranges.2 = range
            }
            used += 1
        }

        @inline(__always)
        func forEachGroup(_ body: (Int) -> Void) {
            for g in ranges.0 { body(g) }
            for g in ranges.1 { body(g) }
            for g in ranges.2 { body(g) }
        }
    }
}
