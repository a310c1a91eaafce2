import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Group commit: callers submit one item each and wait; items that arrive while a transaction
/// is being written wait for the next one, which takes all of them. Every caller is answered
/// only after the transaction holding its item has committed. With `synchronous=FULL` a commit
/// costs an fsync (about 0.3–0.9 ms here), so one commit per item would cap intake near 3,000
/// items/s; grouping pays that cost once per batch.
///
/// The transactions run one after another on a thread of their own ("miestas-writer"), and
/// `commit` blocks it until the transaction is durable. The one writer is the service's serial
/// step, so it must never wait for anything but the disk: not for a thread of Swift's
/// cooperative pool between two transactions (on two cores, with every pool thread busy
/// answering requests, each such hop left the writer idle for milliseconds while requests piled
/// up), and, where the system allows it, not behind request handling for the CPU either (the
/// thread asks for a higher scheduling priority; without the privilege it runs at the normal one).
public final class GroupCommitter<Item: Sendable, Output: Sendable>: Sendable {
    /// Writes one batch in one transaction, blocking until it is committed; one result per item.
    public typealias Commit = @Sendable ([Item]) -> [Result<Output, StoreError>]

    private let queue: Queue

    public init(maximumBatch: Int = 2_000, commit: @escaping Commit) {
        queue = Queue(maximumBatch: maximumBatch, commit: commit)
        let thread = Thread { [queue] in queue.run() }
        thread.name = "miestas-writer"
        thread.start()
    }

    /// Lets the writer thread end once it has written what waits.
    deinit { queue.stop() }

    /// Items waiting for a transaction (for metrics).
    public var queueDepth: Int { queue.locked { $0.pending.count } }
    /// What the writer has done so far.
    public var totals: WriterTotals { queue.locked { $0.written } }

    public func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { reply in
            queue.locked { $0.pending.append((item, reply)) }
            queue.wake.signal()
        }
    }

    /// The items waiting and the writer's loop. Everything mutable is behind `wake`'s lock, held
    /// only to move items in and out, never during a transaction.
    private final class Queue: @unchecked Sendable {
        struct State {
            var pending: [(item: Item, reply: CheckedContinuation<Output, Error>)] = []
            var written = WriterTotals()
            var stopped = false
        }
        let wake = NSCondition()
        private var state = State()
        private let maximumBatch: Int
        private let commit: Commit

        init(maximumBatch: Int, commit: @escaping Commit) {
            self.maximumBatch = maximumBatch
            self.commit = commit
        }

        func locked<T>(_ body: (inout State) -> T) -> T {
            wake.lock()
            defer { wake.unlock() }
            return body(&state)
        }

        func stop() {
            locked { $0.stopped = true }
            wake.signal()
        }

        /// Waits for items and writes them a batch at a time, until stopped with nothing left.
        func run() {
            raisePriority()
            while true {
                wake.lock()
                while state.pending.isEmpty && !state.stopped { wake.wait() }
                let batch = Array(state.pending.prefix(maximumBatch))
                state.pending.removeFirst(batch.count)
                wake.unlock()
                if batch.isEmpty { return }
                let started = ContinuousClock.now, startedCPU = threadCPUTime()
                let results = commit(batch.map { $0.item })
                let took = ContinuousClock.now - started, cpu = threadCPUTime() - startedCPU
                locked {
                    $0.written.batches += 1
                    $0.written.items += batch.count
                    $0.written.busy += took
                    $0.written.cpu += cpu
                }
                for (index, entry) in batch.enumerated() {
                    let result = index < results.count ? results[index] : .failure(.database("no result for a submitted item"))
                    entry.reply.resume(with: result.mapError { $0 as Error })
                }
            }
        }

        /// CPU time of the calling thread.
        private func threadCPUTime() -> Duration {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return .seconds(t.tv_sec) + .nanoseconds(t.tv_nsec)
        }

        /// Nice −5 for this thread when permitted (root, CAP_SYS_NICE or systemd's `LimitNICE=`):
        /// on Linux the nice value is per thread, and `who` 0 means the calling thread.
        private func raisePriority() {
            #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, -5)
            #endif
        }
    }
}

/// A writer's work so far: transactions, items committed, and the time spent in transactions,
/// wall-clock and on the CPU. The growth of `busy` per second is the writer's load; the part of
/// it not in `cpu` is waiting, for the disk (fsync) or for a core.
public struct WriterTotals: Sendable, Equatable {
    public var batches = 0
    public var items = 0
    public var busy = Duration.zero
    public var cpu = Duration.zero
    public init() {}
}
