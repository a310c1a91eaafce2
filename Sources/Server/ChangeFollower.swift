import Foundation
import Logging
import Store
import Synchronization

/// Follows the store's change log and applies what other processes changed to this server's
/// memory (clusters, open reports, tiles, plan layers, API keys): what makes several `miestas
/// serve` on one PostgreSQL one service, and what shows a server on a SpatiaLite file the
/// reports a command-line import adds while it runs. It is the same loop for both; PostgreSQL
/// wakes it with a doorbell (LISTEN/NOTIFY) as soon as another server commits, and both wake it
/// every `pollInterval` in case a doorbell was missed.
///
/// Changes this process made were applied when it made them (its answer shows them at once),
/// and applying one again changes nothing; the follower still passes them on, because a write
/// whose commit succeeded while its answer was lost (the database stopping at that moment) was
/// never applied here.
public final class ChangeFollower: Sendable {
    public struct Position: Sendable {
        /// The last change read.
        public var cursor: ChangeCursor
        /// How old the oldest change not yet applied is (0 when none waits).
        public var lagSeconds: Double
        /// Changes from other processes applied since start.
        public var applied: Int
        /// When the log was last read successfully.
        public var lastRead: Date?
        /// The last failure to read it, if the last read failed.
        public var error: String?
    }

    let store: any MiestasStore
    let pollInterval: Duration
    /// Applies a batch of other processes' changes (in log order).
    let apply: @Sendable ([Change]) async throws -> Void
    private let state: Mutex<Position>
    private let started = Date()
    /// Changes older than this are removed from the log, by whichever server gets there.
    static let retention: TimeInterval = 7 * 24 * 3600

    init(store: any MiestasStore, from head: ChangeCursor, pollInterval: Duration, apply: @escaping @Sendable ([Change]) async throws -> Void) {
        self.store = store; self.pollInterval = pollInterval; self.apply = apply
        state = Mutex(Position(cursor: head, lagSeconds: 0, applied: 0, lastRead: nil, error: nil))
    }

    /// Where the follower is. The lag is the one measured at the last read, or, when reads have
    /// stopped succeeding for longer than two poll intervals (the database away, a read that does
    /// not come back), the time since the last good one: a load balancer watching it then sees a
    /// stuck server fall behind instead of a lag frozen at its last value.
    public var position: Position {
        var p = state.withLock { $0 }
        let since = Date().timeIntervalSince(p.lastRead ?? started)
        let poll = Double(pollInterval.components.seconds) + Double(pollInterval.components.attoseconds) / 1e18
        if since > 2 * poll { p.lagSeconds = max(p.lagSeconds, since) }
        return p
    }

    /// Reads everything readable now, applying other processes' changes a batch at a time; the
    /// position moves only past what was applied.
    public func catchUp() async throws {
        var cursor = state.withLock { $0.cursor }
        while true {
            let batch = try await store.changes(after: cursor, limit: 1_000)
            guard let last = batch.last else { break }
            try await apply(batch)
            let foreign = batch.filter { $0.origin != store.origin }.count
            cursor = last.cursor
            state.withLock { $0.cursor = cursor; $0.applied += foreign }
            if batch.count < 1_000 { break }
        }
        let lag = try await store.changeFeedLag(after: cursor, now: Date())
        state.withLock { $0.lagSeconds = lag; $0.lastRead = Date(); $0.error = nil }
    }

    /// Runs until cancelled: a catch-up at every doorbell and every poll interval, the log pruned
    /// now and then. A failed read (the database away) is retried at the next wake-up.
    public func run(logger: Logger) async {
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let doorbell = Task { [store] in for await _ in store.changeSignals() { wake.yield() } }
        let clock = Task { [pollInterval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: pollInterval)
                wake.yield()
            }
        }
        defer { doorbell.cancel(); clock.cancel(); wake.finish() }
        var lastPrune = Date.distantPast
        wake.yield()
        for await _ in wakeups {
            if Task.isCancelled { break }
            do {
                try await catchUp()
            } catch {
                let first = state.withLock { p -> Bool in
                    defer { p.error = "\(error)" }
                    return p.error == nil
                }
                if first { logger.warning("change feed: \(error)") }
            }
            if Date().timeIntervalSince(lastPrune) > 3600 {
                lastPrune = Date()
                try? await store.pruneChanges(before: Date().addingTimeInterval(-Self.retention))
            }
        }
    }
}
