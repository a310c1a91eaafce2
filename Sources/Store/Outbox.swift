import Foundation

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
    /// Claims up to `limit` unsent messages due at `at`, oldest first, for one sender: none of
    /// them is due again for anyone before `at + lease` (a sender that stops mid-round leaves them
    /// to be tried again then). Senders on several servers never claim the same message (on
    /// PostgreSQL `FOR UPDATE SKIP LOCKED` lets each pass over the others' rows), so each message
    /// goes out once unless a sender dies between sending it and recording that.
    func claimDueOutbox(at: Date, limit: Int, lease: TimeInterval) async throws(StoreError) -> [OutboxMessage]
    func recordSent(outboxId: Int64, at: Date) async throws(StoreError)
    /// Counts a failed try; `retryAt` nil means refused for good (no more automatic tries).
    func recordFailure(outboxId: Int64, error: String, retryAt: Date?) async throws(StoreError)
    /// Makes unsent messages due at `at` again: those of `ids`, or (nil) every one refused for
    /// good. Answers how many were re-queued.
    func requeueOutbox(ids: [Int64]?, at: Date) async throws(StoreError) -> Int
}
