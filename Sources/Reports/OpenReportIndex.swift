import Foundation
import Geo
import Store
import Synchronization

/// The open reports of the last weeks, in memory, hashed into cells about as large as the
/// duplicate radius: "is there an open report of this service within 30 m?" is asked for every
/// new report and must not cost a database round trip (it did, and capped intake near 2,000/s).
/// The server keeps it current: reports are added after their commit and moved by the workflow.
public final class OpenReportIndex: Sendable {
    public struct Entry: Sendable, Hashable {
        public var id: Int64
        public var serviceCode: String
        public var location: Coordinate
        public var requestedAt: Date
    }

    struct Cell: Hashable { var x: Int32; var y: Int32 }

    private let cellLat: Double
    private let cellLon: Double
    private let cells = Mutex<[Cell: [Entry]]>([:])

    /// - Parameters:
    ///   - cellMetres: the cell size, at least the largest radius that will be asked for.
    ///   - latitude: where the city is (cells are square in metres there).
    public init(cellMetres: Double, latitude: Double) {
        cellLat = cellMetres / 111_320
        cellLon = cellMetres / (111_320 * max(cos(latitude * Double.pi / 180), 0.01))
    }

    func cell(_ c: Coordinate) -> Cell {
        Cell(x: Int32(clamping: Int((c.x / cellLon).rounded(.down))), y: Int32(clamping: Int((c.y / cellLat).rounded(.down))))
    }

    /// Adds, moves or (when closed) removes a report.
    public func update(_ report: Report) {
        let entry = Entry(id: report.id, serviceCode: report.details.serviceCode, location: report.details.location,
                          requestedAt: report.details.requestedAt)
        let key = cell(entry.location)
        cells.withLock { cells in
            cells[key, default: []].removeAll { $0.id == entry.id }
            if report.details.status != .closed { cells[key, default: []].append(entry) }
            if cells[key]?.isEmpty == true { cells[key] = nil }
        }
    }

    /// Open reports of `serviceCode` requested since `since` whose cell is next to the point's;
    /// the caller measures the distance.
    public func candidates(serviceCode: String, near point: Coordinate, since: Date) -> [Entry] {
        let centre = cell(point)
        return cells.withLock { cells in
            var found: [Entry] = []
            for dx: Int32 in -1...1 {
                for dy: Int32 in -1...1 {
                    guard let entries = cells[Cell(x: centre.x &+ dx, y: centre.y &+ dy)] else { continue }
                    found += entries.filter { $0.serviceCode == serviceCode && $0.requestedAt >= since }
                }
            }
            return found
        }
    }

    /// Drops entries older than `before` (they can no longer be anyone's duplicate).
    public func prune(before: Date) {
        cells.withLock { cells in
            for key in Array(cells.keys) {
                cells[key]!.removeAll { $0.requestedAt < before }
                if cells[key]!.isEmpty { cells[key] = nil }
            }
        }
    }

    public var count: Int { cells.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Loads the reports that are open and recent enough to matter.
    public func load(from store: any ReportStore, since: Date) async throws(StoreError) {
        var query = ReportQuery(statuses: [.open, .acknowledged, .inProgress], requestedFrom: since, limit: 10_000)
        while true {
            let page = try await store.reports(query)
            page.forEach(update)
            if page.count < query.limit { break }
            query.offset += query.limit
        }
    }
}
