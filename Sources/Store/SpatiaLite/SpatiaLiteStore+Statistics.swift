import Foundation
import Geo
import GRDB

extension SpatiaLiteStore {
    public func reportPoints(districtCode: String?) async throws(StoreError) -> [ReportPoint] {
        let sql = "SELECT id, lon, lat, service_code, status, requested_at, district_code FROM reports"
            + (districtCode == nil ? "" : " WHERE district_code = ?")
        let arguments: StatementArguments = districtCode.map { [$0] } ?? []
        return try await read { db in
            var out: [ReportPoint] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                out.append(ReportPoint(id: row[0], location: Coordinate(row[1], row[2]), serviceCode: row[3],
                                       status: ReportStatus(rawValue: row[4]) ?? .open, requestedAt: row[5], districtCode: row[6]))
            }
            return out
        }
    }

    public func statusCountsByDistrict() async throws(StoreError) -> [String: StatusCounts] {
        try await read { db in
            var out: [String: StatusCounts] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT coalesce(district_code, ''), status, count(*) FROM reports GROUP BY 1, 2")
            while let row = try rows.next() {
                guard let status = ReportStatus(rawValue: row[1]) else { continue }
                out[row[0], default: StatusCounts()].byStatus[status] = row[2]
            }
            return out
        }
    }

    public func districtFacts(code: String, from: Date?, until: Date?) async throws(StoreError) -> DistrictReportFacts {
        // The (district_code, requested_at) index serves both the district and the range.
        let range = "district_code = ? AND requested_at >= ? AND requested_at < ?"
        let arguments: StatementArguments = [code, from.map(millis) ?? Int64.min, until.map(millis) ?? Int64.max]
        return try await read { db in
            var facts = DistrictReportFacts()
            let rows = try Row.fetchCursor(db, sql: """
                SELECT service_code, status, requested_at, closed_at, lon, lat FROM reports WHERE \(range) ORDER BY requested_at
                """, arguments: arguments)
            while let row = try rows.next() {
                let service: String = row[0]
                guard let status = ReportStatus(rawValue: row[1]) else { continue }
                let requested: Int64 = row[2]
                facts.counts[service, default: StatusCounts()].byStatus[status, default: 0] += 1
                facts.requestedAt.append(requested)
                if status == .closed {
                    if let closed: Int64 = row[3], closed >= requested { facts.closeDurations.append(closed - requested) }
                } else {
                    facts.unresolvedRequestedAt.append(requested)
                }
                facts.locations.append((Coordinate(row[4], row[5]), service))
            }
            return facts
        }
    }
}
