/// Adds up the service breakdowns of a new cluster's members and writes the sum to the shared
/// pool as sorted (service, count) pairs.
///
/// A dense table of running totals (one slot per possible service, zero between merges) and the
/// list of services touched make adding a pair two memory accesses, whatever the number of
/// services; only the touched slots are read back and cleared. Plain pointers: the build merges
/// millions of pairs, and array accesses would check bounds and uniqueness on each.
final class BreakdownMerger {
    private static let slots = Int(UInt16.max) + 1
    private let totals: UnsafeMutablePointer<UInt32>
    private let touched: UnsafeMutablePointer<UInt16>
    private var touchedCount = 0

    init() {
        totals = .allocate(capacity: Self.slots)
        totals.initialize(repeating: 0, count: Self.slots)
        touched = .allocate(capacity: Self.slots)
        touched.initialize(repeating: 0, count: Self.slots)
    }

    deinit {
        totals.deallocate()
        touched.deallocate()
    }

    @inline(__always)
    func add(_ service: UInt16, _ count: UInt32) {
        let s = Int(service)
        if totals[s] == 0 {
            touched[touchedCount] = service
            touchedCount += 1
        }
        totals[s] &+= count
    }

    /// Adds `pool[range]`, a member cluster's pairs.
    func add(_ range: Range<Int>, of pool: ContiguousArray<ServiceCount>) {
        pool.withUnsafeBufferPointer { pool in
            for k in range { add(pool[k].service, pool[k].storedCount) }
        }
    }

    /// Appends the sum to `pool` in service order and starts over; returns where it went.
    func flush(into pool: inout ContiguousArray<ServiceCount>) -> (start: UInt32, count: UInt32) {
        let start = UInt32(truncatingIfNeeded: pool.count), count = touchedCount
        sortTouched()
        for k in 0..<count {
            let s = Int(touched[k])
            pool.append(ServiceCount(service: touched[k], storedCount: totals[s]))
            totals[s] = 0
        }
        touchedCount = 0
        return (start, UInt32(truncatingIfNeeded: count))
    }

    /// Most merges touch a handful of services, where insertion sort beats the general sort.
    private func sortTouched() {
        let services = UnsafeMutableBufferPointer(start: touched, count: touchedCount)
        guard services.count > 16 else {
            for i in services.indices.dropFirst() {
                let value = services[i]
                var j = i - 1
                while j >= 0 && services[j] > value { services[j + 1] = services[j]; j -= 1 }
                services[j + 1] = value
            }
            return
        }
        var all = services
        all.sort()
    }
}
