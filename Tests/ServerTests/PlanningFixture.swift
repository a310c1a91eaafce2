import Config
import Foundation
import Hummingbird
import HummingbirdTesting
import Planning
import Server
import Staff
import Store
import TestSupport
import Testing

/// An app over a fresh database with one staff user per role (and a second architect), a
/// minimum consultation of 0 days (so a consultation can open and close within seconds), and
/// a small attachment cap (so the 413 is cheap to reach).
struct PlanningHTTPFixture {
    let store: SpatiaLiteStore
    /// Bearer tokens by username: "sta" (staff), "rasa" (planner), "tomas" and "lina"
    /// (architects), "vadovas" (admin).
    let tokens: [String: String]

    static let settings = PlanningSettings(minConsultationDays: 0, commentMaxDistanceMetres: 300, maxAttachmentBytes: 64 * 1024,
                                           maxCommentAttachmentBytes: 32 * 1024)

    static func run(_ test: @Sendable (any TestClientProtocol, PlanningHTTPFixture) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-plans-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SpatiaLiteStore(path: dir.appendingPathComponent("db.sqlite").path)
        var accounts = StaffAccounts(store: store)
        accounts.cost = 4
        var tokens: [String: String] = [:]
        for (name, role) in [("sta", StaffUser.Role.staff), ("rasa", .planner), ("tomas", .architect), ("lina", .architect), ("vadovas", .admin)] {
            _ = try await accounts.add(username: name, role: role, password: "correct horse battery")
            tokens[name] = try await accounts.signIn(username: name, password: "correct horse battery").token
        }
        let services = try await AppServices.load(store: store, settings: try .demo(tiles: dir) { $0.planning = settings })
        let app = buildApplication(services: services, logger: ServerTests.quietLogger)
        let fixture = PlanningHTTPFixture(store: store, tokens: tokens)
        try await app.test(.router) { client in try await test(client, fixture) }
    }

    /// A request as `user` (nil: a resident without a token).
    func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, as user: String? = nil,
              json: String? = nil, bytes: [UInt8]? = nil, contentType: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let user { headers[.authorization] = "Bearer \(tokens[user]!)" }
        if json != nil { headers[.contentType] = "application/json" }
        if let contentType { headers[.contentType] = contentType }
        let body = bytes.map { ByteBuffer(bytes: $0) } ?? json.map { ByteBuffer(string: $0) }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { $0 }
    }

    static func object(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any], "\(String(buffer: r.body))")
    }

    static func iso(_ d: Date) -> String { ISOTime.format(d) }

    static let area = #"{"type": "Polygon", "coordinates": [[[23.93, 54.90], [23.94, 54.90], [23.94, 54.91], [23.93, 54.91], [23.93, 54.90]]]}"#

    static func planJSON(start: Date, end: Date, title: String = "Žaliakalnio detalusis planas") -> String {
        #"{"title": "\#(title)", "description": "Gatvių sutvarkymas", "kind": "detailed", "area": \#(area), "architects": ["tomas"], "consultation": {"start": "\#(iso(start))", "end": "\#(iso(end))"}}"#
    }

    static func commentJSON(kind: String = "objection", text: String = "Nekirskite medžių", location: String? = nil) -> String {
        #"{"kind": "\#(kind)", "text": "\#(text)", "name": "Ona", "email": "ona@example.lt"\#(location.map { ", \"location\": \($0)" } ?? "")}"#
    }

    static let pdfBytes = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
}
