import Dispatch
import Synchronization

/// Cluster indexes that follow new reports: writers hand reports over without waiting, a query
/// sees them within 50 ms, and readers always get a complete snapshot without waiting.
///
/// - `insert` appends to an incoming list under a short lock and wakes the update queue, which
///   places the new reports into the current snapshot's clusters (`ClusterCatalogue.adding`, some
///   20 µs a report, whatever the index size) and swaps the result in: at once for a report that
///   comes alone, batched at most every `updateSpacing` in a stream. So a new report shows at once,
///   with a million reports as with a thousand.
/// - Placing is exact in its counts but does not move centres or make new clusters (see
///   `RecentReports`), so `rebuildInterval` after reports arrive a full build over every report
///   starts on a second queue (a few tens of ms for the 58k Boston reports, about a second for a
///   million, release build); reports arriving meanwhile are placed into the fresh index when it is
///   swapped in. Builds run on a dispatch queue rather than in a Swift task: a long CPU-bound job
///   on the cooperative pool (one thread per core) would hold a thread the server needs.
/// - `replaceAll` (after statuses changed in bulk) goes through the same full build; reports
///   inserted after the call are kept on top of it.
/// - Readers take the current catalogue under the lock (a pointer copy) and query it. A full build
///   also builds the filters readers used last before it is swapped in, so they stay warm.
/// - Cluster ids belong to one built snapshot (see `ClusterID`); `generation` counts them.
///   Placing new reports keeps the ids.
public final class LiveClusterIndex: Sendable {
    public let rebuildInterval: Duration
    /// Long enough that a steady stream of reports costs a full build every few seconds, not
    /// continuously (about a second of one core each at a million reports); short enough that
    /// new reports' own clusters and centres are right soon after.
    public static let defaultRebuildInterval: Duration = .seconds(2)
    private let state: Mutex<State>
    /// Serial: every change to the snapshot happens here, in order.
    private let updates = DispatchQueue(label: "miestas.clusters.live-updates", qos: .userInitiated)
    /// Serial: one full build at a time.
    private let builds = DispatchQueue(label: "miestas.clusters.live-rebuild", qos: .utility)

    private struct State: Sendable {
        var catalogue: ClusterCatalogue { didSet { version += 1 } }
        /// Counts every snapshot swapped in (placed reports and full builds alike).
        var version = 0
        var generation = 0
        /// Handed over, not yet taken by the update queue.
        var incoming: [ClusterPoint] = []
        var replacement: ContiguousArray<ClusterPoint>?
        var updateScheduled = false
        /// When the update queue last took what was handed over.
        var lastUpdate: DispatchTime?
        /// Changes handed in, the highest the update queue has taken, and how many of them the
        /// current snapshot holds.
        var submitted = 0
        var taken = 0
        var applied = 0
        /// `waitUntilApplied` callers, each with the change count it waits for.
        var waiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []

        /// Marks everything taken as applied; answers the waiters that are now done (to be
        /// resumed outside the lock).
        mutating func markApplied() -> [CheckedContinuation<Void, Never>] {
            applied = taken
            guard !waiters.isEmpty else { return [] }
            let done = waiters.filter { $0.target <= applied }.map(\.continuation)
            waiters.removeAll { $0.target <= applied }
            return done
        }
        // Used on the update queue only:
        /// A replacement waiting for its build, with the number of the snapshot's added reports
        /// that came before it (those after it are kept on top).
        var pendingReplacement: (points: ContiguousArray<ClusterPoint>, keepFrom: Int, number: Int)?
        var replacements = 0
        var building = false
        var buildScheduled = false
    }

    /// A finished full build, waiting to be swapped in.
    private struct Build: Sendable {
        let catalogue: ClusterCatalogue
        /// The added reports of the snapshot at or after this position are not in it.
        let keepFrom: Int
        /// The replacement it builds (numbered in order), or nil for a build of the snapshot.
        let replacement: Int?
    }

    public init(points: some Sequence<ClusterPoint>, options: ClusterOptions = ClusterOptions(), cacheCapacity: Int = 8,
                rebuildInterval: Duration = LiveClusterIndex.defaultRebuildInterval) throws(ClusterError) {
        let catalogue = try ClusterCatalogue(points: points, options: options, capacity: cacheCapacity)
        self.rebuildInterval = rebuildInterval
        self.state = Mutex(State(catalogue: catalogue))
    }

    /// The current snapshot.
    public var catalogue: ClusterCatalogue { state.withLock { $0.catalogue } }

    /// The current snapshot with its number, which grows with every new snapshot: whatever was
    /// derived from a snapshot stays true until the number changes.
    public var snapshot: (catalogue: ClusterCatalogue, version: Int) { state.withLock { ($0.catalogue, $0.version) } }

    /// The current snapshot's index for `filter`.
    public func index(for filter: ClusterFilter = .all) -> ClusterIndex { catalogue.index(for: filter) }

    /// Counts the full builds swapped in so far (0 for the first); cluster ids change with it.
    public var generation: Int { state.withLock { $0.generation } }

    /// Adds newly committed reports; queries see them as soon as the update queue has placed them.
    public func insert(_ points: [ClusterPoint]) {
        guard !points.isEmpty else { return }
        submit { $0.incoming.append(contentsOf: points) }
    }

    public func insert(_ point: ClusterPoint) { insert([point]) }

    /// Replaces every report (for example after statuses changed in bulk); reports inserted after
    /// this call are added on top. Applied by a full build.
    public func replaceAll(with points: [ClusterPoint]) {
        submit { state in
            state.replacement = ContiguousArray(points)
            state.incoming.removeAll()
        }
    }

    /// Returns once every change handed in before the call is in the current snapshot.
    public func waitUntilApplied() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                guard state.applied < state.submitted else { return true }
                state.waiters.append((state.submitted, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// The shortest time between two updates. Each update copies the snapshot's list of placed
    /// reports (it is shared with readers), so under a stream of reports updates are batched:
    /// at most 20 a second, a report still shows within 50 ms.
    static let updateSpacing: DispatchTimeInterval = .milliseconds(50)

    private func submit(_ change: (inout State) -> Void) {
        let wake = state.withLock { state -> DispatchTime? in
            change(&state)
            state.submitted += 1
            if state.updateScheduled { return nil }
            state.updateScheduled = true
            return state.lastUpdate.map { max($0 + Self.updateSpacing, .now()) } ?? .now()
        }
        if let wake { updates.asyncAfter(deadline: wake) { [self] in update() } }
    }

    // MARK: On the update queue

    /// Takes what was handed over: places new reports at once; a replacement waits for its build.
    private func update() {
        let (current, incoming, replacement) = state.withLock { state in
            defer {
                state.incoming = []; state.replacement = nil; state.updateScheduled = false; state.taken = state.submitted
                state.lastUpdate = .now()
            }
            return (state.catalogue, state.incoming, state.replacement)
        }
        if let replacement {
            // Reports placed from here on came after the replacement: they are kept on top of it.
            state.withLock { state in
                state.replacements += 1
                state.pendingReplacement = (replacement, current.unfiltered.recent.count, state.replacements)
            }
        }
        if !incoming.isEmpty {
            let next = current.adding(incoming)
            let done = state.withLock { state in
                state.catalogue = next
                return state.pendingReplacement == nil ? state.markApplied() : []
            }
            for waiter in done { waiter.resume() }
        }
        if replacement != nil { startBuild() } else { scheduleBuild() }
    }

    /// A full build `rebuildInterval` from now, unless one is due or running already.
    private func scheduleBuild() {
        let schedule = state.withLock { state -> Bool in
            guard !state.building, !state.buildScheduled, !state.catalogue.unfiltered.recent.isEmpty else { return false }
            state.buildScheduled = true
            return true
        }
        guard schedule else { return }
        updates.asyncAfter(deadline: .now() + interval) { [self] in
            state.withLock { $0.buildScheduled = false }
            startBuild()
        }
    }

    /// Starts a full build of the pending replacement, or of the snapshot with its added reports.
    private func startBuild() {
        let job = state.withLock { state -> (ClusterIndex.ReportList, keepFrom: Int, replacement: Int?, ClusterCatalogue)? in
            guard !state.building else { return nil }
            let current = state.catalogue
            if let (points, keepFrom, number) = state.pendingReplacement {
                state.building = true
                return (ClusterIndex.ReportList(built: points, added: []), keepFrom, number, current)
            }
            guard !current.unfiltered.recent.isEmpty else { return nil }
            state.building = true
            return (current.unfiltered.points, current.unfiltered.recent.count, nil, current)
        }
        guard let (points, keepFrom, replacement, old) = job else { return }
        builds.async { [self] in
            let fresh = ClusterCatalogue(unfiltered: ClusterIndex(validOptions: old.options, points: points), capacity: old.capacity)
            // Least recent first, so the most recent ends up most recent in the new cache too.
            for filter in old.cachedFilters.reversed() { _ = fresh.index(for: filter) }
            updates.async { [self] in swapIn(Build(catalogue: fresh, keepFrom: keepFrom, replacement: replacement)) }
        }
    }

    /// Swaps a finished build in, with the reports placed since it started on top; a build that a
    /// newer replacement overtook is dropped.
    private func swapIn(_ build: Build) {
        let (current, pending) = state.withLock { state in
            state.building = false
            return (state.catalogue, state.pendingReplacement?.number)
        }
        if pending == nil || pending == build.replacement {
            let later = current.unfiltered.recent.points.dropFirst(build.keepFrom)
            let next = later.isEmpty ? build.catalogue : build.catalogue.adding(later)
            let done = state.withLock { state in
                state.catalogue = next
                state.generation += 1
                state.pendingReplacement = nil
                return state.markApplied()
            }
            for waiter in done { waiter.resume() }
        }
        if pending != nil && pending != build.replacement { startBuild() } else { scheduleBuild() }
    }

    private var interval: DispatchTimeInterval {
        let (seconds, attoseconds) = rebuildInterval.components
        return .nanoseconds(max(0, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)))
    }
}
