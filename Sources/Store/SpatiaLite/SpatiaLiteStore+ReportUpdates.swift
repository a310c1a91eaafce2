import Foundation
import GRDB

extension SpatiaLiteStore {
    public func applyUpdate(reportId: Int64, expected: ReportStatus, status: ReportStatus, resolution: Resolution?, reopened: Bool,
                            note: String, userId: Int64?, at: Date) async throws(StoreError) -> (Report, ReportUpdate)? {
        try await write { db in
            guard let current = try String.fetchOne(db, sql: "SELECT status FROM reports WHERE id = ?", arguments: [reportId]) else { return nil }
            guard current == expected.rawValue else {
                throw StoreError.conflict("report \(reportId) is \(current) now, not \(expected.rawValue): reload it and try again")
            }
            try db.execute(sql: """
                UPDATE reports SET status = ?, resolution = ?, status_notes = ?, updated_at = ?, closed_at = ? WHERE id = ?
                """, arguments: [status.rawValue, resolution?.rawValue, note, millis(at), status == .closed ? millis(at) : nil, reportId])
            try db.execute(sql: """
                INSERT INTO report_updates (report_id, status, resolution, reopened, note, user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [reportId, status.rawValue, resolution?.rawValue, reopened, note, userId, millis(at)])
            let updateId = db.lastInsertedRowID
            try Self.logChange(.reportChanged, reportId, origin: self.origin, db)
            let update = ReportUpdate(id: updateId, reportId: reportId, status: status, resolution: resolution,
                                      reopened: reopened, note: note, userId: userId, at: date(millis(at)))
            let row = try Row.fetchOne(db, sql: "SELECT \(Self.reportColumns) FROM reports WHERE id = ?", arguments: [reportId])!
            return (Self.report(row), update)
        }
    }

    public func updates(reportId: Int64) async throws(StoreError) -> [ReportUpdate] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM report_updates WHERE report_id = ? ORDER BY id", arguments: [reportId]).map(Self.update)
        }
    }

    public func updates(from: Date, until: Date, limit: Int) async throws(StoreError) -> [ReportUpdate] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM report_updates WHERE at >= ? AND at < ? ORDER BY at, id LIMIT ?",
                             arguments: [millis(from), millis(until), limit]).map(Self.update)
        }
    }

    static func update(_ row: Row) -> ReportUpdate {
        ReportUpdate(id: row["id"], reportId: row["report_id"], status: ReportStatus(rawValue: row["status"]) ?? .open,
                     resolution: (row["resolution"] as String?).flatMap(Resolution.init), reopened: row["reopened"],
                     note: row["note"], userId: row["user_id"], at: date(row["at"]))
    }
}
