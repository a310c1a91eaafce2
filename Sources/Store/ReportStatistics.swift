import Foundation
import Geo

/// Reports counted by status.
public struct StatusCounts: Sendable, Hashable {
    public var byStatus: [ReportStatus: Int] = [:]
    public init(_ byStatus: [ReportStatus: Int] = [:]) { self.byStatus = byStatus }
    public var total: Int { byStatus.values.reduce(0, +) }
    /// Not closed: open, acknowledged or in progress.
    public var unresolved: Int { total - self[.closed] }
    public subscript(_ status: ReportStatus) -> Int { byStatus[status] ?? 0 }
}

/// The raw facts about one district's reports that its summary is computed from. Kept as
/// compact columns: a district of a large city holds hundreds of thousands of reports.
public struct DistrictReportFacts: Sendable {
    /// (service code, status) → count.
    public var counts: [String: StatusCounts] = [:]
    /// Milliseconds from request to close, for closed reports.
    public var closeDurations: [Int64] = []
    /// When each report was made (ms since 1970), ascending.
    public var requestedAt: [Int64] = []
    /// When each unresolved report was made (ms since 1970).
    public var unresolvedRequestedAt: [Int64] = []
    /// Every report's place and service, for the data-quality checks.
    public var locations: [(location: Coordinate, serviceCode: String)] = []
    public init() {}
}

/// A report reduced to what maps and analyses need.
public struct ReportPoint: Sendable, Hashable {
    public var id: Int64
    public var location: Coordinate
    public var serviceCode: String
    public var status: ReportStatus
    /// Milliseconds since 1970.
    public var requestedAt: Int64
    public var districtCode: String?
    public init(id: Int64, location: Coordinate, serviceCode: String, status: ReportStatus, requestedAt: Int64, districtCode: String?) {
        self.id = id; self.location = location; self.serviceCode = serviceCode; self.status = status
        self.requestedAt = requestedAt; self.districtCode = districtCode
    }
}

/// Counts over stored reports, for district statistics, map clusters and hotspots.
public protocol ReportStatisticsStore: Sendable {
    /// Every report as a point (for building the map's cluster index), or those of one district.
    func reportPoints(districtCode: String?) async throws(StoreError) -> [ReportPoint]

    /// Report counts by district code and status ("" for reports outside every district).
    func statusCountsByDistrict() async throws(StoreError) -> [String: StatusCounts]

    /// The facts of the reports of district `code` made in [from, until) (nil: unbounded).
    func districtFacts(code: String, from: Date?, until: Date?) async throws(StoreError) -> DistrictReportFacts
}
