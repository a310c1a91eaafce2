import Geo

/// Input points collapsed by identical coordinates, each group a point with a weight, ordered by
/// grid cell (row, then column) so that the groups of one cell are consecutive.
///
/// One sort does both jobs: input positions ordered by (cell row, cell column, x, y, position)
/// put identical coordinates next to each other, inside their cell.
struct CoincidentGroups {
    var x = ContiguousArray<Double>()
    var y = ContiguousArray<Double>()
    /// How many input points each group stands for.
    var weights = ContiguousArray<Int>()
    /// The smallest input position in each group.
    var firstPositions = ContiguousArray<Int>()
    var cellColumns = ContiguousArray<Int>()
    var cellRows = ContiguousArray<Int>()
    /// Each input point's group, or -1 for a point with a non-finite coordinate.
    var groupOfPoint: ContiguousArray<Int32>

    var count: Int { weights.count }

    /// `cellSize` nil puts every point in one cell (when only identical points are neighbours).
    init(_ points: [Coordinate], cellSize: Double?) {
        groupOfPoint = ContiguousArray(repeating: -1, count: points.count)
        var positions = ContiguousArray<Int>()
        positions.reserveCapacity(points.count)
        var originX = Double.infinity, originY = Double.infinity
        for (i, p) in points.enumerated() where p.x.isFinite && p.y.isFinite {
            positions.append(i)
            originX = min(originX, p.x)
            originY = min(originY, p.y)
        }
        var columns = ContiguousArray<Int>(repeating: 0, count: points.count)
        var rows = ContiguousArray<Int>(repeating: 0, count: points.count)
        if let cellSize {
            for i in positions {
                columns[i] = Self.cell((points[i].x - originX) / cellSize)
                rows[i] = Self.cell((points[i].y - originY) / cellSize)
            }
        }
        positions.sort { a, b in
            if rows[a] != rows[b] { return rows[a] < rows[b] }
            if columns[a] != columns[b] { return columns[a] < columns[b] }
            if points[a].x != points[b].x { return points[a].x < points[b].x }
            if points[a].y != points[b].y { return points[a].y < points[b].y }
            return a < b
        }
        for i in positions {
            let p = points[i]
            if let last = weights.indices.last, x[last] == p.x, y[last] == p.y {
                weights[last] += 1
            } else {
                x.append(p.x)
                y.append(p.y)
                weights.append(1)
                firstPositions.append(i)
                cellColumns.append(columns[i])
                cellRows.append(rows[i])
            }
            groupOfPoint[i] = Int32(truncatingIfNeeded: weights.count - 1)
        }
    }

    @inline(__always)
    func squaredDistance(_ a: Int, _ b: Int) -> Double {
        let dx = x[a] - x[b], dy = y[a] - y[b]
        return dx * dx + dy * dy
    }

    /// A cell number from a coordinate's offset in cells; the cell size keeps it below 2^31.
    private static func cell(_ offset: Double) -> Int {
        Int(min(max(offset.rounded(.down), 0), Double(Int32.max)))
    }
}
