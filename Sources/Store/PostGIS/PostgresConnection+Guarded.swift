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
    /// of its own while the caller waits on a continuation that either the answer or the sweep of
    /// closed connections (`PendingStatements`, once a second) resumes; a lost query's task, which
    /// holds nothing but its promise, is left behind.
    @discardableResult
    func guardedQuery(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        if isClosed { throw StoreError.unavailable("the connection to PostgreSQL is closed") }
        return try await withCheckedThrowingContinuation { (reply: CheckedContinuation<PostgresRowSequence, Error>) in
            let answered = Claim()
            let pending = PendingStatements.shared.add(self, answered, reply)
            Task {
                let result: Result<PostgresRowSequence, Error>
                do { result = .success(try await self.query(query, logger: logger, file: file, line: line)) } catch { result = .failure(error) }
                PendingStatements.shared.remove(pending)
                if answered.take() { reply.resume(with: result) }
            }
        }
    }
}

/// The statements waiting for PostgreSQL's answer, swept once a second by one task (started with
/// the first statement): those whose connection has closed are answered with `.unavailable`.
final class PendingStatements: Sendable {
    static let shared = PendingStatements()
    static let sweepInterval: Duration = .seconds(1)

    private struct Entry: Sendable {
        let connection: PostgresConnection
        let answered: Claim
        let reply: CheckedContinuation<PostgresRowSequence, Error>
    }
    private let state = Mutex<(entries: [Int: Entry], next: Int, sweeping: Bool)>(([:], 0, false))

    func add(_ connection: PostgresConnection, _ answered: Claim, _ reply: CheckedContinuation<PostgresRowSequence, Error>) -> Int {
        let (id, start) = state.withLock { s -> (Int, Bool) in
            s.next &+= 1
            s.entries[s.next] = Entry(connection: connection, answered: answered, reply: reply)
            defer { s.sweeping = true }
            return (s.next, !s.sweeping)
        }
        if start { Task.detached { await self.sweep() } }
        return id
    }

    func remove(_ id: Int) { _ = state.withLock { $0.entries.removeValue(forKey: id) } }

    private func sweep() async {
        while true {
            try? await Task.sleep(for: Self.sweepInterval)
            let lost = state.withLock { s -> [Entry] in
                let closed = s.entries.filter { $0.value.connection.isClosed }
                for id in closed.keys { s.entries.removeValue(forKey: id) }
                return Array(closed.values)
            }
            for entry in lost where entry.answered.take() {
                entry.reply.resume(throwing: StoreError.unavailable("the connection to PostgreSQL closed before it answered"))
            }
        }
    }
}

/// Taken once: the first `take()` answers true, every later one false.
final class Claim: Sendable {
    private let taken = Atomic(false)
    func take() -> Bool { !taken.exchange(true, ordering: .acquiringAndReleasing) }
}
