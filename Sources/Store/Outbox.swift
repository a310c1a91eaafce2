import Foundation
import GRDB

/// A message to a commenter (an answer was published), kept until a sender delivers it.
public struct OutboxMessage: Sendable, Hashable {
    public var id: Int64
    public var commentId: Int64?
    public var recipient: String
    public var subject: String
    public var body: String
    public var createdAt: Date
    public var sentAt: Date?
    /// Delivery tries so far, and the last one's failure.
    public var attempts: Int
    public var lastError: String?
    /// When a sender tries next; nil for a sent message, or one refused for good (until retried by hand).
    public var nextAttemptAt: Date?

    public init(id: Int64, commentId: Int64?, recipient: String, subject: String, body: String, createdAt: Date,
                sentAt: Date?, attempts: Int = 0, lastError: String? = nil, nextAttemptAt: Date? = nil) {
        self.id = id; self.commentId = commentId; self.recipient = recipient; self.subject = subject; self.body = body
        self.createdAt = createdAt; self.sentAt = sentAt; self.attempts = attempts; self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
    }

    public enum State: String, Sendable { case sent, pending, failed }
    /// `pending` waits for a (next) try; `failed` was refused for good and waits for a retry by hand.
    public var state: State { sentAt != nil ? .sent : nextAttemptAt == nil ? .failed : .pending }
}

public struct NewOutboxMessage: Sendable, Hashable {
    public var commentId: Int64?
    public var recipient: String
    public var subject: String
    public var body: String
    public init(commentId: Int64?, recipient: String, subject: String, body: String) {
        self.commentId = commentId; self.recipient = recipient; self.subject = subject; self.body = body
    }
}

/// The outbox as a mail sender sees it: messages due, and the outcome of each try.
/// Messages are written by `PlanningStore.publishAnswers`, in the answers' transaction.
public protocol OutboxStore: Sendable {
    /// Every message (or only the unsent ones), oldest first.
    func outbox(unsentOnly: Bool) async throws(StoreError) -> [OutboxMessage]
    /// Unsent messages whose next try is due at `at`, oldest first.
    func dueOutbox(at: Date, limit: Int) async throws(StoreError) -> [OutboxMessage]
    func recordSent(outboxId: Int64, at: Date) async throws(StoreError)
    /// Counts a failed try; `retryAt` nil means refused for good (no more automatic tries).
    func recordFailure(outboxId: Int64, error: String, retryAt: Date?) async throws(StoreError)
    /// Makes unsent messages due at `at` again: those of `ids`, or (nil) every one refused for
    /// good. Answers how many were re-queued.
    func requeueOutbox(ids: [Int64]?, at: Date) async throws(StoreError) -> Int
}

extension SpatiaLiteStore: OutboxStore {
    public func outbox(unsentOnly: Bool) async throws(StoreError) -> [OutboxMessage] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox \(unsentOnly ? "WHERE sent_at IS NULL" : "") ORDER BY id").map(Self.outboxMessage)
        }
    }

    public func dueOutbox(at: Date, limit: Int) async throws(StoreError) -> [OutboxMessage] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?",
                             arguments: [millis(at), limit]).map(Self.outboxMessage)
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
