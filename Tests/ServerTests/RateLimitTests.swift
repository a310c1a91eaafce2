import Config
import Districts
import Foundation
import Hummingbird
import HummingbirdTesting
import RateLimits
import Reports
import Server
import Store
import TestSupport
import Testing

/// Per-client limits on anonymous writes over a real socket (the peer address is the
/// connection's), with and without a trusted proxy in front.
@Suite struct RateLimitTests {
    struct Fixture {
        let open311: Open311Fixture
        var store: SpatiaLiteStore { open311.store }
    }

    /// A live server whose limits are `change`d from none; `trusted` puts 127.0.0.1 among the proxies.
    static func run(trusted: Bool, _ change: @escaping (inout RateLimitSettings) -> Void,
                    _ test: @Sendable (any TestClientProtocol, Fixture) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-limits-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SpatiaLiteStore(path: dir.appendingPathComponent("db.sqlite").path)
        _ = try await DistrictImporter(store: store).importFile(ServerTests.repository.appendingPathComponent("Data/demo/kaunas-seniunijos.geojson").path)
        try await store.replaceServices(try ServiceCatalogue.load(path: ServerTests.repository.appendingPathComponent("Data/services.json").path))
        let (_, key) = try await store.addAPIKey(name: "tests")
        let settings = try Settings.demo(tiles: dir) { s in
            s.server.port = 0
            s.server.trustedProxies = trusted ? ["127.0.0.1", "::1"] : []
            change(&s.limits)
        }
        let app = buildApplication(services: try await AppServices.load(store: store, settings: settings), logger: ServerTests.quietLogger)
        try await app.test(.live) { client in try await test(client, Fixture(open311: Open311Fixture(store: store, key: key))) }
    }

    static func post(_ client: any TestClientProtocol, _ f: Fixture, from address: String? = nil, key: String? = nil) async throws -> TestResponse {
        var fields = f.open311.pothole()
        if let key { fields[0] = ("api_key", key) }
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let address { headers[.init("X-Forwarded-For")!] = address }
        return try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: f.open311.form(fields)) { $0 }
    }

    @Test func open311PostsAreLimitedPerAddressBehindATrustedProxy() async throws {
        try await Self.run(trusted: true, { $0.reportsPerAddress = Rate(count: 2, period: 3600) }) { client, f in
            for _ in 0..<2 { let r = try await Self.post(client, f, from: "198.51.100.1"); #expect(r.status == .ok) }
            let refused = try await Self.post(client, f, from: "198.51.100.1")
            #expect(refused.status == .tooManyRequests)
            let retry = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect((1700...1800).contains(retry), "one report per 30 minutes: \(retry)")
            // Open311's own error format, with the reason.
            let errors = try jsonArray(refused)
            #expect(errors.first?["code"] as? Int == 429)
            #expect((errors.first?["description"] as? String)?.contains("too many reports from this client") == true)
            // Another resident behind the same proxy is not affected; a forged hop to the left is ignored.
            let other = try await Self.post(client, f, from: "198.51.100.2"), forged = try await Self.post(client, f, from: "203.0.113.7, 198.51.100.1")
            #expect(other.status == .ok && forged.status == .tooManyRequests)
            let stored = try await f.store.reportCount()
            #expect(stored == 3)
            // The refusals are counted.
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"miestas_rate_limited_total{write="report"} 2"#))
        }
    }

    @Test func withoutATrustedProxyForwardedForIsIgnored() async throws {
        try await Self.run(trusted: false, { $0.reportsPerAddress = Rate(count: 2, period: 3600) }) { client, f in
            let first = try await Self.post(client, f, from: "198.51.100.1"), second = try await Self.post(client, f, from: "198.51.100.2")
            // A client inventing addresses is still the one peer it connects from.
            let third = try await Self.post(client, f, from: "198.51.100.3")
            #expect(first.status == .ok && second.status == .ok && third.status == .tooManyRequests)
        }
    }

    @Test func anAPIKeyHasItsOwnLimitAcrossAddresses() async throws {
        try await Self.run(trusted: true, { $0.reportsPerAPIKey = Rate(count: 3, period: 3600) }) { client, f in
            for i in 0..<3 { let r = try await Self.post(client, f, from: "198.51.100.\(i + 1)"); #expect(r.status == .ok) }
            let refused = try await Self.post(client, f, from: "198.51.100.9")
            #expect(refused.status == .tooManyRequests)
            // A long period, so that a slow machine cannot refill a token between the posts.
            #expect(refused.headers[.retryAfter].flatMap { Int($0) }.map { (600...1200).contains($0) } == true, "one per 1,200 s: \(String(describing: refused.headers[.retryAfter]))")
            // An invalid key is a 403 before any limit is counted.
            let badKey = try await Self.post(client, f, from: "198.51.100.9", key: "nonsense")
            #expect(badKey.status == .forbidden)
        }
    }

    @Test func signInsAreLimitedPerAddressWhateverTheUsername() async throws {
        try await Self.run(trusted: true, { $0.signInsPerAddress = Rate(count: 3, period: 600) }) { client, _ in
            func signIn(_ user: String, from address: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/auth/token", method: .post,
                                         headers: [.contentType: "application/json", .init("X-Forwarded-For")!: address],
                                         body: ByteBuffer(string: #"{"username": "\#(user)", "password": "guess"}"#)) { $0 }
            }
            for i in 0..<3 { let r = try await signIn("user\(i)", from: "198.51.100.1"); #expect(r.status == .unauthorized) }
            let refused = try await signIn("user9", from: "198.51.100.1")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.headers[.retryAfter].flatMap { Int($0) }.map { (100...200).contains($0) } == true, "one per 200 s: \(String(describing: refused.headers[.retryAfter]))")
            let elsewhere = try await signIn("user9", from: "198.51.100.2")
            #expect(elsewhere.status == .unauthorized)
        }
    }
}
