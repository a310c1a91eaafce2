import Foundation
import Geo
import PostgresNIO

extension PostGISStore {
    public func reportPoints(districtCode: String?) async throws(StoreError) -> [ReportPoint] {
        let query: PostgresQuery = districtCode.map {
            "SELECT id, lon, lat, service_code, status, requested_at, district_code FROM reports WHERE district_code = \($0)"
        } ?? "SELECT id, lon, lat, service_code, status, requested_at, district_code FROM reports"
        return try await fetch(query) { row in
            let (id, lon, lat, service, status, requested, district) = try row.decode((Int64, Double, Double, String, String, Int64, String?).self)
            return ReportPoint(id: id, location: Coordinate(lon, lat), serviceCode: service, status: ReportStatus(rawValue: status) ?? .open,
                               requestedAt: requested, districtCode: district)
        }
    }

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
