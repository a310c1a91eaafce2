import Logging
import PostgresNIO
import Synchronization

extension PostgresConnection {
    /// `query`, but it fails instead of waiting forever when the connection closes first.
    ///
    /// postgres-nio 1.33 writes a query to its channel without a promise for the write: a query
    /// sent in the instant after PostgreSQL went away (the channel closed, its handler gone) is
    /// answered by nobody, and its caller waits forever. The fault tests hit it under load when
    /// PostgreSQL is stopped: the intake writer's transaction, or the change follower's read, hung
    /// in mid-transaction and the server never wrote or read again. Here the query runs in a task
    /// of its own while the caller also watches the connection; when it has closed and no answer
    /// came, the caller gets `.unavailable` (and the lost task, which holds nothing but its
    /// promise, is left behind).
    @discardableResult
    func guardedQuery(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        if isClosed { throw StoreError.unavailable("the connection to PostgreSQL is closed") }
        let answered = Claim()
        return try await withCheckedThrowingContinuation { (reply: CheckedContinuation<PostgresRowSequence, Error>) in
            // Wakes once a second until the answer comes (which cancels it at once).
            let watch = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.closedCheckInterval)
                    if self.isClosed, answered.take() {
                        reply.resume(throwing: StoreError.unavailable("the connection to PostgreSQL closed before it answered"))
                        return
                    }
                }
            }
            Task {
                let result: Result<PostgresRowSequence, Error>
                do { result = .success(try await self.query(query, logger: logger, file: file, line: line)) } catch { result = .failure(error) }
                watch.cancel()
                if answered.take() { reply.resume(with: result) }
            }
        }
    }

    static var closedCheckInterval: Duration { .seconds(1) }
}

/// Taken once: the first `take()` answers true, every later one false.
final class Claim: Sendable {
    private let taken = Atomic(false)
    func take() -> Bool { !taken.exchange(true, ordering: .acquiringAndReleasing) }
}
