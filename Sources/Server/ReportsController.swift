import Foundation
import Geo
import Hummingbird
import RateLimits
import Reports
import Store

/// The JSON API for reports: a report with its history, status changes by staff, and reports
/// as GeoJSON for maps and open data.
struct ReportsController: Sendable {
    let store: any ReportStore
    let openReports: OpenReportIndex
    let auth: StaffAuth
    let time: LocalTime
    /// Called after a status change is committed (the map's clusters filter by status).
    var statusChanged: @Sendable (Report) -> Void = { _ in }

    func register(on router: Router<ClientRequestContext>) {
        router.get("api/v1/reports.geojson") { request, _ in try await geojson(request) }
        router.get("api/v1/reports/:id") { _, context in try await show(try id(context)) }
        router.post("api/v1/reports/:id/transitions") { request, context in try await transition(request, id: try id(context)) }
    }

    private func id(_ context: ClientRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text) else { throw Problem(.notFound, "no such report") }
        return id
    }

    /// Public: the report's public fields and its history (notes included, authors not).
    func show(_ id: Int64) async throws -> Response {
        guard let report = try await store.report(id: id) else { throw Problem(.notFound, "report \(id) not found") }
        let history = try await store.updates(reportId: id)
        return jsonResponse(Self.json(report, history: history, time: time))
    }

    static func json(_ r: Report, history: [ReportUpdate], time: LocalTime) -> [String: JSONScalar] {
        var out: [String: JSONScalar] = [:]
        for (name, value) in zip(ReportExport.columns, ReportExport.values(r, time: time)) { out[name] = value.isEmpty ? .null : .string(value) }
        out["id"] = .int(Int(r.id))
        out["lon"] = .double(r.details.location.x)
        out["lat"] = .double(r.details.location.y)
        out["status_notes"] = r.statusNotes.map(JSONScalar.string) ?? .null
        out["history"] = .array(history.map { u in
            .object(["status": .string(u.status.rawValue), "resolution": u.resolution.map { .string($0.rawValue) } ?? .null,
                     "reopened": .bool(u.reopened), "note": .string(u.note), "at": .string(time.format(u.at))])
        })
        return out
    }

    struct TransitionBody: Decodable { var status: String; var resolution: String?; var note: String? }

    func transition(_ request: Request, id: Int64) async throws -> Response {
        let user = try await auth.require(request, roles: Workflow.roles)
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        guard let body = try? JSONDecoder().decode(TransitionBody.self, from: Data(buffer: buffer)) else {
            throw Problem(.badRequest, "send JSON {\"status\": \"acknowledged|in_progress|closed|open\", \"resolution\": \"fixed|...\", \"note\": \"...\"}")
        }
        guard let status = ReportStatus(rawValue: body.status) else {
            throw Problem(.badRequest, "status must be one of: \(ReportStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let resolution: Resolution?
        if let text = body.resolution {
            guard let r = Resolution(rawValue: text) else {
                throw Problem(.badRequest, "resolution must be one of: \(Resolution.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            resolution = r
        } else {
            resolution = nil
        }
        let report: Report
        do {
            (report, _) = try await Workflow.move(id, to: status, resolution: resolution, note: body.note ?? "", by: user.id, store: store, openReports: openReports)
        } catch {
            switch error {
            case .notFound: throw Problem(.notFound, error.description)
            case .invalidTransition, .conflict: throw Problem(.conflict, error.description)
            case .missingNote, .noteTooLong, .missingResolution, .unexpectedResolution: throw Problem(.badRequest, error.description)
            case .unavailable: throw Problem(.serviceUnavailable, error.description)
            }
        }
        statusChanged(report)
        return jsonResponse(Self.json(report, history: try await store.updates(reportId: id), time: time))
    }

    /// `GET /api/v1/reports.geojson?bbox=&district=&service=&status=&since=&until=&limit=`.
    func geojson(_ request: Request) async throws -> Response {
        func list(_ name: String) -> [String] { request.parameter(name)?.split(separator: ",").map(String.init) ?? [] }
        var query = ReportQuery(limit: 10_000)
        query.serviceCodes = list("service")
        query.districtCodes = list("district")
        query.statuses = try list("status").map { s in
            guard let v = ReportStatus(rawValue: s) else { throw Problem(.badRequest, "unknown status '\(s)'") }
            return v
        }
        for (name, keyPath) in [("since", \ReportQuery.requestedFrom), ("until", \ReportQuery.requestedUntil)] {
            if let text = request.parameter(name) {
                guard let d = Open311Time.parse(text) else { throw Problem(.badRequest, "\(name) must be ISO 8601 with an offset, e.g. 2026-11-01T00:00:00+02:00") }
                query[keyPath: keyPath] = d
            }
        }
        if let bbox = request.parameter("bbox") {
            do { query.bbox = try Open311Requests.bbox(bbox) } catch let e as Open311Error { throw Problem(.badRequest, e.description) }
        }
        if let limit = request.parameter("limit") {
            guard let n = Int(limit), (1...10_000).contains(n) else { throw Problem(.badRequest, "limit must be from 1 to 10000") }
            query.limit = n
        }
        let reports = try await store.reports(query)
        return Response(status: .ok, headers: [.contentType: "application/geo+json"],
                        body: .init(byteBuffer: ByteBuffer(data: ReportExport.geoJSON(reports, time: time))))
    }
}
