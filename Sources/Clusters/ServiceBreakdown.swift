/// The reports of a cluster per service: a sparse list of (service, count) pairs in ascending
/// service order, with no zero counts.
///
/// A cluster's pairs live in one array shared by the whole index, so handing a breakdown out
/// costs no allocation; a single report's breakdown is just its service.
public struct ServiceBreakdown: RandomAccessCollection, Hashable, Sendable {
    enum Storage: Hashable, Sendable {
        case single(UInt16)
        case shared(ArraySlice<ServiceCount>)
    }

    let storage: Storage

    init(single service: UInt16) { storage = .single(service) }
    init(shared slice: ArraySlice<ServiceCount>) { storage = .shared(slice) }

    /// A breakdown from any pairs: counts of the same service are added, zero counts dropped.
    public init(_ pairs: some Sequence<ServiceCount>) {
        var totals: [UInt16: Int] = [:]
        for pair in pairs where pair.count > 0 { totals[pair.service, default: 0] += pair.count }
        let sorted = totals.keys.sorted().map { ServiceCount(service: $0, count: totals[$0] ?? 0) }
        storage = .shared(ArraySlice(sorted))
    }

    /// A cluster's pairs with more added: both in ascending service order, merged in one pass
    /// (a breakdown can hold a hundred services; a dictionary per viewport feature is too slow).
    init(_ pairs: ArraySlice<ServiceCount>, adding more: [ServiceCount]) {
        var merged: [ServiceCount] = []
        merged.reserveCapacity(pairs.count + more.count)
        var i = pairs.startIndex, j = more.startIndex
        while i < pairs.endIndex || j < more.endIndex {
            if j == more.endIndex || (i < pairs.endIndex && pairs[i].service < more[j].service) {
                merged.append(pairs[i]); i += 1
            } else if i == pairs.endIndex || more[j].service < pairs[i].service {
                merged.append(more[j]); j += 1
            } else {
                merged.append(ServiceCount(service: pairs[i].service, storedCount: pairs[i].storedCount + more[j].storedCount))
                i += 1; j += 1
            }
        }
        storage = .shared(ArraySlice(merged))
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .single: 1
        case .shared(let slice): slice.count
        }
    }

    public subscript(position: Int) -> ServiceCount {
        switch storage {
        case .single(let service):
            precondition(position == 0, "ServiceBreakdown index \(position) out of range")
            return ServiceCount(service: service, count: 1)
        case .shared(let slice):
            return slice[slice.startIndex + position]
        }
    }

    /// The number of reports counted.
    public var total: Int { reduce(0) { $0 + $1.count } }

    /// The `limit` services with the most reports, largest first (ties: lower service first).
    public func top(_ limit: Int) -> [ServiceCount] {
        var found: [ServiceCount] = []
        top(limit, into: &found)
        return found
    }

    /// The same into the caller's array, which keeps its room between calls: a map answer asks
    /// this of every cluster in view, and sorting each whole breakdown would cost more than the
    /// rest of the answer. An insertion into a list of at most `limit`.
    public func top(_ limit: Int, into found: inout [ServiceCount]) {
        found.removeAll(keepingCapacity: true)
        guard limit > 0 else { return }
        for c in self {
            guard found.count < limit || ServiceCount.byCountDescending(c, found[found.count - 1]) else { continue }
            if found.count == limit { found.removeLast() }
            var i = found.count
            while i > 0, ServiceCount.byCountDescending(c, found[i - 1]) { i -= 1 }
            found.insert(c, at: i)
        }
    }

    public static func == (a: ServiceBreakdown, b: ServiceBreakdown) -> Bool { a.elementsEqual(b) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for pair in self { hasher.combine(pair) }
    }
}
