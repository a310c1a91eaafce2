import Foundation
import Hummingbird
import RateLimits
import Reports
import Store

/// Atom feeds of new reports: `/feeds/reports.atom?district=CODE&service=CODE`, newest first.
struct FeedsController: Sendable {
    let store: any ReportStore
    let services: [String: Service]
    let locale: String
    let time: LocalTime
    /// The feed's title names the municipality.
    let municipality: String
    static let size = 100

    func register(on router: Router<ClientRequestContext>) {
        router.get("feeds/reports.atom") { request, _ in try await feed(request) }
    }

    func feed(_ request: Request) async throws -> Response {
        let district = request.parameter("district"), service = request.parameter("service")
        if let service, services[service] == nil { throw Problem(.notFound, "no service '\(service)'") }
        let reports = try await store.reports(ReportQuery(serviceCodes: service.map { [$0] } ?? [],
                                                          districtCodes: district.map { [$0] } ?? [], limit: Self.size))
        let host = request.head.authority ?? "localhost"
        let base = "http://\(host)"
        let query = [district.map { "district=\($0)" }, service.map { "service=\($0)" }].compactMap { $0 }.joined(separator: "&")
        let selfURL = base + "/feeds/reports.atom" + (query.isEmpty ? "" : "?" + query)
        var title = "\(municipality): reports"
        if let service { title += " — \(services[service]!.name.text(locale))" }
        if let district { title += " — \(district)" }
        let updated = reports.map(\.updatedAt).max() ?? Date(timeIntervalSince1970: 0)

        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" + #"<feed xmlns="http://www.w3.org/2005/Atom">"#
        xml += "<id>\(XML.escape(selfURL))</id><title>\(XML.escape(title))</title><updated>\(stamp(updated))</updated>"
        xml += #"<link rel="self" type="application/atom+xml" href="\#(XML.escape(selfURL))"/>"#
        xml += "<author><name>Miestas</name></author>"
        for r in reports {
            let d = r.details
            let name = services[d.serviceCode]?.name.text(locale) ?? d.serviceCode
            let where_ = d.districtCode.map { " — \($0)" } ?? ""
            xml += "<entry><id>\(base)/api/v1/reports/\(r.id)</id>"
            xml += "<title>\(XML.escape("\(name)\(where_) (\(d.status.rawValue))"))</title>"
            xml += "<published>\(stamp(d.requestedAt))</published><updated>\(stamp(r.updatedAt))</updated>"
            xml += #"<link rel="alternate" href="\#(base)/api/v1/reports/\#(r.id)"/>"#
            xml += #"<category term="\#(XML.escape(d.serviceCode))"/>"#
            let text = [d.description, r.statusNotes.map { "Status: \($0)" }].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
            xml += #"<content type="text">\#(XML.escape(text))</content>"#
            xml += #"<georss:point xmlns:georss="http://www.georss.org/georss">\#(d.location.y) \#(d.location.x)</georss:point>"#
            xml += "</entry>"
        }
        xml += "</feed>\n"
        return Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    func stamp(_ date: Date) -> String { time.format(date) }
}
