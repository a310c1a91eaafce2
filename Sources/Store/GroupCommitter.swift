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
///
/// A driver that is asynchronous itself (PostgreSQL's, over SwiftNIO) has nothing to block on: its
/// transactions run one after another in a task instead (`init(maximumBatch:asyncCommit:)`), with
/// the same queue, the same batches and the same answers. The wait for the commit then happens on
/// the driver's event loop, and the task resumes only to answer the batch and take the next one.
public final class GroupCommitter<Item: Sendable, Output: Sendable>: Sendable {
    /// Writes one batch in one transaction, blocking until it is committed; one result per item.
    public typealias Commit = @Sendable ([Item]) -> [Result<Output, StoreError>]
    /// Writes one batch in one transaction, returning once it is committed; one result per item.
    public typealias AsyncCommit = @Sendable ([Item]) async -> [Result<Output, StoreError>]

    private let queue: Queue

    /// Transactions on a thread of their own, which `commit` blocks.
    public init(maximumBatch: Int = 2_000, commit: @escaping Commit) {
        queue = Queue(maximumBatch: maximumBatch)
        let thread = Thread { [queue] in queue.run(commit) }
        thread.name = "miestas-writer"
        thread.start()
    }

    /// Transactions in a task of their own, which awaits `asyncCommit`.
    public init(maximumBatch: Int = 2_000, asyncCommit: @escaping AsyncCommit) {
        queue = Queue(maximumBatch: maximumBatch)
        Task.detached(priority: .high) { [queue] in await queue.run(asyncCommit) }
    }

    /// Lets the writer thread end once it has written what waits.
    deinit { queue.stop() }

    /// Items waiting for a transaction (for metrics).
    public var queueDepth: Int { queue.locked { $0.pending.count } }
    /// What the writer has done so far.
    public var totals: WriterTotals { queue.locked { $0.written } }

    public func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { reply in
            let waiting = queue.locked { state -> CheckedContinuation<Void, Never>? in
                state.pending.append((item, reply))
                defer { state.waitingTask = nil }
                return state.waitingTask
            }
            queue.wake.signal()
            waiting?.resume()
        }
    }

    /// The items waiting and the writer's loop. Everything mutable is behind `wake`'s lock, held
    /// only to move items in and out, never during a transaction.
    private final class Queue: @unchecked Sendable {
        struct State {
            var pending: [(item: Item, reply: CheckedContinuation<Output, Error>)] = []
            var written = WriterTotals()
            var stopped = false
            /// The asynchronous writer, while it waits for items.
            var waitingTask: CheckedContinuation<Void, Never>?
        }
        let wake = NSCondition()
        private var state = State()
        private let maximumBatch: Int

        init(maximumBatch: Int) {
            self.maximumBatch = maximumBatch
        }

        func locked<T>(_ body: (inout State) -> T) -> T {
            wake.lock()
            defer { wake.unlock() }
            return body(&state)
        }

        func stop() {
            let waiting = locked { state -> CheckedContinuation<Void, Never>? in
                state.stopped = true
                defer { state.waitingTask = nil }
                return state.waitingTask
            }
            wake.signal()
            waiting?.resume()
        }

        /// Waits for items and writes them a batch at a time, until stopped with nothing left.
        func run(_ commit: Commit) {
            raisePriority()
            while true {
                wake.lock()
                while state.pending.isEmpty && !state.stopped { wake.wait() }
                let batch = takeBatch(&state)
                wake.unlock()
                if batch.isEmpty { return }
                let started = ContinuousClock.now, startedCPU = threadCPUTime()
                let results = commit(batch.map { $0.item })
                answer(batch, results, took: ContinuousClock.now - started, cpu: threadCPUTime() - startedCPU)
            }
        }

        /// The same loop in a task: it suspends (holding no thread) while there is nothing to write
        /// and while its transaction commits. A task has no CPU clock of its own (it moves between
        /// threads), so `cpu` stays zero for this writer; `busy` is measured as for the thread.
        func run(_ commit: AsyncCommit) async {
            while true {
                await withCheckedContinuation { (ready: CheckedContinuation<Void, Never>) in
                    let wait = locked { state -> Bool in
                        guard state.pending.isEmpty && !state.stopped else { return false }
                        state.waitingTask = ready
                        return true
                    }
                    if !wait { ready.resume() }
                }
                let batch = locked { takeBatch(&$0) }
                if batch.isEmpty {
                    if locked({ $0.stopped && $0.pending.isEmpty }) { return }
                    continue
                }
                let started = ContinuousClock.now
                let results = await commit(batch.map { $0.item })
                answer(batch, results, took: ContinuousClock.now - started, cpu: .zero)
            }
        }

        /// Up to `maximumBatch` waiting items, oldest first; the caller holds the lock.
        private func takeBatch(_ state: inout State) -> [(item: Item, reply: CheckedContinuation<Output, Error>)] {
            let batch = Array(state.pending.prefix(maximumBatch))
            state.pending.removeFirst(batch.count)
            return batch
        }

        private func answer(_ batch: [(item: Item, reply: CheckedContinuation<Output, Error>)], _ results: [Result<Output, StoreError>],
                            took: Duration, cpu: Duration) {
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
