import Foundation
import Mail
import Store

/// Delivers the outbox (answers to commenters) through the city's SMTP relay and records each
/// try: sent, refused for good (a 5xx reply, an undeliverable address), or to be tried again
/// later with a growing pause (a 4xx reply, no connection).
public struct OutboxDelivery: Sendable {
    public let store: any OutboxStore
    public let client: SMTPClient
    public let from: MailAddress
    /// Messages per connection and round.
    public var batchSize = 100
    /// Tries before a message that keeps failing for passing reasons is given up (about 3 days).
    public static let maxAttempts = 12

    public init(store: any OutboxStore, client: SMTPClient, from: MailAddress) {
        self.store = store; self.client = client; self.from = from
    }

    public struct Round: Sendable, Equatable {
        public var sent = 0, deferred = 0, failed = 0
        public init(sent: Int = 0, deferred: Int = 0, failed: Int = 0) { self.sent = sent; self.deferred = deferred; self.failed = failed }
        public var isEmpty: Bool { sent + deferred + failed == 0 }
    }

    /// The pause after the `attempts`-th failed try: 1, 2, 4, ... minutes, at most 12 hours.
    public static func retryDelay(afterAttempts attempts: Int) -> TimeInterval {
        min(60 * pow(2, Double(max(attempts - 1, 0))), 12 * 3600)
    }

    /// Sends every message due at `now` (in rounds of `batchSize`) and records the outcomes.
    public func deliverDue(at now: Date = Date()) async throws(StoreError) -> Round {
        var round = Round()
        while true {
            let due = try await store.claimDueOutbox(at: now, limit: batchSize, lease: 600)
            guard !due.isEmpty else { return round }
            var sendable: [(OutboxMessage, MailMessage)] = []
            for message in due {
                do { sendable.append((message, try mail(for: message))) } catch {
                    try await store.recordFailure(outboxId: message.id, error: error.description, retryAt: nil)
                    round.failed += 1
                }
            }
            let outcomes = await client.send(sendable.map(\.1))
            for ((message, _), outcome) in zip(sendable, outcomes) {
                switch outcome {
                case .success:
                    try await store.recordSent(outboxId: message.id, at: Date())
                    round.sent += 1
                case .failure(let error):
                    let attempts = message.attempts + 1
                    let retry = error.isTransient && attempts < Self.maxAttempts
                    try await store.recordFailure(outboxId: message.id, error: error.description,
                                                  retryAt: retry ? now.addingTimeInterval(Self.retryDelay(afterAttempts: attempts)) : nil)
                    if retry { round.deferred += 1 } else { round.failed += 1 }
                }
            }
            // Everything left was either sent or pushed into the future: the next query finds
            // only messages not yet seen. A connection that failed ends the round.
            if outcomes.contains(where: { if case .failure(.connection) = $0 { true } else { false } }) { return round }
        }
    }

    /// The outbox row as a message; the Message-ID stays the same across tries.
    func mail(for message: OutboxMessage) throws(MailError) -> MailMessage {
        MailMessage(from: from, to: try MailAddress(message.recipient), subject: message.subject, body: message.body,
                    date: message.createdAt,
                    messageID: "outbox-\(message.id)-\(Int64(message.createdAt.timeIntervalSince1970 * 1000))@\(from.domain)")
    }
}
