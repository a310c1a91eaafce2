import Synchronization

/// The cluster indexes of one set of reports: the unfiltered index, always there, and one index
/// per recently used filter, built on first use.
///
/// Design and trade-off: a filtered view is a complete `ClusterIndex` over the matching reports,
/// so once built it answers exactly as fast as the unfiltered one and its clusters are the ones a
/// map of only those reports would show (counts, centroids and splits all agree with the filter).
/// The price is the first request for a new filter, which pays a build over the matching reports
/// (tens of milliseconds for the 58k Boston reports, about a second for a million), and memory for
/// each kept index; so only the `capacity` most recently used filters are kept (LRU). Filtering
/// inside one shared index instead would keep memory flat but make every query walk reports that
/// do not match, and its clusters would not be the filtered reports' own.
///
/// Reports added after the build (`adding(_:)`) go into the unfiltered index at once and into each
/// kept filtered index when it is next asked for (see `ClusterIndex.adding`), so a new catalogue
/// version costs no filtered rebuild.
///
/// Two callers asking for the same new filter at once may both build it; the second result
/// replaces the first. Nothing waits on a lock while an index is built.
public final class ClusterCatalogue: Sendable {
    /// The index over every report.
    public let unfiltered: ClusterIndex
    /// How many filtered indexes are kept.
    public let capacity: Int
    private let cache: Mutex<FilteredIndexCache>

    public convenience init(points: some Sequence<ClusterPoint>, options: ClusterOptions = ClusterOptions(), capacity: Int = 8) throws(ClusterError) {
        self.init(unfiltered: try ClusterIndex(points: points, options: options), capacity: capacity)
    }

    public convenience init(unfiltered: ClusterIndex, capacity: Int = 8) {
        self.init(unfiltered: unfiltered, capacity: capacity, cache: FilteredIndexCache())
    }

    private init(unfiltered: ClusterIndex, capacity: Int, cache: FilteredIndexCache) {
        self.unfiltered = unfiltered
        self.capacity = max(0, capacity)
        self.cache = Mutex(cache)
    }

    /// A new version that also holds `points`, placed into the existing clusters (see
    /// `ClusterIndex.adding`); this version stays as it was.
    public func adding(_ points: some Sequence<ClusterPoint>) -> ClusterCatalogue {
        ClusterCatalogue(unfiltered: unfiltered.adding(points), capacity: capacity, cache: cache.withLock { $0 })
    }

    public var options: ClusterOptions { unfiltered.options }

    /// The index of the reports `filter` lets through; built now if it is not kept.
    public func index(for filter: ClusterFilter = .all) -> ClusterIndex {
        if filter.isUnfiltered { return unfiltered }
        let added = unfiltered.recent.points
        let index: ClusterIndex
        if let (kept, seen) = cache.withLock({ $0.take(filter) }) {
            if seen == added.count { return kept }
            index = kept.adding(filter.apply(to: ContiguousArray(added[seen...])))
        } else {
            index = ClusterIndex(validOptions: unfiltered.options, points: filter.apply(to: unfiltered.points))
        }
        let capacity = capacity
        cache.withLock { $0.keep(index, seeing: added.count, for: filter, capacity: capacity) }
        return index
    }

    /// The filters whose indexes are kept, most recently used first.
    public var cachedFilters: [ClusterFilter] { cache.withLock { $0.filtersByRecency } }
}

/// The kept filtered indexes with a use counter each; the least recently used goes first when
/// the cache is full. Capacities are small (a handful), so a linear scan beats a linked list.
/// Each entry also says how many of the unfiltered index's added reports it has seen.
struct FilteredIndexCache: Sendable {
    private var entries: [ClusterFilter: (index: ClusterIndex, seen: Int, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0

    mutating func take(_ filter: ClusterFilter) -> (ClusterIndex, seen: Int)? {
        guard let entry = entries[filter] else { return nil }
        clock += 1
        entries[filter] = (entry.index, entry.seen, clock)
        return (entry.index, entry.seen)
    }

    mutating func keep(_ index: ClusterIndex, seeing seen: Int, for filter: ClusterFilter, capacity: Int) {
        guard capacity > 0 else { return }
        clock += 1
        entries[filter] = (index, seen, clock)
        while entries.count > capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            entries[oldest] = nil
        }
    }

    var filtersByRecency: [ClusterFilter] {
        entries.sorted { $0.value.lastUse > $1.value.lastUse }.map(\.key)
    }
}
