import Foundation
import Geo
import Hummingbird
import RateLimits
import Reports
import Store

/// GeoReport v2 requests: `POST requests`, `GET requests`, `GET requests/{id}`, `GET tokens/{token}`.
struct Open311Requests: Sendable {
    let intake: Intake
    let reports: any ReportStore
    let apiKeys: APIKeyCache
    let settings: Open311Settings
    let telemetry: Telemetry
    /// Reports per client address and per API key.
    let limits: ClientLimits
    /// Request bodies above this are refused before they are read (the media limit plus the form).
    static let maximumBody = 11 * 1024 * 1024
    /// GET requests answers at most this many (the spec's default volume), or `page_size` up to it.
    static let maximumPage = 1_000
    /// The spec's longest date range.
    static let maximumRange: TimeInterval = 90 * 24 * 3600

    // MARK: POST requests

    /// `client`: the address the request comes from (`ClientLimits.client(of:context:)`).
    func create(_ request: Request, format: Open311Format, client: String) async throws -> Open311Node {
        let (fields, photo) = try await Self.fields(request)
        let key = fields.last { $0.0 == "api_key" }?.1 ?? request.uri.queryParameters["api_key"].map(String.init) ?? ""
        guard !key.isEmpty, try await apiKeys.isValid(key) else {
            throw Open311Error(.forbidden, key.isEmpty ? "api_key is required to create a request" : "Invalid api_key received -- can't proceed with create_request.")
        }
        do { try limits.check(.report, client: client, apiKey: key) } catch {
            telemetry.rateLimited(error.write)
            throw Open311Error(.tooManyRequests, error.description, retryAfter: error.retryAfter)
        }
        let receipt: IntakeReceipt
        var submission = Submission(fields: fields)
        submission.photo = photo
        do { receipt = try await intake.submit(submission) } catch {
            telemetry.report(accepted: false)
            // Not stored because the database is away: try again shortly.
            if case .unavailable = error { throw Open311Error(.serviceUnavailable, error.description, retryAfter: 5) }
            throw Open311Error(error.isNotFound ? .notFound : .badRequest, error.description)
        }
        telemetry.report(accepted: true)
        let notice = receipt.similarId.map { "A similar report is already open nearby: request \($0). Yours is recorded too." }
        let idOrToken: (String, Open311Node) = receipt.service.kind == .batch
            ? ("token", .text(receipt.report.token)) : ("service_request_id", .text(String(receipt.report.id)))
        return .list(item: "request", [.object([idOrToken, ("service_notice", notice.map(Open311Node.text))])])
    }

    /// The form fields of a POST: url-encoded (the spec's), a JSON object, or multipart with the
    /// photo as the file field `media` (checked here, before anything is stored).
    static func fields(_ request: Request) async throws -> ([(String, String)], Photo?) {
        // Media types are case-insensitive; the multipart boundary is not.
        let header = request.headers[.contentType] ?? "application/x-www-form-urlencoded"
        let contentType = header.lowercased()
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maximumBody) } catch {
            throw Open311Error(.contentTooLarge, "the request body is larger than \(maximumBody / 1_048_576) MB")
        }
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            return (try FormEncoding.decode(buffer.readableBytesView), nil)
        }
        if contentType.hasPrefix("application/json") {
            return (try JSONForm.fields(Data(buffer: buffer)), nil)
        }
        if contentType.hasPrefix("multipart/form-data") {
            let form: MultipartForm
            do { form = try MultipartForm(body: Array(buffer: buffer), contentType: header) } catch {
                throw Open311Error(.badRequest, error.description)
            }
            let media = form.files.filter { $0.name == "media" }
            guard media.count <= 1 else { throw Open311Error(.badRequest, "send at most one photo as media") }
            if let unexpected = form.files.first(where: { $0.name != "media" }) {
                throw Open311Error(.badRequest, "the file field '\(unexpected.name.prefix(40))' is not accepted: send the photo as media")
            }
            // A browser sends an empty file part when no photo was chosen: that is no photo.
            guard let upload = media.first, !upload.bytes.isEmpty else { return (form.fields, nil) }
            do { return (form.fields, try Photo(bytes: upload.bytes)) } catch {
                throw Open311Error(.badRequest, error.description)
            }
        }
        throw Open311Error(.unsupportedMediaType, "send the request as application/x-www-form-urlencoded or application/json, not \(contentType)")
    }

    // MARK: GET requests

    func list(_ request: Request, now: Date = Date()) async throws -> Open311Node {
        var query = ReportQuery()
        if let ids = request.parameter("service_request_id") {
            // It overrides every other argument.
            query.ids = try ids.split(separator: ",").map { part in
                guard let id = Int64(part.trimmingCharacters(in: .whitespaces)) else {
                    throw Open311Error(.badRequest, "service_request_id must be a comma-separated list of request ids, got '\(ids.prefix(60))'")
                }
                return id
            }
        } else {
            if let codes = request.parameter("service_code") { query.serviceCodes = codes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            if let statuses = request.parameter("status") {
                query.statuses = try statuses.split(separator: ",").flatMap { s -> [ReportStatus] in
                    switch s.trimmingCharacters(in: .whitespaces).lowercased() {
                    case "open": return [.open, .acknowledged, .inProgress]
                    case "closed": return [.closed]
                    default: throw Open311Error(.badRequest, "status must be open, closed or both (comma-separated), got '\(s)'")
                    }
                }
            }
            let (from, until) = try Self.dateRange(start: request.parameter("start_date"), end: request.parameter("end_date"), now: now)
            query.requestedFrom = from
            query.requestedUntil = until
            if let bbox = request.parameter("bbox") { query.bbox = try Self.bbox(bbox) }
            if let districts = request.parameter("district") { query.districtCodes = districts.split(separator: ",").map(String.init) }
            let size = try Self.integer(request.parameter("page_size"), name: "page_size", default: Self.maximumPage, range: 1...Self.maximumPage)
            let page = try Self.integer(request.parameter("page"), name: "page", default: 1, range: 1...1_000_000)
            query.limit = size
            query.offset = (page - 1) * size
        }
        let found = try await reports.reports(query)
        let base = publicBase(request)
        return .list(item: "request", found.map { node($0, base: base) })
    }

    /// start_date and end_date: both optional, each with an offset, at most 90 days apart; the
    /// default is the 90 days before `end_date` (or now).
    static func dateRange(start: String?, end: String?, now: Date) throws -> (Date, Date) {
        func parse(_ text: String, _ name: String) throws -> Date {
            guard let d = Open311Time.parse(text) else {
                throw Open311Error(.badRequest, "\(name) must be an ISO 8601 date and time with an offset, e.g. 2026-11-21T00:00:00+02:00, got '\(text.prefix(40))'")
            }
            return d
        }
        let endDate = try end.map { try parse($0, "end_date") }
        let startDate = try start.map { try parse($0, "start_date") }
        // Without end_date: up to now, or 90 days after start_date if that is earlier.
        let until = endDate ?? min(now.addingTimeInterval(0.001), startDate?.addingTimeInterval(maximumRange) ?? .distantFuture)
        let from = startDate ?? until.addingTimeInterval(-maximumRange)
        guard from <= until else { throw Open311Error(.badRequest, "start_date is after end_date") }
        guard until.timeIntervalSince(from) <= maximumRange + 0.001 else {
            throw Open311Error(.badRequest, "the range from start_date to end_date may not exceed 90 days")
        }
        return (from, until)
    }

    static func bbox(_ text: String) throws -> BoundingBox {
        let parts = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, parts[0] < parts[2], parts[1] < parts[3], parts.allSatisfy(\.isFinite) else {
            throw Open311Error(.badRequest, "bbox must be min_long,min_lat,max_long,max_lat (WGS84, minimum before maximum), got '\(text.prefix(60))'")
        }
        return BoundingBox(minX: parts[0], minY: parts[1], maxX: parts[2], maxY: parts[3])
    }

    static func integer(_ text: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw Open311Error(.badRequest, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text.prefix(20))'")
        }
        return n
    }

    func one(_ request: Request, id text: String) async throws -> Open311Node {
        guard let id = Int64(text), let report = try await reports.report(id: id) else {
            throw Open311Error(.notFound, "service_request_id '\(text.prefix(40))' not found")
        }
        return .list(item: "request", [node(report, base: publicBase(request))])
    }

    func token(_ token: String) async throws -> Open311Node {
        guard let id = Report.id(token: token), let report = try await reports.report(id: id) else {
            throw Open311Error(.notFound, "token '\(token.prefix(64))' not found")
        }
        return .list(item: "request", [.object([("service_request_id", .text(String(report.id))), ("token", .text(report.token))])])
    }

    // MARK: GET servicerequestupdates (mySociety's extension)

    func updates(_ request: Request, now: Date = Date()) async throws -> Open311Node {
        let (from, until) = try Self.dateRange(start: request.parameter("start_date"), end: request.parameter("end_date"), now: now)
        let found = try await reports.updates(from: from, until: until, limit: Self.maximumPage)
        return .list(item: "request_update", found.map { u in
            .object([
                ("update_id", .text(String(u.id))),
                ("service_request_id", .text(String(u.reportId))),
                ("status", .text(Self.extendedStatus(u))),
                ("updated_datetime", .text(settings.time.format(u.at))),
                ("description", .text(u.note)),
                ("media_url", .text("")),
            ])
        })
    }

    /// The extended statuses of the request-updates feed.
    static func extendedStatus(_ u: ReportUpdate) -> String {
        if u.reopened { return "reopen" }
        switch u.status {
        case .open: return "open"
        case .acknowledged: return "investigating"
        case .inProgress: return "in_progress"
        case .closed:
            switch u.resolution {
            case .fixed: return "fixed"
            case .duplicate: return "duplicate"
            case .notResponsible: return "not_councils_responsibility"
            case .noFurtherAction: return "no_further_action"
            case nil: return "closed"
            }
        }
    }

    /// Where this server is reached from outside: the configured public URL, else the Host the
    /// client used.
    func publicBase(_ request: Request) -> String {
        if let url = settings.publicURL { return url }
        return "http://" + (request.head.authority ?? "localhost")
    }

    /// A request as the spec lists it. Personal data is never part of it. Uploaded photos are
    /// stored as paths (`/media/…`) and answered as absolute URLs under `base`. Written field by
    /// field: a list holds up to 1,000 of them.
    func node(_ r: Report, base: String) -> Open311Node {
        let service = intake.services[r.details.serviceCode]
        let locale = settings.locale
        return .written { w in
            let d = r.details
            w.object { w in
                w.field("service_request_id", text: String(r.id))
                w.field("status", text: d.status.open311)
                if let notes = r.statusNotes { w.field("status_notes", text: notes) }
                w.field("service_name", text: service?.name.text(locale) ?? d.serviceCode)
                w.field("service_code", text: d.serviceCode)
                w.field("description", text: d.description)
                if let service { w.field("agency_responsible", text: service.department) }
                if let duplicate = d.duplicateOf { w.field("service_notice", text: "A similar report was already open nearby: request \(duplicate).") }
                w.field("requested_datetime", time: d.requestedAt)
                w.field("updated_datetime", time: r.updatedAt)
                w.field("address", text: d.address ?? "")
                w.field("address_id", text: "")
                w.field("zipcode", text: d.zipcode ?? "")
                w.field("lat", number: d.location.y)
                w.field("long", number: d.location.x)
                w.field("media_url", text: d.mediaURL.map { $0.hasPrefix("/") ? base + $0 : $0 } ?? "")
            }
        }
    }
}

/// A JSON object as form fields: strings, numbers and booleans as they are; `attribute` as an
/// object of code → value or list of values.
enum JSONForm {
    static func fields(_ body: Data) throws -> [(String, String)] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw Open311Error(.badRequest, "the body is not a JSON object")
        }
        var fields: [(String, String)] = []
        func scalar(_ v: Any) -> String? {
            switch v {
            case let s as String: return s
            case let b as Bool: return b ? "true" : "false"
            case let n as NSNumber: return n.stringValue
            default: return nil
            }
        }
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            if key == "attribute", let attributes = value as? [String: Any] {
                for (code, v) in attributes.sorted(by: { $0.key < $1.key }) {
                    if let list = v as? [Any] { fields += list.compactMap(scalar).map { ("attribute[\(code)][]", $0) } }
                    else if let s = scalar(v) { fields.append(("attribute[\(code)]", s)) }
                }
            } else if let list = value as? [Any] {
                fields += list.compactMap(scalar).map { (key, $0) }
            } else if let s = scalar(value) {
                fields.append((key, s))
            }
        }
        return fields
    }
}
