import Foundation
import GRDB

extension SpatiaLiteStore {
    /// Appends changes in the caller's transaction. One writer at a time, so `seq` is commit order.
    static func logChange(_ kind: ChangeKind, _ entityId: Int64?, origin: String, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO change_log (at, kind, entity_id, origin) VALUES (?, ?, ?, ?)")
            .execute(arguments: [millis(Date()), kind.rawValue, entityId, origin])
    }

    public func changeFeedHead() async throws(StoreError) -> ChangeCursor {
        ChangeCursor(seq: try await read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM change_log") ?? 0 })
    }

    public func changes(after cursor: ChangeCursor, limit: Int) async throws(StoreError) -> [Change] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT seq, kind, entity_id, origin, at FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?"),
                             arguments: [cursor.seq, limit]).compactMap { row in
                guard let kind = ChangeKind(rawValue: row[1]) else { return nil }
                return Change(cursor: ChangeCursor(seq: row[0]), kind: kind, entityId: row[2], origin: row[3], at: row[4])
            }
        }
    }

    public func changeFeedLag(after cursor: ChangeCursor, now: Date) async throws(StoreError) -> TimeInterval {
        let oldest = try await read { db in try Int64.fetchOne(db, sql: "SELECT min(at) FROM change_log WHERE seq > ?", arguments: [cursor.seq]) }
        guard let oldest else { return 0 }
        return max(0, now.timeIntervalSince(date(oldest)))
    }

    /// Nothing rings: another process on the same file (a command-line import) is found by the poll.
    public func changeSignals() -> AsyncStream<Void> { AsyncStream { _ in } }

    public func pruneChanges(before: Date) async throws(StoreError) {
        try await write { db in try db.execute(sql: "DELETE FROM change_log WHERE at < ?", arguments: [millis(before)]) }
    }

    public func sharedSecret(_ name: String) async throws(StoreError) -> [UInt8] {
        let candidate = Data(Self.newSecret())
        return try await write { db in
            try db.execute(sql: "INSERT INTO shared_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", arguments: [name, candidate])
            return [UInt8](try Data.fetchOne(db, sql: "SELECT value FROM shared_secrets WHERE name = ?", arguments: [name]) ?? candidate)
        }
    }
}
