import Foundation
import Geo
import Store

/// What the city asks of one district: how many reports of which kind in which state, how
/// much is still open and for how long, how fast things get closed, the weekly trend, and
/// whether the data can be trusted (pile-ups on a default location).
public struct DistrictSummary: Sendable {
    public struct ServiceCounts: Sendable { public var serviceCode: String; public var counts: StatusCounts }
    public struct Week: Sendable { public var start: Date; public var count: Int }
    public struct Backlog: Sendable {
        public var count: Int
        public var oldest: Date?
        public var medianAgeDays: Double?
    }

    public var district: District
    public var from: Date?
    public var until: Date?
    public var counts: StatusCounts
    /// Most reports first.
    public var services: [ServiceCounts]
    public var backlog: Backlog
    public var medianHoursToClose: Double?
    /// Weeks starting Monday 00:00 local time, oldest first (at most `maximumWeeks`, the latest).
    public var weekly: [Week]
    public var pileUps: [LocationPileUp]

    public static let maximumWeeks = 520

    public init(district: District, facts: DistrictReportFacts, from: Date?, until: Date?, time: LocalTime, now: Date = Date()) {
        self.district = district; self.from = from; self.until = until
        var total = StatusCounts()
        for c in facts.counts.values { for (s, n) in c.byStatus { total.byStatus[s, default: 0] += n } }
        counts = total
        services = facts.counts.map { ServiceCounts(serviceCode: $0.key, counts: $0.value) }
            .sorted { ($0.counts.total, $1.serviceCode) > ($1.counts.total, $0.serviceCode) }
        let nowMillis = Int64(now.timeIntervalSince1970 * 1000)
        let ages = facts.unresolvedRequestedAt.map { Double(nowMillis - $0) / 86_400_000 }
        backlog = Backlog(count: facts.unresolvedRequestedAt.count,
                          oldest: facts.unresolvedRequestedAt.min().map { Date(timeIntervalSince1970: Double($0) / 1000) },
                          medianAgeDays: Self.median(ages))
        medianHoursToClose = Self.median(facts.closeDurations.map { Double($0) / 3_600_000 })
        weekly = Self.weekly(facts.requestedAt, from: from, until: until, calendar: time.calendar)
        pileUps = DataQuality.pileUps(facts.locations)
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// Counts per week over [from, until), or over the weeks the reports span.
    static func weekly(_ requestedAt: [Int64], from: Date?, until: Date?, calendar: Calendar) -> [Week] {
        guard let first = from ?? requestedAt.first.map({ Date(timeIntervalSince1970: Double($0) / 1000) }),
              let end = until ?? requestedAt.last.map({ Date(timeIntervalSince1970: Double($0) / 1000 + 0.001) }), first < end else { return [] }
        guard var start = calendar.dateInterval(of: .weekOfYear, for: first)?.start else { return [] }
        var starts: [Date] = []
        while start < end {
            starts.append(start)
            guard let next = calendar.date(byAdding: .weekOfYear, value: 1, to: start) else { break }
            start = next
        }
        if starts.count > maximumWeeks { starts.removeFirst(starts.count - maximumWeeks) }
        guard let firstStart = starts.first else { return [] }
        var counts = [Int](repeating: 0, count: starts.count)
        let bounds = starts.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
        let low = Int64((firstStart.timeIntervalSince1970 * 1000).rounded()), high = Int64((end.timeIntervalSince1970 * 1000).rounded())
        for t in requestedAt where t >= low && t < high {
            // The last week start at or before t (binary search).
            var lo = 0, hi = bounds.count - 1
            while lo < hi { let mid = (lo + hi + 1) / 2; if bounds[mid] <= t { lo = mid } else { hi = mid - 1 } }
            counts[lo] += 1
        }
        return zip(starts, counts).map { Week(start: $0, count: $1) }
    }
}
