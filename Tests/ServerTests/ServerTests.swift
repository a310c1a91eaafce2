import Config
import Districts
import Foundation
import Reports
import Hummingbird
import Logging
import HummingbirdTesting
import Server
import Store
import TestSupport
import Testing

@Suite struct ServerTests {
    /// Request logs at `info` would drown the test output; warnings and errors still show.
    static let quietLogger: Logger = {
        var logger = Logger(label: "miestas-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// An app over a fresh database holding the demo districts and the shipped catalogue.
    static func withApp(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await ServerTests().withApp(test)
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func withApp(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-server-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SpatiaLiteStore(path: dir.appendingPathComponent("db.sqlite").path)
        _ = try await DistrictImporter(store: store).importFile(Self.repository.appendingPathComponent("Data/demo/kaunas-seniunijos.geojson").path)
        try await store.replaceServices(try ServiceCatalogue.load(path: Self.repository.appendingPathComponent("Data/services.json").path))
        let app = buildApplication(services: try await AppServices.load(store: store, settings: try .demo(tiles: dir)), logger: ServerTests.quietLogger)
        try await app.test(.router, test)
    }

    @Test func healthReportsTheDatabase() async throws {
        try await withApp { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["status"] as? String == "ok")
                #expect(body?["districts"] as? Int == 11)
            }
        }
    }

    @Test func locateAnswersFoundNotFoundAndBadRequest() async throws {
        try await withApp { client in
            try await client.execute(uri: "/api/v1/locate?lon=23.93&lat=54.90", method: .get) { response in
                #expect(response.status == .ok)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((body?["code"] as? String)?.isEmpty == false)
            }
            try await client.execute(uri: "/api/v1/locate?lon=25.5&lat=55.5", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            for bad in ["/api/v1/locate?lon=abc&lat=54.9", "/api/v1/locate?lat=54.9", "/api/v1/locate?lon=23.9&lat=95"] {
                try await client.execute(uri: bad, method: .get) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    #expect(String(buffer: response.body).contains("\"detail\""))
                }
            }
        }
    }
}
