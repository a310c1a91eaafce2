import Foundation
import Geo
import GRDB
import GRDBSQLite

extension SpatiaLiteStore {
    /// The columns `report(_:)` reads, in the order it reads them by position.
    static let reportColumns = """
        id, external_id, service_code, status, resolution, status_notes, description, attributes, district_code,
        lon, lat, address, zipcode, media_url, duplicate_of, requested_at, updated_at, closed_at, source,
        email, phone, first_name, last_name, device_id, account_id, resident_id
        """

    public func insertReports(_ reports: [NewReport]) async -> [Result<Report, StoreError>] {
        // Off the cooperative pool: the transaction blocks its thread until it is durable.
        await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: self.insertReportsBlocking(reports)) }
        }
    }

    /// The writer runs on a thread of its own and blocks it in each commit (see `GroupCommitter`).
    public func makeReportWriter() -> GroupCommitter<NewReport, Report> {
        GroupCommitter { [self] batch in insertReportsBlocking(batch) }
    }

    /// `insertReports`, blocking the calling thread until the transaction is durable: for a
    /// writer with a thread of its own, never from a task.
    public func insertReportsBlocking(_ reports: [NewReport]) -> [Result<Report, StoreError>] {
        do {
            let stored = try writeBlocking { db in try Self.insertIndexed(reports, origin: origin, db) }
            return stored.map { .success($0) }
        } catch {
            // One bad report (a repeated external id, say) must not fail the others with it.
            guard reports.count > 1 else { return [.failure(error)] }
            return reports.map { report in Result { () throws(StoreError) in try writeBlocking { db in try Self.insertIndexed([report], origin: origin, db)[0] } } }
        }
    }

    /// Inserts the reports and enters them into the geometry's R*Tree, in the caller's
    /// transaction. The R*Tree is filled here, with one statement for all of them, rather than by
    /// a trigger per row (dropped in migration v10): this is the only place reports are inserted.
    /// The change log gets one row per report in the same transaction, with one statement.
    private static func insertIndexed(_ reports: [NewReport], origin: String, _ db: Database) throws -> [Report] {
        let stored = try reports.map { try insert($0, db) }
        // Rowids grow and there is one writer, so the reports just inserted are those from the first one's id on.
        guard let first = stored.first?.id else { return stored }
        try db.cachedStatement(sql: """
            INSERT INTO idx_reports_geom (pkid, xmin, xmax, ymin, ymax) SELECT id, lon, lon, lat, lat FROM reports WHERE id >= ?
            """).execute(arguments: [first])
        try db.cachedStatement(sql: """
            INSERT INTO change_log (at, kind, entity_id, origin) SELECT ?, 'report.insert', id, ? FROM reports WHERE id >= ?
            """).execute(arguments: [millis(Date()), origin, first])
        return stored
    }

    private static func insert(_ r: NewReport, _ db: Database) throws -> Report {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO reports (external_id, service_code, status, resolution, description, attributes, district_code,
                                 lon, lat, address, zipcode, media_url, duplicate_of, requested_at, updated_at, closed_at, source,
                                 email, phone, first_name, last_name, device_id, account_id, resident_id, geom)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, MakePoint(?, ?, 4326))
            """)
        // A report is last updated when it was made, or closed (imports bring closed ones).
        let updated = millis(r.closedAt ?? r.requestedAt)
        let c = r.contact
        // Bound through SQLite's C API: this runs for every report intake and import write
        // (thousands a second on the writer's one thread), and GRDB's `StatementArguments`
        // boxes each of the 26 values and allocates per row.
        var row = RowBinder(statement.sqliteStatement)
        row.bind(r.externalId); row.bind(r.serviceCode); row.bind(r.status.rawValue); row.bind(r.resolution?.rawValue)
        row.bind(r.description); row.bind(StoredJSON.encode(r.attributes)); row.bind(r.districtCode)
        row.bind(r.location.x); row.bind(r.location.y); row.bind(r.address); row.bind(r.zipcode); row.bind(r.mediaURL)
        row.bind(r.duplicateOf); row.bind(millis(r.requestedAt)); row.bind(updated); row.bind(r.closedAt.map(millis)); row.bind(r.source)
        row.bind(c.email); row.bind(c.phone); row.bind(c.firstName); row.bind(c.lastName); row.bind(c.deviceId); row.bind(c.accountId)
        row.bind(r.residentId)
        row.bind(r.location.x); row.bind(r.location.y)
        try row.execute(db)
        return Report(id: db.lastInsertedRowID, details: r, updatedAt: date(updated))
    }

    public func report(id: Int64) async throws(StoreError) -> Report? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.reportColumns) FROM reports WHERE id = ?"), arguments: [id]).map(Self.report)
        }
    }

    public func reports(_ query: ReportQuery) async throws(StoreError) -> [Report] {
        var clauses: [String] = []
        var arguments: [DatabaseValue] = []
        func list<T: DatabaseValueConvertible>(_ column: String, _ values: [T]) {
            clauses.append("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ",")))")
            arguments.append(contentsOf: values.map(\.databaseValue))
        }
        if let ids = query.ids {
            if ids.isEmpty { return [] }
            list("id", ids)
        }
        if !query.serviceCodes.isEmpty { list("service_code", query.serviceCodes) }
        if !query.statuses.isEmpty { list("status", query.statuses.map(\.rawValue)) }
        if !query.districtCodes.isEmpty { list("district_code", query.districtCodes) }
        if let from = query.requestedFrom { clauses.append("requested_at >= ?"); arguments.append(millis(from).databaseValue) }
        if let until = query.requestedUntil { clauses.append("requested_at < ?"); arguments.append(millis(until).databaseValue) }
        var from = "reports"
        if let box = query.bbox {
            from = Self.boxJoin
            clauses.append(Self.boxClauses)
            arguments.append(contentsOf: Self.boxArguments(box))
        }
        let sql = "SELECT \(Self.reportColumns) FROM \(from)" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "))
            + " ORDER BY requested_at DESC, id DESC LIMIT ? OFFSET ?"
        arguments.append(query.limit.databaseValue)
        arguments.append(query.offset.databaseValue)
        let statementArguments = StatementArguments(arguments)
        // Cached per SQL text: preparing a statement is costly (GRDB inspects every column it reads).
        // A cursor reads each value straight from SQLite; fetchAll would copy every row first.
        return try await read { db in try Array(Row.fetchCursor(db.cachedStatement(sql: sql), arguments: statementArguments).map(Self.report)) }
    }

    /// Reports in a box, through the geometry column's R*Tree. `CROSS JOIN` makes SQLite start
    /// from the R*Tree (it otherwise starts from another index and probes the tree per row, 75
    /// times slower here); the R*Tree keeps 32-bit bounds, so the exact test follows.
    private static let boxJoin = "idx_reports_geom AS box CROSS JOIN reports ON reports.id = box.pkid"
    private static let boxClauses = """
        box.xmin <= ? AND box.xmax >= ? AND box.ymin <= ? AND box.ymax >= ? AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?
        """
    private static func boxArguments(_ b: BoundingBox) -> [DatabaseValue] {
        [b.maxX, b.minX, b.maxY, b.minY, b.minX, b.maxX, b.minY, b.maxY].map(\.databaseValue)
    }

    public func existingExternalIds(_ ids: [String]) async throws(StoreError) -> Set<String> {
        try await read { db in
            var found = Set<String>()
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                found.formUnion(try String.fetchAll(db, sql: "SELECT external_id FROM reports WHERE external_id IN (\(marks))",
                                                    arguments: StatementArguments(chunk)))
            }
            return found
        }
    }

    public func reportCount() async throws(StoreError) -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM reports") ?? 0 }
    }

    /// A report from a row of `reportColumns`, read by position: GRDB finds a column by name with
    /// a case-insensitive search over the row, which cost more than the query itself at 1,000 rows.
    static func report(_ row: Row) -> Report {
        let details = NewReport(
            serviceCode: row[2], description: row[6],
            attributes: StoredJSON.decodeAttributes(row[7]), location: Coordinate(row[9], row[10]),
            districtCode: row[8], address: row[11], zipcode: row[12], mediaURL: row[13],
            duplicateOf: row[14], requestedAt: date(row[15]),
            status: ReportStatus(rawValue: row[3]) ?? .open, resolution: (row[4] as String?).flatMap(Resolution.init),
            closedAt: (row[17] as Int64?).map(date),
            contact: ReporterContact(email: row[19], phone: row[20], firstName: row[21], lastName: row[22],
                                     deviceId: row[23], accountId: row[24]),
            externalId: row[1], source: row[18], residentId: row[25])
        return Report(id: row[0], details: details, updatedAt: date(row[16]), statusNotes: row[5])
    }
}

/// Binds a prepared statement's parameters in order, then runs it once.
struct RowBinder {
    private let statement: OpaquePointer
    private var index: Int32 = 0
    /// SQLite copies the text before `bind` returns (the Swift string's buffer is only lent).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: OpaquePointer) { self.statement = statement }

    mutating func bind(_ value: String?) {
        index += 1
        guard let value else { sqlite3_bind_null(statement, index); return }
        _ = value.withCString { sqlite3_bind_text(statement, index, $0, Int32(value.utf8.count), Self.transient) }
    }

    mutating func bind(_ value: Int64?) {
        index += 1
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    mutating func bind(_ value: Double) {
        index += 1
        sqlite3_bind_double(statement, index, value)
    }

    /// Steps the statement to its end and resets it for the next row.
    func execute(_ db: Database) throws {
        defer { sqlite3_reset(statement) }
        guard sqlite3_step(statement) == SQLITE_DONE else {
            throw StoreError.database(String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}
