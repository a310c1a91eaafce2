import Geo
import Store
import Synchronization

/// Finds the district that covers a point, in memory.
///
/// Rule: a point belongs to the district that covers it (boundary included) with the smallest id;
/// a point no district covers belongs to none.
///
/// Two layers answer a query:
/// - a uniform grid over the districts' extent, built once. A cell that no district boundary
///   touches has one answer for every point in it, found once with GEOS and stored; most points
///   fall in such cells and cost one array read;
/// - for cells that a boundary crosses, the exact test: a GEOS STRtree over prepared polygons,
///   `covers`, and the smallest id. It is the same predicate SpatiaLite's `ST_Covers` evaluates.
public final class DistrictLocator: Sendable {
    /// The districts, in ascending id order; `locateIndex` answers positions in this array.
    public let districts: [District]
    let grid: LocatorGrid
    /// GEOS objects are not thread-safe; the exact path runs under a lock (it is the rare path).
    let exact: Mutex<ExactLocator>

    public init(districts: [District], targetCells: Int = 1 << 20) throws(GeoError) {
        let sorted = districts.sorted { $0.id < $1.id }
        let exact = try ExactLocator(geometries: sorted.map(\.geometry))
        self.districts = sorted
        self.grid = LocatorGrid(geometries: sorted.map(\.geometry), targetCells: targetCells) { exact.locate($0) }
        self.exact = Mutex(exact)
    }

    /// The position in `districts` of the district covering `point`, or nil.
    public func locateIndex(_ point: Coordinate) -> Int? {
        let answer = grid.lookup(point)
        if answer >= 0 { return Int(answer) }
        if answer == LocatorGrid.none { return nil }
        return exact.withLock { $0.locate(point) }
    }

    public func locate(_ point: Coordinate) -> District? {
        locateIndex(point).map { districts[$0] }
    }

    /// The share of grid cells a boundary crosses (answered by the exact path).
    public var boundaryCellShare: Double { grid.boundaryShare }
    public var gridSize: (columns: Int, rows: Int) { (grid.columns, grid.rows) }
}

/// The exact answer: STRtree candidates, prepared `covers`, smallest position.
final class ExactLocator {
    private let context = GeosContext()
    private let prepared: [PreparedGeometry]
    private let tree: STRtree

    init(geometries: [Geometry]) throws(GeoError) {
        var prepared: [PreparedGeometry] = []
        let tree = try STRtree(context: context)
        for (i, g) in geometries.enumerated() {
            let geometry = try context.geometry(g)
            prepared.append(try geometry.prepared())
            try tree.insert(geometry.envelope, item: i)
        }
        self.prepared = prepared
        self.tree = tree
    }

    func locate(_ c: Coordinate) -> Int? {
        guard let point = try? context.point(c) else { return nil }
        var best: Int?
        for i in tree.query(point) where best.map({ i < $0 }) ?? true {
            if prepared[i].covers(point) { best = i }
        }
        return best
    }
}

/// A raster of answers over the districts' extent. Each cell holds a district position, `none`,
/// or `boundary` (ask the exact locator).
public struct LocatorGrid: Sendable {
    public static let none: Int32 = -1
    public static let boundary: Int32 = -2
    private static let unknown: Int32 = -3

    let minX, minY, maxX, maxY: Double
    let inverseCellWidth, inverseCellHeight: Double
    let columns, rows: Int
    let cells: [Int32]

    var boundaryShare: Double {
        cells.isEmpty ? 0 : Double(cells.lazy.filter { $0 == Self.boundary }.count) / Double(cells.count)
    }

    init(geometries: [Geometry], targetCells: Int, exact: (Coordinate) -> Int?) {
        var bounds = BoundingBox.empty
        for g in geometries { bounds.expand(toInclude: g.boundingBox) }
        guard !bounds.isEmpty else {
            minX = 0; minY = 0; maxX = -1; maxY = -1
            inverseCellWidth = 0; inverseCellHeight = 0; columns = 0; rows = 0; cells = []
            return
        }
        let width = max(bounds.width, 1e-9), height = max(bounds.height, 1e-9)
        let columns = max(1, Int((Double(targetCells) * width / height).squareRoot()))
        let rows = max(1, targetCells / columns)
        let cellWidth = width / Double(columns), cellHeight = height / Double(rows)
        var cells = [Int32](repeating: Self.unknown, count: columns * rows)

        // 1. Mark every cell a boundary segment passes within 1% of a cell of: such cells
        //    may hold points of different districts.
        let marginX = cellWidth * 0.01, marginY = cellHeight * 0.01
        func column(_ x: Double) -> Int { min(columns - 1, max(0, Int(((x - bounds.minX) / cellWidth).rounded(.down)))) }
        func row(_ y: Double) -> Int { min(rows - 1, max(0, Int(((y - bounds.minY) / cellHeight).rounded(.down)))) }
        func mark(_ a: Coordinate, _ b: Coordinate) {
            let loX = min(a.x, b.x), hiX = max(a.x, b.x)
            for ix in column(loX - marginX)...column(hiX + marginX) {
                let cellLo = bounds.minX + Double(ix) * cellWidth - marginX
                let x0 = max(loX, cellLo), x1 = min(hiX, cellLo + cellWidth + 2 * marginX)
                var y0: Double, y1: Double
                if a.x == b.x || x0 > x1 {
                    y0 = min(a.y, b.y); y1 = max(a.y, b.y)
                } else {
                    let slope = (b.y - a.y) / (b.x - a.x)
                    y0 = a.y + (x0 - a.x) * slope; y1 = a.y + (x1 - a.x) * slope
                    if y0 > y1 { swap(&y0, &y1) }
                }
                for iy in row(y0 - marginY)...row(y1 + marginY) { cells[iy * columns + ix] = Self.boundary }
            }
        }
        for g in geometries {
            for polygon in g.polygons {
                for ring in polygon.rings where ring.count > 1 {
                    for k in 1..<ring.count { mark(ring[k - 1], ring[k]) }
                }
            }
        }

        // 2. Cells no boundary touches form connected regions with one answer each: flood-fill
        //    each region and ask the exact locator once, at the centre of its first cell.
        var stack: [Int] = []
        var region: [Int] = []
        for start in cells.indices where cells[start] == Self.unknown {
            let centre = Coordinate(bounds.minX + (Double(start % columns) + 0.5) * cellWidth,
                                    bounds.minY + (Double(start / columns) + 0.5) * cellHeight)
            let answer = exact(centre).map(Int32.init) ?? Self.none
            stack.append(start)
            cells[start] = answer
            region.removeAll(keepingCapacity: true)
            while let cell = stack.popLast() {
                let cx = cell % columns, cy = cell / columns
                for (nx, ny) in [(cx - 1, cy), (cx + 1, cy), (cx, cy - 1), (cx, cy + 1)]
                where nx >= 0 && nx < columns && ny >= 0 && ny < rows {
                    let next = ny * columns + nx
                    if cells[next] == Self.unknown { cells[next] = answer; stack.append(next) }
                }
            }
        }
        self.minX = bounds.minX; self.minY = bounds.minY; self.maxX = bounds.maxX; self.maxY = bounds.maxY
        self.inverseCellWidth = 1 / cellWidth; self.inverseCellHeight = 1 / cellHeight
        self.columns = columns; self.rows = rows
        self.cells = cells
    }

    /// A district position, `none`, or `boundary`.
    func lookup(_ p: Coordinate) -> Int32 {
        // Written so that NaN falls outside.
        guard p.x >= minX, p.x <= maxX, p.y >= minY, p.y <= maxY else { return Self.none }
        let ix = min(columns - 1, Int((p.x - minX) * inverseCellWidth))
        let iy = min(rows - 1, Int((p.y - minY) * inverseCellHeight))
        return cells[iy * columns + ix]
    }
}
