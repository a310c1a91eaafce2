/// A level's nodes bucketed in square cells a little wider than the clustering radius, for the
/// build's "every node within r of this seed" queries: those lie in the 3 × 3 cells around the
/// seed, and the cells of one row are consecutive, so a query scans three short ranges.
///
/// At the finest zooms the radius is tiny against the data's extent and almost every query finds
/// only the seed; a k-d tree walk still costs a descent and a 64-point leaf scan each time, this
/// costs nine cell bounds. The grid is dense (an array of cell bounds), so it is only made when
/// it has at most a few cells per node: points spread over the world at zoom 18 would need
/// trillions of cells, and those levels use the k-d tree instead (`rebuild` answers false).
///
/// A few reports far from the rest (a default position at 0°, 0°, swapped coordinates) must not
/// cost the whole city its grid: when the full extent needs too many cells, the grid covers the
/// extent of the bulk of the nodes (from a sample's quantiles) and puts every node outside it in
/// the nearest edge cell. Clamping cell numbers keeps "within the radius" meaning "at most one
/// cell apart" (it never moves two numbers further apart), so answers stay exact; the outliers
/// only make their edge cells a little longer to scan.
///
/// One grid serves every level of a build in turn: its arrays keep their capacity, so the memory
/// the finest level needed is not asked of the system again for each coarser one.
struct RadiusGrid {
    private var cells = CellNumbering(minX: 0, minY: 0, inverseCellSize: 0, columns: 0, rows: 0)
    /// The nodes of cell `c` are `positions[cellBounds[c + 1] ..< cellBounds[c + 2]]`, ascending;
    /// `xy` holds their coordinates in the same order, so a scan reads memory in sequence.
    private var cellBounds = ContiguousArray<Int32>()
    private var positions = ContiguousArray<Int32>()
    private var xy = ContiguousArray<Double>()
    private var cellOf = ContiguousArray<Int32>()

    /// The most cells worth allocating for `count` nodes.
    static func cellBudget(count: Int) -> Int { 8 * count + 65_536 }

    /// Buckets `coordinates` (interleaved x, y) for queries within `radius`; false, leaving the
    /// grid unusable, when that would take more cells than `cellBudget`.
    mutating func rebuild(coordinates: ContiguousArray<Double>, radius: Double) -> Bool {
        cells = CellNumbering(minX: 0, minY: 0, inverseCellSize: 0, columns: 0, rows: 0)
        let count = coordinates.count / 2
        guard radius > 0, radius.isFinite, count > 0 else { return false }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in 0..<count {
            minX = Swift.min(minX, coordinates[2 * i]); maxX = Swift.max(maxX, coordinates[2 * i])
            minY = Swift.min(minY, coordinates[2 * i + 1]); maxY = Swift.max(maxY, coordinates[2 * i + 1])
        }
        // A hair over the radius, so that rounding in the cell arithmetic can never put two
        // nodes within the radius more than one cell apart (with cell numbers below 2^24 the
        // rounding error stays far below a millionth of a cell).
        let cellSize = radius * (1 + 1e-6)
        let budget = Double(Self.cellBudget(count: count))
        func fits(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) -> Bool {
            let width = ((maxX - minX) / cellSize).rounded(.down) + 1, height = ((maxY - minY) / cellSize).rounded(.down) + 1
            return width <= 16_777_216 && height <= 16_777_216 && width * height <= budget
        }
        if !fits(minX, minY, maxX, maxY) {
            (minX, minY, maxX, maxY) = Self.bulkExtent(coordinates, count: count)
            guard fits(minX, minY, maxX, maxY) else { return false }
        }
        let numbering = CellNumbering(minX: minX, minY: minY, inverseCellSize: 1 / cellSize,
                                      columns: Int(((maxX - minX) / cellSize).rounded(.down)) + 1,
                                      rows: Int(((maxY - minY) / cellSize).rounded(.down)) + 1)
        cells = numbering
        let cellCount = numbering.columns * numbering.rows

        Self.reset(&cellOf, count: count)
        Self.reset(&cellBounds, count: cellCount + 2)
        Self.reset(&positions, count: count)
        Self.reset(&xy, count: 2 * count)
        // Counting sort by cell into one array of cell bounds, without a second array: count
        // cell c's nodes in slot c + 1, prefix-sum (slot c + 1 is now where cell c ends), then
        // place nodes from the last back, each taking the slot before its cell's end. Afterwards
        // slot c + 1 holds where cell c starts, and the last slot (never counted into) is set to
        // the node count; nodes stay ascending within a cell.
        coordinates.withUnsafeBufferPointer { coordinates in
        cellOf.withUnsafeMutableBufferPointer { cellOf in
        cellBounds.withUnsafeMutableBufferPointer { bounds in
        positions.withUnsafeMutableBufferPointer { positions in
        xy.withUnsafeMutableBufferPointer { xy in
            for i in 0..<count {
                let cell = numbering.cell(coordinates[2 * i], coordinates[2 * i + 1])
                cellOf[i] = Int32(truncatingIfNeeded: cell)
                bounds[cell + 1] += 1
            }
            for c in 1..<cellCount + 1 { bounds[c + 1] += bounds[c] }
            for i in stride(from: count - 1, through: 0, by: -1) {
                let cell = Int(cellOf[i])
                bounds[cell + 1] -= 1
                let slot = Int(bounds[cell + 1])
                positions[slot] = Int32(truncatingIfNeeded: i)
                xy[2 * slot] = coordinates[2 * i]
                xy[2 * slot + 1] = coordinates[2 * i + 1]
            }
            bounds[cellCount + 1] = Int32(truncatingIfNeeded: count)
        }
        }
        }
        }
        }
        return true
    }

    /// The extent of the middle 99% of the nodes on each axis, from a strided sample.
    private static func bulkExtent(_ coordinates: ContiguousArray<Double>, count: Int) -> (Double, Double, Double, Double) {
        let size = Swift.min(count, 4096), stride = Swift.max(1, count / size)
        var xs = (0..<size).map { coordinates[2 * ($0 * stride)] }, ys = (0..<size).map { coordinates[2 * ($0 * stride) + 1] }
        xs.sort(); ys.sort()
        let low = size / 200, high = size - 1 - size / 200
        return (xs[low], ys[low], xs[high], ys[high])
    }

    /// `count` zeros, in the storage the array already has when it is large enough.
    private static func reset<T: FixedWidthInteger>(_ array: inout ContiguousArray<T>, count: Int) {
        array.removeAll(keepingCapacity: true)
        array.append(contentsOf: repeatElement(0, count: count))
    }

    private static func reset(_ array: inout ContiguousArray<Double>, count: Int) {
        array.removeAll(keepingCapacity: true)
        array.append(contentsOf: repeatElement(0, count: count))
    }

    /// Appends to `found` every node within `radius` of (x, y) (distance <= radius), where
    /// `radius` is at most the radius of the last successful `rebuild`.
    func appendPositions(within radius: Double, ofX qx: Double, y qy: Double, to found: inout PositionList) {
        let squared = radius * radius
        let columns = cells.columns, rows = cells.rows
        let column = cells.column(qx), row = cells.row(qy)
        let firstColumn = Swift.max(0, column - 1), lastColumn = Swift.min(columns - 1, column + 1)
        cellBounds.withUnsafeBufferPointer { bounds in
            positions.withUnsafeBufferPointer { positions in
                xy.withUnsafeBufferPointer { xy in
                    for r in Swift.max(0, row - 1)...Swift.min(rows - 1, row + 1) {
                        var k = Int(bounds[r * columns + firstColumn + 1])
                        let end = Int(bounds[r * columns + lastColumn + 2])
                        while k < end {
                            let dx = xy[2 * k] - qx, dy = xy[2 * k + 1] - qy
                            if dx * dx + dy * dy <= squared { found.append(positions[k]) }
                            k += 1
                        }
                    }
                }
            }
        }
    }

    /// Cell numbers: row-major, with columns and rows clamped to the grid in floating point first,
    /// so that a far outlier cannot overflow an integer (and truncating a value clamped to >= 0
    /// is flooring it, without a call to `floor`).
    private struct CellNumbering {
        let minX, minY, inverseCellSize: Double
        let columns, rows: Int

        @inline(__always)
        func cell(_ x: Double, _ y: Double) -> Int { row(y) * columns + column(x) }

        @inline(__always)
        func column(_ x: Double) -> Int {
            Int(Swift.min(Swift.max((x - minX) * inverseCellSize, 0), Double(columns - 1)))
        }

        @inline(__always)
        func row(_ y: Double) -> Int {
            Int(Swift.min(Swift.max((y - minY) * inverseCellSize, 0), Double(rows - 1)))
        }
    }
}
