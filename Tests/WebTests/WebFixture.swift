import Districts
import Config
import Foundation
import RateLimits
import Hummingbird
import HummingbirdTesting
import Identity
import Logging
import Planning
import Reports
import Server
import Staff
import Store
import TestSupport
import Testing

/// The whole server over a fresh database (demo districts, the shipped catalogue, one staff
/// user per role), driven like a browser: cookies kept between requests, CSRF tokens read
/// from the pages.
struct WebFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let password = "correct horse battery"

    let store: SpatiaLiteStore

    /// `limits`: the per-client limits (none unless a test is about them); `identity`: residents'
    /// sign-in through providers; `live`: over a real HTTP socket.
    static func run(limits: RateLimitSettings = .none, identity: IdentitySettings? = nil, live: Bool = false,
                    _ test: @Sendable (any TestClientProtocol, WebFixture) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-web-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SpatiaLiteStore(path: dir.appendingPathComponent("db.sqlite").path)
        _ = try await DistrictImporter(store: store).importFile(repository.appendingPathComponent("Data/demo/kaunas-seniunijos.geojson").path)
        try await store.replaceServices(try ServiceCatalogue.load(path: repository.appendingPathComponent("Data/services.json").path))
        var accounts = StaffAccounts(store: store)
        accounts.cost = 4
        for (name, role) in [("sta", StaffUser.Role.staff), ("rasa", .planner), ("tomas", .architect)] {
            _ = try await accounts.add(username: name, role: role, password: password)
        }
        var logger = Logger(label: "miestas-web-tests")
        logger.logLevel = .warning
        let services = try await AppServices.load(store: store, settings: try .demo(tiles: dir) {
            $0.planning.minConsultationDays = 0; $0.limits = limits; $0.identity = identity
        })
        let app = buildApplication(services: services, logger: logger)
        try await app.test(live ? .live : .router) { client in try await test(client, WebFixture(store: store)) }
    }
}

/// A browser's memory: its cookies.
final class Browser: @unchecked Sendable {
    var cookies: [String: String] = [:]
    var headers: HTTPFields = [:]

    init(language: String? = nil) { if let language { headers[.acceptLanguage] = language } }

    func request(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, body: ByteBuffer? = nil,
                 contentType: String? = nil) async throws -> TestResponse {
        var h = headers
        if !cookies.isEmpty { h[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        if let contentType { h[.contentType] = contentType }
        let response = try await client.execute(uri: uri, method: method, headers: h, body: body) { $0 }
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) } else if pair.count == 1 { cookies[String(pair[0])] = nil }
            if field.value.contains("Max-Age=0") { cookies[String(pair[0])] = nil }
        }
        return response
    }

    func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await request(client, .get, uri)
    }

    /// A url-encoded POST of `fields`.
    func post(_ client: any TestClientProtocol, _ uri: String, _ fields: [(String, String)]) async throws -> TestResponse {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        return try await request(client, .post, uri, body: ByteBuffer(string: body), contentType: "application/x-www-form-urlencoded")
    }

    /// A multipart/form-data POST of `fields` and `files` (name, file name, bytes), as a browser
    /// sends a form with `enctype="multipart/form-data"`.
    func postMultipart(_ client: any TestClientProtocol, _ uri: String, _ fields: [(String, String)],
                       files: [(name: String, filename: String, bytes: [UInt8])]) async throws -> TestResponse {
        let boundary = "miestas-test-\(UUID().uuidString)"
        let body = Multipart.body(fields, files: files.map { ($0.name, $0.filename, "application/octet-stream", $0.bytes) }, boundary: boundary)
        return try await request(client, .post, uri, body: ByteBuffer(bytes: body), contentType: "multipart/form-data; boundary=\(boundary)")
    }

    /// The CSRF token of the page at `uri` (fetching it also sets the seed cookie).
    func token(_ client: any TestClientProtocol, _ uri: String) async throws -> String {
        let page = String(buffer: try await get(client, uri).body)
        return try #require(WebFixture.csrf(in: page), "no csrf field on \(uri)")
    }

    /// A plan made through the planner's form (signed in as one), its consultation open from a
    /// minute ago for 14 days, still a draft: its staff page's path and its id.
    func createPlan(_ client: any TestClientProtocol, title: String, moderation: String) async throws -> (path: String, id: Int64) {
        let csrf = try await token(client, "/staff/plans/new")
        let now = Date()
        let area = #"{"type":"Polygon","coordinates":[[[23.90,54.89],[23.93,54.89],[23.93,54.91],[23.90,54.91],[23.90,54.89]]]}"#
        let created = try await post(client, "/staff/plans/new", [
            ("csrf", csrf), ("title", title), ("kind", "detailed"), ("architects", "tomas"), ("moderation", moderation), ("area", area),
            ("start", ISOTime.format(now.addingTimeInterval(-60))), ("end", ISOTime.format(now.addingTimeInterval(14 * 86_400))),
        ])
        #expect(created.status == .seeOther, "\(String(buffer: created.body))")
        let path = try #require(created.headers[.location])
        return (path, try #require(Int64(path.split(separator: "/").last ?? "")))
    }

    /// A plan made as `createPlan` makes it, with a first version published and its consultation
    /// opened (by the signed-in planner).
    func openConsultation(_ client: any TestClientProtocol, title: String, moderation: String) async throws -> (path: String, id: Int64) {
        let plan = try await createPlan(client, title: title, moderation: moderation)
        let csrf = try await token(client, plan.path)
        #expect(try await post(client, "\(plan.path)/versions", [("csrf", csrf), ("note", "v1")]).status == .seeOther)
        #expect(try await post(client, "\(plan.path)/transition", [("csrf", csrf), ("to", "consultation")]).status == .seeOther)
        return plan
    }

    func signIn(_ client: any TestClientProtocol, _ username: String) async throws {
        let csrf = try await token(client, "/staff/login")
        let response = try await post(client, "/staff/login", [("csrf", csrf), ("username", username), ("password", WebFixture.password), ("next", "/staff")])
        #expect(response.status == .seeOther, "sign-in of \(username): \(String(buffer: response.body))")
    }
}

extension WebFixture {
    static func csrf(in page: String) -> String? {
        guard let range = page.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression) else { return nil }
        return String(page[range].dropFirst(19).dropLast())
    }
}
