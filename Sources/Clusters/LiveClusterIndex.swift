import Dispatch
import Synchronization

/// Cluster indexes that follow new reports: writers hand over reports without waiting, readers
/// always get a complete snapshot without waiting, and a background queue rebuilds.
///
/// - `insert` appends to a pending list under a short lock (amortised O(1)) and, if no rebuild is
///   scheduled, schedules one on a private serial dispatch queue: at once if the last rebuild
///   started more than `rebuildInterval` ago, else when that interval is over. The rebuild builds
///   a new `ClusterCatalogue` over the current reports plus the pending ones, swaps it in under
///   the same short lock, and schedules the next check one interval after it started; so it
///   rebuilds at most once per interval while reports keep arriving. A report is visible after
///   one build when reports are sparse, and within `rebuildInterval` plus one build when they
///   stream in (one build: a few tens of ms for the 58k Boston reports, under a second for a
///   million, release build).
/// - The rebuild runs on a dispatch queue rather than in a Swift task: it is a long CPU-bound job,
///   and on the cooperative thread pool (one thread per core) it would hold a thread the server
///   needs for requests, or wait behind busy ones and miss its one-second promise.
/// - Readers take the current catalogue under the lock (a pointer copy) and query it; a rebuild
///   never blocks them. The new catalogue starts with an empty filter cache (the old filtered
///   indexes do not hold the new reports); the queue then rebuilds the filters readers used last,
///   so they are warm again soon after the swap.
/// - Cluster ids belong to one snapshot (see `ClusterID`); `generation` tells snapshots apart.
public final class LiveClusterIndex: Sendable {
    public let rebuildInterval: Duration
    private let state: Mutex<State>
    /// Serial: one rebuild at a time, so each builds on the one before.
    private let rebuilds = DispatchQueue(label: "miestas.clusters.live-rebuild", qos: .utility)

    private struct State: Sendable {
        var catalogue: ClusterCatalogue
        var generation = 0
        /// Reports waiting for the next rebuild, and a full replacement if one was asked for.
        var pending: [ClusterPoint] = []
        var replacement: ContiguousArray<ClusterPoint>?
        var rebuildScheduled = false
        /// When the last rebuild started: the next may start one interval later.
        var lastRebuild: DispatchTime?
        /// Changes handed in, and how many of them the current catalogue holds.
        var submitted = 0
        var applied = 0
    }

    public init(points: some Sequence<ClusterPoint>, options: ClusterOptions = ClusterOptions(), cacheCapacity: Int = 8,
                rebuildInterval: Duration = .milliseconds(300)) throws(ClusterError) {
        let catalogue = try ClusterCatalogue(points: points, options: options, capacity: cacheCapacity)
        self.rebuildInterval = rebuildInterval
        self.state = Mutex(State(catalogue: catalogue))
    }

    /// The current snapshot.
    public var catalogue: ClusterCatalogue { state.withLock { $0.catalogue } }

    /// The current snapshot's index for `filter`.
    public func index(for filter: ClusterFilter = .all) -> ClusterIndex { catalogue.index(for: filter) }

    /// Counts the snapshots swapped in so far (0 for the first).
    public var generation: Int { state.withLock { $0.generation } }

    /// Adds newly committed reports; they show in queries after the next rebuild.
    public func insert(_ points: [ClusterPoint]) {
        guard !points.isEmpty else { return }
        submit { $0.pending.append(contentsOf: points) }
    }

    public func insert(_ point: ClusterPoint) { insert([point]) }

    /// Replaces every report (for example after statuses changed in bulk); reports inserted after
    /// this call are added on top. Applied by the next rebuild, like inserts.
    public func replaceAll(with points: [ClusterPoint]) {
        submit { state in
            state.replacement = ContiguousArray(points)
            state.pending.removeAll()
        }
    }

    /// Returns once every change handed in before the call is in the current snapshot.
    public func waitUntilApplied() async {
        let target = state.withLock { $0.submitted }
        while state.withLock({ $0.applied }) < target {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private func submit(_ change: (inout State) -> Void) {
        let start = state.withLock { state -> DispatchTime? in
            change(&state)
            state.submitted += 1
            if state.rebuildScheduled { return nil }
            state.rebuildScheduled = true
            return state.lastRebuild.map { $0 + interval } ?? .now()
        }
        if let start { rebuilds.asyncAfter(deadline: start) { [self] in rebuild() } }
    }

    private var interval: DispatchTimeInterval {
        let (seconds, attoseconds) = rebuildInterval.components
        return .nanoseconds(max(0, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)))
    }

    /// One rebuild if anything changed since the last, then the next check one interval after
    /// this one started; with nothing new, the schedule ends until the next change.
    private func rebuild() {
        let started = DispatchTime.now()
        let work = state.withLock { state -> (ClusterCatalogue, ContiguousArray<ClusterPoint>?, [ClusterPoint], Int)? in
            guard state.submitted > state.applied else {
                state.rebuildScheduled = false
                return nil
            }
            state.lastRebuild = started
            defer { state.pending = []; state.replacement = nil }
            return (state.catalogue, state.replacement, state.pending, state.submitted)
        }
        guard let (old, replacement, pending, submitted) = work else { return }
        var points = replacement ?? old.unfiltered.points
        points.append(contentsOf: pending)
        let fresh = ClusterCatalogue(unfiltered: ClusterIndex(validOptions: old.options, points: points), capacity: old.capacity)
        state.withLock { state in
            state.catalogue = fresh
            state.generation += 1
            state.applied = submitted
        }
        // Least recent first, so the most recent ends up most recent in the new cache too.
        for filter in old.cachedFilters.reversed() { _ = fresh.index(for: filter) }
        rebuilds.asyncAfter(deadline: started + interval) { [self] in rebuild() }
    }
}
