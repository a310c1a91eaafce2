import Foundation
import Geo
import PostgresNIO

extension PostGISStore {
    /// Every report's point, read as columns of arrays per chunk of ids rather than row by row: a
    /// server's start reads all of them, and postgres-nio's decoding of a million rows (generic,
    /// per cell) took most of a start over a million reports; a few arrays per chunk decode in a
    /// fraction of that. Chunks are separate statements: what changes meanwhile comes through the
    /// change feed, whose head the caller took first.
    public func reportPoints(districtCode: String?) async throws(StoreError) -> [ReportPoint] {
        var points: [ReportPoint] = []
        var after: Int64 = 0
        while true {
            let query: PostgresQuery = """
                SELECT array_agg(id), array_agg(lon), array_agg(lat), array_agg(service_code), array_agg(status),
                       array_agg(requested_at), array_agg(coalesce(district_code, ''))
                FROM (SELECT id, lon, lat, service_code, status, requested_at, district_code FROM reports
                      WHERE id > \(after) AND (\(districtCode)::text IS NULL OR district_code = \(districtCode))
                      ORDER BY id LIMIT \(Self.pointChunk)) chunk
                """
            let columns = try await fetchOne(query) { row in
                try row.decode(([Int64]?, [Double]?, [Double]?, [String]?, [String]?, [Int64]?, [String]?).self)
            }
            guard case let (ids?, lons?, lats?, services?, statuses?, requested?, districts?)? = columns else { break }
            points.reserveCapacity(points.count + ids.count)
            for i in ids.indices {
                points.append(ReportPoint(id: ids[i], location: Coordinate(lons[i], lats[i]), serviceCode: services[i],
                                          status: ReportStatus(rawValue: statuses[i]) ?? .open, requestedAt: requested[i],
                                          districtCode: districts[i].isEmpty ? nil : districts[i]))
            }
            guard ids.count == Self.pointChunk, let last = ids.last else { break }
            after = last
        }
        return points
    }

    /// Report points per statement in `reportPoints`.
    static let pointChunk = 100_000

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
