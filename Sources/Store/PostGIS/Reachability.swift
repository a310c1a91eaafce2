import Synchronization

/// Whether PostgreSQL answered lately (`PostGISStore.admit`).
final class Reachability: Sendable {
    private let down = Mutex(false)

    func lost() { down.withLock { $0 = true } }
    func reached() { down.withLock { $0 = false } }
    /// True while the server is thought away: each call then tries a connection first.
    func shouldProbe() -> Bool { down.withLock { $0 } }
}

/// One probe of the server at a time: a call that asks while one is under way waits for its
/// answer instead of opening a connection of its own.
final class SharedProbe: Sendable {
    private let inFlight = Mutex<Task<String?, Never>?>(nil)

    func run(_ probe: @escaping @Sendable () async -> String?) async -> String? {
        let task = inFlight.withLock { current in
            if let current { return current }
            let started = Task { await probe() }
            current = started
            return started
        }
        let answer = await task.value
        inFlight.withLock { if $0 == task { $0 = nil } }
        return answer
    }
}
