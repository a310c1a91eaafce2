import Districts
import Foundation
import Geo
import Hummingbird
import Identity
import RateLimits
import Messages
import Reports
import Store

/// The public reporting pages: the map, the report form (with and without JavaScript) and a
/// report's own page.
extension WebPages {
    func registerPublic(on router: Router<ClientRequestContext>) {
        router.get("/", use: page(mapPage))
        router.get("reports/new", use: page { request, _, visitor in
            _ = try reportingResident(visitor)
            return reportForm(request, visitor, values: ReportFormValues(request))
        })
        router.post("reports/new", use: form(limit: Self.maximumForm, submitReport))
        router.get("reports/:id", use: page(reportPage))
        router.get("web/districts.geojson", use: page { _, _, _ in districtOutlines })
        registerDistricts(on: router)
        registerPlans(on: router)
    }

    // MARK: The map

    func mapPage(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let service = request.query("service_code"), status = request.query("status")
        let from = request.query("from").flatMap(day), until = request.query("to").flatMap(day)
        var query = ReportQuery(limit: 20)
        if let service { query.serviceCodes = [service] }
        if let status, let s = ReportStatus(rawValue: status) { query.statuses = [s] }
        query.requestedFrom = from
        query.requestedUntil = until.map { $0.addingTimeInterval(86_400) }
        let recent = try await backend.store.reports(query)
        let layers = ["reports", "clusters", "heatmap", "districts", "district-density", "plans"]
        let box = backend.districts.reduce(BoundingBox?.none) { acc, d in
            let b = d.geometry.boundingBox
            guard let acc else { return b }
            return BoundingBox(minX: min(acc.minX, b.minX), minY: min(acc.minY, b.minY), maxX: max(acc.maxX, b.maxX), maxY: max(acc.maxY, b.maxY))
        }
        let ctx: [String: Any] = [
            "services": serviceOptions(visitor, selected: service),
            "statuses": statusOptions(visitor, selected: status),
            "from": request.query("from") ?? "", "to": request.query("to") ?? "",
            "layers": layers.map { ["name": $0, "label": pages.text("layer_\($0)", visitor), "checked": $0 == "clusters" || $0 == "districts"] },
            "bounds": box.map { "\($0.minX),\($0.minY),\($0.maxX),\($0.maxY)" } ?? "",
            "base_layer": backend.settings.baseLayerURL ?? "", "base_attribution": backend.settings.baseLayerAttribution ?? "",
            "recent": recent.map { reportRow($0, visitor) }, "has_recent": !recent.isEmpty,
            "names": popupNames(visitor),
        ]
        return pages.page("map", title: pages.text("map_title", visitor), ctx, visitor: visitor, request: request, scripts: ["map.js"], leaflet: true)
    }

    /// Service and status names in the visitor's language for the map's popup, as JSON (read by
    /// map.js from a data- attribute: the CSP allows no inline script).
    func popupNames(_ visitor: Visitor) -> String {
        var names: [String: String] = [:]
        for s in backend.intake.catalogue { names[s.code] = s.name.text(visitor.language.rawValue) }
        for s in ReportStatus.allCases { names["status_\(s.rawValue)"] = pages.text("status_\(s.rawValue)", visitor) }
        let data = (try? JSONSerialization.data(withJSONObject: names, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The districts' outlines for the map's hover and links (a few dozen polygons).
    var districtOutlines: Response {
        struct Feature: Encodable { let type = "Feature"; var properties: [String: String]; var geometry: Geometry }
        struct Collection: Encodable { let type = "FeatureCollection"; var features: [Feature] }
        let data = GeoJSON.encode(Collection(features: backend.districts.map { Feature(properties: ["code": $0.code, "name": $0.name], geometry: $0.geometry) }))
        return Response(status: .ok, headers: [.contentType: "application/geo+json", .cacheControl: "public, max-age=300"],
                        body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    // MARK: The report form

    func reportForm(_ request: Request, _ visitor: Visitor, values: ReportFormValues, errors: [String] = [],
                    status: HTTPResponse.Status = .ok) -> Response {
        let service = values.serviceCode.flatMap { backend.intake.services[$0] }
        var ctx: [String: Any] = [
            "services": serviceOptions(visitor, selected: values.serviceCode),
            "districts": backend.districts.sorted { $0.name < $1.name }.map { ["code": $0.code, "name": $0.name, "selected": $0.code == values.district] },
            "f_lat": values.lat, "f_long": values.long, "f_address": values.address, "f_description": values.description, "f_email": values.email,
            "errors": errors, "has_errors": !errors.isEmpty,
        ]
        if let service {
            ctx["service"] = ["code": service.code, "name": service.name.text(visitor.language.rawValue),
                              "about": service.description.text(visitor.language.rawValue)]
            let attributes = service.attributes.filter(\.variable).sorted { $0.order < $1.order }.map { attributeField($0, values, visitor) }
            ctx["attributes"] = attributes
            ctx["has_attributes"] = !attributes.isEmpty
        }
        return pages.page("report-form", title: pages.text("report_title", visitor), ctx, visitor: visitor, request: request, status: status,
                          scripts: ["report-form.js"], leaflet: true)
    }

    func attributeField(_ a: ServiceAttribute, _ values: ReportFormValues, _ visitor: Visitor) -> [String: Any] {
        let given = values.attributes[a.code] ?? []
        let lang = visitor.language.rawValue
        var field: [String: Any] = ["code": a.code, "label": a.description.text(lang), "hint": a.datatypeDescription.text(lang),
                                    "required": a.required, "value": given.first ?? "", "id": "attr-\(a.code)"]
        switch a.datatype {
        case .number: field["is_number"] = true; field["min"] = a.minimum.map { "\($0)" } ?? ""; field["max"] = a.maximum.map { "\($0)" } ?? ""
        case .text: field["is_text"] = true
        case .datetime: field["is_datetime"] = true
        case .singlevaluelist: field["is_single"] = true
        case .multivaluelist: field["is_multi"] = true
        default: field["is_string"] = true
        }
        field["values"] = a.values.map { ["key": $0.key, "name": $0.name.text(lang), "checked": given.contains($0.key)] as [String: Any] }
        return field
    }

    /// The form's POST: Open311 field names into `Intake`, the same validation the API applies.
    /// Without coordinates, the chosen district's inner point stands for the place and the
    /// address text says where exactly.
    func submitReport(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        try admit(.report, request, context, form: form)
        let residentId = try reportingResident(visitor)
        let values = ReportFormValues(form)
        var submission = Submission(fields: form.fields)
        var errors: [String] = []
        if submission.lat == nil && submission.long == nil {
            if let code = values.district, let district = backend.districts.first(where: { $0.code == code }),
               let point = try? Self.innerPoint(district.geometry) {
                submission.lat = String(point.y); submission.long = String(point.x)
                if submission.addressString == nil { errors.append(pages.text("error_address_needed", visitor)) }
            } else {
                errors.append(pages.text("error_place_needed", visitor))
            }
        }
        if let bytes = form.file("media") {
            do { submission.photo = try Photo(bytes: bytes) } catch {
                let reason = if case .invalidField(_, let reason) = error { reason } else { error.message }
                errors.append(pages.text("error_photo", visitor) + " " + pages.text(reason, visitor))
            }
        }
        if errors.isEmpty {
            do {
                let receipt = try await backend.intake.submit(submission, source: "web", residentId: residentId)
                var location = "/reports/\(receipt.report.id)?sent=1"
                if let similar = receipt.similarId { location += "&similar=\(similar)" }
                return pages.redirect(location, visitor: visitor)
            } catch {
                errors.append(intakeMessage(error, serviceCode: values.serviceCode, visitor))
            }
        }
        return reportForm(request, visitor, values: values, errors: errors, status: .unprocessableContent)
    }

    /// Intake's refusal in the visitor's language: the pages' own words where they have them (the
    /// question comes from the catalogue in that language), else Intake's message translated.
    func intakeMessage(_ error: IntakeError, serviceCode: String?, _ visitor: Visitor) -> String {
        let lang = visitor.language.rawValue
        let attribute = { (code: String) in
            serviceCode.flatMap { backend.intake.services[$0] }?.attributes.first { $0.code == code }?.description.text(lang) ?? code
        }
        switch error {
        case .missingService, .unknownService: return pages.text("error_service_needed", visitor)
        case .noCoordinates, .addressWithoutCoordinates: return pages.text("error_place_needed", visitor)
        case .outsideServiceArea: return pages.text("error_outside_area", visitor)
        case .missingAttribute(let code, _): return "\(pages.text("error_answer_needed", visitor)) \(attribute(code))"
        case .invalidAttribute(let code, let reason): return "\(attribute(code)): \(pages.text(reason, visitor))"
        default: return pages.text(error.message, visitor)
        }
    }

    /// The signed-in resident a report is made by (their "my reports"), after checking the level
    /// the city requires for reporting, if any (`IdentityOperation.report`: a step-up otherwise).
    func reportingResident(_ visitor: Visitor) throws -> Int64? {
        guard let identity = backend.identity else { return nil }
        try identity.residents.authorize(visitor.resident, for: .report)
        return visitor.resident?.resident.id
    }

    static func innerPoint(_ g: Geometry) throws -> Coordinate {
        let context = GeosContext()
        guard case .point(let c) = try context.geometry(g).pointOnSurface().toGeometry() else { throw WebFailure(.badRequest, .areaWithoutPoint) }
        return c
    }

    // MARK: A report's page

    func reportPage(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let id = try id(context)
        guard let report = try await backend.store.report(id: id) else { throw WebFailure(.notFound, pages.text("error_no_report", visitor)) }
        let history = try await backend.store.updates(reportId: id)
        let d = report.details
        let near = BoundingBox(minX: d.location.x - 0.003, minY: d.location.y - 0.002, maxX: d.location.x + 0.003, maxY: d.location.y + 0.002)
        let similar = try await backend.store.reports(ReportQuery(serviceCodes: [d.serviceCode], statuses: [.open, .acknowledged, .inProgress],
                                                                  bbox: near, limit: 6)).filter { $0.id != id }.prefix(5)
        let district = d.districtCode.flatMap { code in backend.districts.first { $0.code == code } }
        var ctx = reportRow(report, visitor)
        ctx["description"] = d.description
        ctx["address"] = d.address ?? ""
        ctx["photo"] = d.mediaURL ?? ""
        ctx["lat"] = String(d.location.y)
        ctx["lon"] = String(d.location.x)
        ctx["district"] = district.map { ["code": $0.code, "name": $0.name] } as Any
        ctx["status_notes"] = report.statusNotes ?? ""
        ctx["history"] = history.map { u in
            ["status": pages.text("status_\(u.status.rawValue)", visitor), "note": u.note, "at": dateTime(u.at),
             "resolution": u.resolution.map { pages.text("resolution_\($0.rawValue)", visitor) } ?? "", "reopened": u.reopened] as [String: Any]
        }
        ctx["similar"] = similar.map { reportRow($0, visitor) }
        ctx["has_similar"] = !similar.isEmpty
        ctx["sent"] = request.query("sent") != nil
        ctx["similar_notice"] = request.query("similar").flatMap { Int64($0) }.map { ["id": $0] } as Any
        ctx["duplicate_of"] = d.duplicateOf.map { ["id": $0] } as Any
        ctx["feed"] = "/feeds/reports.atom?service=\(d.serviceCode)" + (d.districtCode.map { "&district=\($0)" } ?? "")
        return pages.page("report", title: "\(pages.text("report_heading", visitor)) \(id)", ctx, visitor: visitor, request: request,
                          scripts: ["minimap.js"], leaflet: true)
    }

    // MARK: Shared pieces

    func reportRow(_ r: Report, _ visitor: Visitor) -> [String: Any] {
        let d = r.details
        return ["id": r.id, "service": backend.intake.services[d.serviceCode]?.name.text(visitor.language.rawValue) ?? d.serviceCode,
                "status": pages.text("status_\(d.status.rawValue)", visitor), "status_code": d.status.rawValue,
                "requested": dateTime(d.requestedAt), "address": d.address ?? "",
                "district": d.districtCode.flatMap { c in backend.districts.first { $0.code == c }?.name } ?? ""]
    }

    func serviceOptions(_ visitor: Visitor, selected: String?) -> [[String: Any]] {
        backend.intake.catalogue.map { ["code": $0.code, "name": $0.name.text(visitor.language.rawValue), "selected": $0.code == selected] }
    }

    func statusOptions(_ visitor: Visitor, selected: String?) -> [[String: Any]] {
        ReportStatus.allCases.map { ["code": $0.rawValue, "name": pages.text("status_\($0.rawValue)", visitor), "selected": $0.rawValue == selected] }
    }

    /// "2026-11-21 14:05" in the city's local time: short, and the same in every language.
    func dateTime(_ date: Date) -> String {
        String(backend.time.format(date).prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    func dayText(_ date: Date) -> String { String(dateTime(date).prefix(10)) }

    /// "2015-03-01" → the start of that day in the city's local time.
    func day(_ text: String) -> Date? {
        guard text.count == 10 else { return nil }
        return backend.time.parseDayOrInstant(text)
    }
}
/// What a resident typed into the report form, to show it again when something is wrong.
struct ReportFormValues {
    var serviceCode: String?
    var lat = "", long = "", address = "", description = "", email = ""
    var district: String?
    var attributes: [String: [String]] = [:]

    init(_ request: Request) { serviceCode = request.query("service_code") }

    init(_ form: WebForm) {
        let s = Submission(fields: form.fields)
        serviceCode = s.serviceCode
        lat = form["lat"] ?? ""; long = form["long"] ?? ""; address = form["address_string"] ?? ""
        description = form["description"] ?? ""; email = form["email"] ?? ""
        district = form["district"].flatMap { $0.isEmpty ? nil : $0 }
        attributes = s.attributes
    }
}
