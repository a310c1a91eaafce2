import Foundation
import GRDB

extension SpatiaLiteStore {
    public func outbox(unsentOnly: Bool) async throws(StoreError) -> [OutboxMessage] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox \(unsentOnly ? "WHERE sent_at IS NULL" : "") ORDER BY id").map(Self.outboxMessage)
        }
    }

    public func claimDueOutbox(at: Date, limit: Int, lease: TimeInterval) async throws(StoreError) -> [OutboxMessage] {
        try await write { db in
            let due = try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?",
                                       arguments: [millis(at), limit]).map(Self.outboxMessage)
            for message in due {
                try db.execute(sql: "UPDATE outbox SET next_attempt_at = ? WHERE id = ?", arguments: [millis(at.addingTimeInterval(lease)), message.id])
            }
            return due
        }
    }

    public func recordSent(outboxId: Int64, at: Date) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, next_attempt_at = NULL WHERE id = ?",
                           arguments: [millis(at), outboxId])
        }
    }

    public func recordFailure(outboxId: Int64, error: String, retryAt: Date?) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND sent_at IS NULL",
                           arguments: [error, retryAt.map(millis), outboxId])
        }
    }

    public func requeueOutbox(ids: [Int64]?, at: Date) async throws(StoreError) -> Int {
        try await write { db in
            guard let ids else {
                try db.execute(sql: "UPDATE outbox SET next_attempt_at = ? WHERE sent_at IS NULL AND next_attempt_at IS NULL", arguments: [millis(at)])
                return db.changesCount
            }
            var requeued = 0
            for id in ids {
                try db.execute(sql: "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND sent_at IS NULL", arguments: [millis(at), id])
                requeued += db.changesCount
            }
            return requeued
        }
    }

    private static func outboxMessage(_ r: Row) -> OutboxMessage {
        OutboxMessage(id: r["id"], commentId: r["comment_id"], recipient: r["recipient"], subject: r["subject"], body: r["body"],
                      createdAt: date(r["created_at"]), sentAt: (r["sent_at"] as Int64?).map(date), attempts: r["attempts"],
                      lastError: r["last_error"], nextAttemptAt: (r["next_attempt_at"] as Int64?).map(date))
    }
}
