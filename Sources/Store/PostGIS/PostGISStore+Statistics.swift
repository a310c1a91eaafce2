import Foundation
import Geo
import PostgresNIO

extension PostGISStore {
    /// Every report's point, read as columns of arrays per range of ids rather than row by row: a
    /// server's start reads all of them, and postgres-nio's decoding of a million rows (generic,
    /// per cell) took most of a start over a million reports; a few arrays per chunk decode in a
    /// fraction of that. The ranges are read `pointReaders` at a time on their own connections,
    /// so PostgreSQL gathers the next chunk while this process decodes the last one. Chunks are
    /// separate statements: what changes meanwhile comes through the change feed, whose head the
    /// caller took first.
    public func reportPoints(districtCode: String?) async throws(StoreError) -> [ReportPoint] {
        let span = try await fetchOne("""
            SELECT min(id), max(id) FROM reports WHERE \(districtCode)::text IS NULL OR district_code = \(districtCode)
            """) { try $0.decode((Int64?, Int64?).self) }
        guard case let (low?, high?)? = span else { return [] }
        let ranges = Self.pointRanges(low: low, high: high)
        var chunks = [[ReportPoint]](repeating: [], count: ranges.count)
        do {
            try await withThrowingTaskGroup(of: (Int, [ReportPoint]).self) { group in
                var next = 0
                func read() {
                    let i = next
                    next += 1
                    group.addTask { (i, try await self.reportPoints(ids: ranges[i], districtCode: districtCode)) }
                }
                while next < min(Self.pointReaders, ranges.count) { read() }
                while let (i, points) = try await group.next() {
                    chunks[i] = points
                    if next < ranges.count { read() }
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.wrap(error)
        }
        return Array(chunks.joined())
    }

    /// The ranges of ids `reportPoints` reads: `pointChunk` ids each, but never more than
    /// `maxPointRanges` (ids far apart make wider ranges, not thousands of near-empty ones).
    static func pointRanges(low: Int64, high: Int64) -> [ClosedRange<Int64>] {
        guard low <= high else { return [] }
        let span = UInt64(bitPattern: high &- low) &+ 1   // 0 only for the whole Int64 range
        let n = UInt64(maxPointRanges)
        let perRange = span == 0 ? UInt64.max / n + 1 : span / n + (span % n == 0 ? 0 : 1)
        let width = Int64(clamping: max(UInt64(pointChunk), perRange))
        var ranges: [ClosedRange<Int64>] = []
        var start = low
        while true {
            let (last, overflow) = start.addingReportingOverflow(width - 1)
            if overflow || last >= high { ranges.append(start...high); return ranges }
            ranges.append(start...last)
            start = last + 1
        }
    }

    /// The points of the reports with ids in `ids`.
    private func reportPoints(ids: ClosedRange<Int64>, districtCode: String?) async throws(StoreError) -> [ReportPoint] {
        let query: PostgresQuery = """
            SELECT array_agg(id), array_agg(lon), array_agg(lat), array_agg(service_code), array_agg(status),
                   array_agg(requested_at), array_agg(coalesce(district_code, ''))
            FROM (SELECT id, lon, lat, service_code, status, requested_at, district_code FROM reports
                  WHERE id BETWEEN \(ids.lowerBound) AND \(ids.upperBound)
                    AND (\(districtCode)::text IS NULL OR district_code = \(districtCode))
                  ORDER BY id) chunk
            """
        let columns = try await fetchOne(query) { row in
            try row.decode(([Int64]?, [Double]?, [Double]?, [String]?, [String]?, [Int64]?, [String]?).self)
        }
        guard case let (ids?, lons?, lats?, services?, statuses?, requested?, districts?)? = columns else { return [] }
        var points: [ReportPoint] = []
        points.reserveCapacity(ids.count)
        for i in ids.indices {
            points.append(ReportPoint(id: ids[i], location: Coordinate(lons[i], lats[i]), serviceCode: services[i],
                                      status: ReportStatus(rawValue: statuses[i]) ?? .open, requestedAt: requested[i],
                                      districtCode: districts[i].isEmpty ? nil : districts[i]))
        }
        return points
    }

    /// Report ids per statement in `reportPoints`, statements in flight at once, and at most this
    /// many statements in all.
    static let pointChunk = 100_000, pointReaders = 2, maxPointRanges = 1_000

    public func statusCountsByDistrict() async throws(StoreError) -> [String: StatusCounts] {
        let rows = try await fetch("SELECT coalesce(district_code, ''), status, count(*) FROM reports GROUP BY 1, 2") {
            try $0.decode((String, String, Int).self)
        }
        var out: [String: StatusCounts] = [:]
        for (district, status, count) in rows {
            guard let status = ReportStatus(rawValue: status) else { continue }
            out[district, default: StatusCounts()].byStatus[status] = count
        }
        return out
    }

    public func districtFacts(code: String, from: Date?, until: Date?) async throws(StoreError) -> DistrictReportFacts {
        let from = from.map(millis) ?? Int64.min, until = until.map(millis) ?? Int64.max
        let rows = try await fetch("""
            SELECT service_code, status, requested_at, closed_at, lon, lat FROM reports
            WHERE district_code = \(code) AND requested_at >= \(from) AND requested_at < \(until) ORDER BY requested_at
            """) { try $0.decode((String, String, Int64, Int64?, Double, Double).self) }
        var facts = DistrictReportFacts()
        for (service, statusText, requested, closed, lon, lat) in rows {
            guard let status = ReportStatus(rawValue: statusText) else { continue }
            facts.counts[service, default: StatusCounts()].byStatus[status, default: 0] += 1
            facts.requestedAt.append(requested)
            if status == .closed {
                if let closed, closed >= requested { facts.closeDurations.append(closed - requested) }
            } else {
                facts.unresolvedRequestedAt.append(requested)
            }
            facts.locations.append((Coordinate(lon, lat), service))
        }
        return facts
    }
}
