import Foundation
import Geo
import GRDB

extension SpatiaLiteStore: ReportStore {
    /// The columns `report(_:)` reads, in the order it reads them by position.
    static let reportColumns = """
        id, external_id, service_code, status, resolution, status_notes, description, attributes, district_code,
        lon, lat, address, zipcode, media_url, duplicate_of, requested_at, updated_at, closed_at, source,
        email, phone, first_name, last_name, device_id, account_id
        """

    public func insertReports(_ reports: [NewReport]) async -> [Result<Report, StoreError>] {
        // Off the cooperative pool: the transaction blocks its thread until it is durable.
        await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: self.insertReportsBlocking(reports)) }
        }
    }

    public func insertReportsBlocking(_ reports: [NewReport]) -> [Result<Report, StoreError>] {
        do {
            let stored = try writeBlocking { db in try reports.map { try Self.insert($0, db) } }
            return stored.map { .success($0) }
        } catch {
            // One bad report (a repeated external id, say) must not fail the others with it.
            guard reports.count > 1 else { return [.failure(error)] }
            return reports.map { report in Result { () throws(StoreError) in try writeBlocking { db in try Self.insert(report, db) } } }
        }
    }

    private static func insert(_ r: NewReport, _ db: Database) throws -> Report {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO reports (external_id, service_code, status, resolution, description, attributes, district_code,
                                 lon, lat, address, zipcode, media_url, duplicate_of, requested_at, updated_at, closed_at, source,
                                 email, phone, first_name, last_name, device_id, account_id, geom)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, MakePoint(?, ?, 4326))
            """)
        // A report is last updated when it was made, or closed (imports bring closed ones).
        let updated = r.closedAt ?? r.requestedAt
        let c = r.contact
        try statement.execute(arguments: [
            r.externalId, r.serviceCode, r.status.rawValue, r.resolution?.rawValue, r.description,
            encodeAttributes(r.attributes), r.districtCode, r.location.x, r.location.y, r.address, r.zipcode, r.mediaURL,
            r.duplicateOf, millis(r.requestedAt), millis(updated), r.closedAt.map(millis), r.source,
            c.email, c.phone, c.firstName, c.lastName, c.deviceId, c.accountId, r.location.x, r.location.y,
        ])
        return Report(id: db.lastInsertedRowID, details: r, updatedAt: date(millis(updated)))
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
            attributes: decodeAttributes(row[7]), location: Coordinate(row[9], row[10]),
            districtCode: row[8], address: row[11], zipcode: row[12], mediaURL: row[13],
            duplicateOf: row[14], requestedAt: date(row[15]),
            status: ReportStatus(rawValue: row[3]) ?? .open, resolution: (row[4] as String?).flatMap(Resolution.init),
            closedAt: (row[17] as Int64?).map(date),
            contact: ReporterContact(email: row[19], phone: row[20], firstName: row[21], lastName: row[22],
                                     deviceId: row[23], accountId: row[24]),
            externalId: row[1], source: row[18])
        return Report(id: row[0], details: details, updatedAt: date(row[16]), statusNotes: row[5])
    }

    static func encodeAttributes(_ attributes: [String: [String]]) -> String {
        guard !attributes.isEmpty, let data = try? JSONSerialization.data(withJSONObject: attributes, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeAttributes(_ text: String) -> [String: [String]] {
        guard text != "{}", let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String]] else { return [:] }
        return object
    }
}

func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
