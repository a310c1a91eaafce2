import Foundation
import Geo

/// Where a report is in the city's work. Open311 sees `open` for the first three and `closed`
/// for the last; the request-updates feed shows them as they are.
public enum ReportStatus: String, Codable, Sendable, CaseIterable {
    case open, acknowledged, inProgress = "in_progress", closed

    /// The Open311 status: `open` or `closed`.
    public var open311: String { self == .closed ? "closed" : "open" }
}

/// Why a report was closed.
public enum Resolution: String, Codable, Sendable, CaseIterable {
    case fixed, duplicate, notResponsible = "not_responsible", noFurtherAction = "no_further_action"
}

/// Who reported: personal data, stored for the city's use and never returned by a public
/// endpoint or feed.
public struct ReporterContact: Sendable, Hashable {
    public var email, phone, firstName, lastName, deviceId, accountId: String?
    public init(email: String? = nil, phone: String? = nil, firstName: String? = nil, lastName: String? = nil,
                deviceId: String? = nil, accountId: String? = nil) {
        self.email = email; self.phone = phone; self.firstName = firstName; self.lastName = lastName
        self.deviceId = deviceId; self.accountId = accountId
    }
}

/// A report about to be stored.
public struct NewReport: Sendable, Hashable {
    public var serviceCode: String
    public var description: String
    /// Attribute code → values (one for most datatypes, several for a multivaluelist).
    public var attributes: [String: [String]]
    public var location: Coordinate
    public var districtCode: String?
    public var address: String?
    public var zipcode: String?
    public var mediaURL: String?
    public var duplicateOf: Int64?
    public var requestedAt: Date
    public var status: ReportStatus
    public var resolution: Resolution?
    /// When an imported report was closed (nil while open).
    public var closedAt: Date?
    public var contact: ReporterContact
    /// The id in the system a report was imported from (idempotent imports), or nil.
    public var externalId: String?
    /// "open311", "web", "import:boston", ...
    public var source: String
    /// The signed-in resident who made it (the web form), for their "my reports"; nil otherwise,
    /// and again nil once that resident deleted their account.
    public var residentId: Int64?

    public init(serviceCode: String, description: String = "", attributes: [String: [String]] = [:], location: Coordinate,
                districtCode: String? = nil, address: String? = nil, zipcode: String? = nil, mediaURL: String? = nil,
                duplicateOf: Int64? = nil, requestedAt: Date = Date(), status: ReportStatus = .open, resolution: Resolution? = nil,
                closedAt: Date? = nil, contact: ReporterContact = .init(), externalId: String? = nil, source: String = "open311",
                residentId: Int64? = nil) {
        self.serviceCode = serviceCode; self.description = description; self.attributes = attributes
        self.location = location; self.districtCode = districtCode; self.address = address; self.zipcode = zipcode
        self.mediaURL = mediaURL; self.duplicateOf = duplicateOf; self.requestedAt = requestedAt; self.status = status
        self.resolution = resolution; self.closedAt = closedAt; self.contact = contact; self.externalId = externalId
        self.source = source; self.residentId = residentId
    }
}

/// A stored report.
public struct Report: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var details: NewReport
    public var updatedAt: Date
    /// The latest status note a staff member wrote, shown as Open311 `status_notes`.
    public var statusNotes: String?

    public init(id: Int64, details: NewReport, updatedAt: Date, statusNotes: String? = nil) {
        self.id = id; self.details = details; self.updatedAt = updatedAt; self.statusNotes = statusNotes
    }

    /// The Open311 token, answered instead of the id for services of type `batch`. Miestas
    /// assigns ids at once, so the token is the id in another form ("t" and base 36): it needs
    /// no storage, and no random index slows every insert.
    public var token: String { "t" + String(id, radix: 36) }

    /// The id a token stands for, or nil for anything that is not a token.
    public static func id(token: String) -> Int64? {
        guard token.hasPrefix("t"), token.count <= 14 else { return nil }
        return Int64(token.dropFirst(), radix: 36).flatMap { $0 > 0 ? $0 : nil }
    }
}

/// One step of a report's history: a status change with its note.
public struct ReportUpdate: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var reportId: Int64
    public var status: ReportStatus
    public var resolution: Resolution?
    /// True when this update reopened a closed report.
    public var reopened: Bool
    public var note: String
    /// The staff member who made it (nil for changes the system made).
    public var userId: Int64?
    public var at: Date

    public init(id: Int64, reportId: Int64, status: ReportStatus, resolution: Resolution?, reopened: Bool, note: String, userId: Int64?, at: Date) {
        self.id = id; self.reportId = reportId; self.status = status; self.resolution = resolution
        self.reopened = reopened; self.note = note; self.userId = userId; self.at = at
    }
}

/// A filter over reports. Empty lists mean "any".
public struct ReportQuery: Sendable, Hashable {
    public var ids: [Int64]?
    public var serviceCodes: [String] = []
    public var statuses: [ReportStatus] = []
    public var requestedFrom: Date?
    /// Exclusive.
    public var requestedUntil: Date?
    public var bbox: BoundingBox?
    public var districtCodes: [String] = []
    public var limit = 1000
    public var offset = 0

    public init(ids: [Int64]? = nil, serviceCodes: [String] = [], statuses: [ReportStatus] = [], requestedFrom: Date? = nil,
                requestedUntil: Date? = nil, bbox: BoundingBox? = nil, districtCodes: [String] = [], limit: Int = 1000, offset: Int = 0) {
        self.ids = ids; self.serviceCodes = serviceCodes; self.statuses = statuses; self.requestedFrom = requestedFrom
        self.requestedUntil = requestedUntil; self.bbox = bbox; self.districtCodes = districtCodes; self.limit = limit; self.offset = offset
    }
}

/// Persistence of reports.
public protocol ReportStore: Sendable {
    /// Stores the reports in one transaction and answers each; a batch whose transaction fails
    /// is retried one report at a time, so one bad report fails alone.
    func insertReports(_ reports: [NewReport]) async -> [Result<Report, StoreError>]
    /// A writer that group-commits: callers submit one report each and are answered once the
    /// transaction holding it commits; one transaction (one statement) per batch. Intake makes
    /// one per process; each backend runs it the way its driver works best (a thread that blocks
    /// in SQLite's commit, a task that awaits PostgreSQL's).
    func makeReportWriter() -> GroupCommitter<NewReport, Report>

    func report(id: Int64) async throws(StoreError) -> Report?

    /// Newest first.
    func reports(_ query: ReportQuery) async throws(StoreError) -> [Report]

    /// The external ids among `ids` that are stored already (for idempotent imports).
    func existingExternalIds(_ ids: [String]) async throws(StoreError) -> Set<String>

    func reportCount() async throws(StoreError) -> Int

    /// Changes the report's status and records the update, in one transaction, provided the
    /// report still has status `expected` (else `.conflict`; nil if there is no such report).
    func applyUpdate(reportId: Int64, expected: ReportStatus, status: ReportStatus, resolution: Resolution?, reopened: Bool,
                     note: String, userId: Int64?, at: Date) async throws(StoreError) -> (Report, ReportUpdate)?

    /// A report's history, oldest first.
    func updates(reportId: Int64) async throws(StoreError) -> [ReportUpdate]

    /// Updates made in [from, until), oldest first: the request-updates feed.
    func updates(from: Date, until: Date, limit: Int) async throws(StoreError) -> [ReportUpdate]
}
