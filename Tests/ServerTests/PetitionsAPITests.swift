import Config
import Foundation
import Geo
import Hummingbird
import HummingbirdTesting
@testable import Identity
import Petitions
import RateLimits
import Server
import Staff
import Store
import TestSupport
import Testing

/// E-petitions through `/api/petitions`, on both backends: the lifecycle, every refused move as a
/// 409 with its reason, double signing through two providers, the authorisation matrix,
/// invalidation and recount, district counts as JSON and CSV, and the signing rate limit.
@Suite struct PetitionsAPITests {
    struct Fixture {
        let store: any MiestasStore
        let services: AppServices
        /// Staff bearer tokens: "mod" (moderator), "adm" (admin), "pl" (planner).
        let tokens: [String: String]

        /// A resident's session cookie: signed in through `provider` ("a" or "b") at `level`.
        /// `keptEmail`: the resident agreed to keep it (on /me); `residence`: the provider tells it.
        func resident(_ subject: String, provider: String = "a", code: String?, level: AssuranceLevel = .substantial,
                      keptEmail: String? = nil, language: String? = nil, residence: String? = nil) async throws -> String {
            let identity = try #require(services.identity)
            let signIn = VerifiedSignIn(provider: provider, issuer: "https://\(provider).example",
                                        claims: VerifiedClaims(subject: subject, level: level, acr: nil, personalCode: code, name: nil,
                                                               email: keptEmail, residence: residence),
                                        idToken: "t", purpose: .resident, requestedLevel: level, next: "/")
            let (cookie, session) = try await identity.residents.startSession(signIn)
            if keptEmail != nil || language != nil {
                _ = try await store.updateResidentContact(id: session.resident.id, ResidentContact(name: nil, email: keptEmail,
                                                          notifyStatusChanges: false, language: language), at: Date())
            }
            return cookie
        }

        func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, cookie: String? = nil, token: String? = nil,
                  json: String? = nil) async throws -> TestResponse {
            var headers: HTTPFields = [:]
            if let cookie { headers[.cookie] = "miestas_resident=\(cookie)" }
            if let token { headers[.authorization] = "Bearer \(tokens[token]!)" }
            if json != nil { headers[.contentType] = "application/json" }
            return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { $0 }
        }
    }

    static func run(_ backend: StoreBackend, _ change: @escaping (inout Settings) -> Void = { _ in },
                    _ test: @Sendable (any TestClientProtocol, Fixture) async throws -> Void) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let dir = db.folder
        _ = try await db.store.importDistricts([
            NewDistrict(code: "D1", name: "Senamiestis", geometry: .multiPolygon([Polygon(shell: [
                Coordinate(25.0, 54.0), Coordinate(25.5, 54.0), Coordinate(25.5, 54.5), Coordinate(25.0, 54.5), Coordinate(25.0, 54.0)])]),
                        areaSquareMetres: 1),
            NewDistrict(code: "D2", name: "Žirmūnai", geometry: .multiPolygon([Polygon(shell: [
                Coordinate(25.5, 54.0), Coordinate(26.0, 54.0), Coordinate(26.0, 54.5), Coordinate(25.5, 54.5), Coordinate(25.5, 54.0)])]),
                        areaSquareMetres: 1),
        ], source: "test", replacing: true)
        var accounts = StaffAccounts(store: db.store)
        accounts.cost = 4
        var tokens: [String: String] = [:]
        for (name, role) in [("mod", StaffUser.Role.moderator), ("adm", .admin), ("pl", .planner)] {
            _ = try await accounts.add(username: name, role: role, password: "correct horse battery")
            tokens[name] = try await accounts.signIn(username: name, password: "correct horse battery").token
        }
        let settings = try Settings.demo(tiles: dir) { s in
            s.identityConfig = IdentitySettings(
                providers: [ProviderSettings(id: "a", issuer: "https://a.example", clientID: "c", clientSecret: "s"),
                            ProviderSettings(id: "b", issuer: "https://b.example", clientID: "c", clientSecret: "s")],
                redirectURI: "http://127.0.0.1:18601/signin/callback", personalCodeSecret: "a secret of the city")
            s.petitions.sponsorsNeeded = 2
            s.petitions.thresholds = PetitionThresholds(response: 2, council: 3)
            change(&s)
        }
        let services = try await AppServices.load(store: db.store, settings: settings)
        let staffTokens = tokens
        let app = buildApplication(services: services, logger: ServerTests.quietLogger)
        try await app.test(.router) { client in try await test(client, Fixture(store: db.store, services: services, tokens: staffTokens)) }
    }

    static func object(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any], "\(String(buffer: r.body))")
    }

    /// The body as a JSON object, empty when it is not one (the checks that use it then fail).
    static func obj(_ r: TestResponse) -> [String: Any] {
        ((try? JSONSerialization.jsonObject(with: Data(buffer: r.body))) as? [String: Any]) ?? [:]
    }

    static func detail(_ r: TestResponse) -> String { ((try? object(r))?["detail"] as? String) ?? String(buffer: r.body) }

    static let petitionJSON = #"{"title": "Daugiau suolų", "change": "Pastatyti suolus", "reason": "Senjorams reikia poilsio", "act": "Sprendimas Nr. 1-23", "district": "D1"}"#

    @Test(arguments: TestStores.backends)
    func theWholeLifecycleThroughTheAPIWithEveryRefusal(_ backend: StoreBackend) async throws {
        try await Self.run(backend) { client, f in
            let author = try await f.resident("author", code: "38001010001")
            let s1 = try await f.resident("s1", code: "38001010002"), s2 = try await f.resident("s2", code: "38001010003")
            let signer = try await f.resident("signer", code: "48001010004")
            let twin = try await f.resident("signer-elsewhere", provider: "b", code: "48001010004")
            let weak = try await f.resident("weak", code: "38001010005", level: .low)

            // Writing needs a resident at the configured level.
            var r = try await f.call(client, .post, "/api/petitions", json: Self.petitionJSON)
            #expect(r.status == .unauthorized)
            r = try await f.call(client, .post, "/api/petitions", cookie: weak, json: Self.petitionJSON)
            #expect(r.status == .unauthorized && Self.obj(r)["required_level"] as? String == "substantial")
            r = try await f.call(client, .post, "/api/petitions", token: "mod", json: Self.petitionJSON)
            #expect(r.status == .forbidden, "staff do not write petitions")
            r = try await f.call(client, .post, "/api/petitions", cookie: author, json: #"{"title": ""}"#)
            #expect(r.status == .badRequest)
            let long = Self.petitionJSON.replacingOccurrences(of: "Daugiau suolų", with: String(repeating: "x", count: 201))
            r = try await f.call(client, .post, "/api/petitions", cookie: author, json: long)
            #expect(r.status == .badRequest && Self.detail(r).contains("at most 200"))
            r = try await f.call(client, .post, "/api/petitions", cookie: author, json: Self.petitionJSON)
            #expect(r.status == .created)
            let id = try #require(try Self.object(r)["id"] as? Int)
            #expect(try Self.object(r)["state"] as? String == "draft")

            // A draft is its author's (and moderators').
            #expect(try await f.call(client, .get, "/api/petitions/\(id)").status == .notFound)
            #expect(try await f.call(client, .get, "/api/petitions/\(id)", cookie: s1).status == .notFound)
            #expect(try await f.call(client, .get, "/api/petitions/\(id)", token: "mod").status == .ok)
            #expect(try await f.call(client, .put, "/api/petitions/\(id)", cookie: s1, json: Self.petitionJSON).status == .notFound)
            r = try await f.call(client, .put, "/api/petitions/\(id)", cookie: author, json: Self.petitionJSON.replacingOccurrences(of: "suolų", with: "suolelių"))
            #expect(r.status == .ok && Self.obj(r)["title"] as? String == "Daugiau suolelių")

            // Sponsors, then moderation.
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/sponsors", cookie: s1).status == .conflict, "a draft takes no sponsors")
            r = try await f.call(client, .post, "/api/petitions/\(id)/submit", cookie: author)
            #expect(try Self.object(r)["state"] as? String == "collecting_sponsors")
            r = try await f.call(client, .post, "/api/petitions/\(id)/submit", cookie: author)
            #expect(r.status == .conflict && Self.detail(r).contains("0 of the 2 sponsors"))
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/sponsors", cookie: author).status == .conflict)
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/sponsors", cookie: s1).status == .created)
            r = try await f.call(client, .post, "/api/petitions/\(id)/sponsors", cookie: s1)
            #expect(r.status == .conflict && Self.detail(r).contains("sponsored this petition already"))
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/sponsors", cookie: s2).status == .created)
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/submit", cookie: s1).status == .forbidden)
            r = try await f.call(client, .post, "/api/petitions/\(id)/submit", cookie: author)
            #expect(try Self.object(r)["state"] as? String == "awaiting_moderation")

            // Moderation: moderators and admins only.
            let approve = #"{"action": "approve"}"#
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/moderation", json: approve).status == .unauthorized)
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/moderation", cookie: author, json: approve).status == .unauthorized)
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "pl", json: approve).status == .forbidden)
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "mod", json: #"{"action": "x"}"#).status == .badRequest)
            r = try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "mod", json: approve)
            #expect(r.status == .ok && Self.obj(r)["state"] as? String == "open")
            r = try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "adm", json: approve)
            #expect(r.status == .conflict && Self.detail(r).contains("open cannot be approved"))
            #expect(try await f.call(client, .put, "/api/petitions/\(id)", cookie: author, json: Self.petitionJSON).status == .conflict)

            // Signing: one per person, whichever provider they come through.
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/signatures", json: "{}").status == .unauthorized)
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: weak, json: "{}").status == .unauthorized)
            r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: signer,
                                 json: #"{"public_name": "Ona", "location": {"longitude": 25.2, "latitude": 54.2}}"#)
            #expect(r.status == .created && Self.obj(r)["district"] as? String == "D1")
            r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: twin, json: "{}")
            #expect(r.status == .conflict && Self.detail(r).contains("signed this petition already"))
            r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: s1,
                                 json: #"{"location": {"longitude": 10, "latitude": 10}}"#)
            #expect(r.status == .badRequest, "an address outside every district")
            r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: s1, json: #"{"location": {"longitude": 25.7, "latitude": 54.2}}"#)
            #expect(r.status == .created && Self.obj(r)["signature_count"] as? Int == 2)
            r = try await f.call(client, .get, "/api/petitions/\(id)", cookie: twin)
            var o = try Self.object(r)
            #expect(o["signature_count"] as? Int == 2 && o["response_threshold_reached"] as? Bool == true && o["council_threshold_reached"] as? Bool == false)
            #expect((o["my_signature"] as? [String: Any])?["public_name"] as? String == "Ona")
            r = try await f.call(client, .get, "/api/petitions/\(id)/districts")
            o = try Self.object(r)
            let rows = try #require(o["districts"] as? [[String: Any]])
            #expect(rows.map { $0["code"] as? String } == ["D1", "D2"] && rows.map { $0["signatures"] as? Int } == [1, 1])
            r = try await f.call(client, .get, "/api/petitions/\(id)/districts.csv")
            #expect(r.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(String(buffer: r.body).contains("D2,Žirmūnai,1,,\r\n"), "no population configured: no per-1,000 figure")

            // Withdrawing a signature, and the moderator's velocity view and invalidation.
            #expect(try await f.call(client, .delete, "/api/petitions/\(id)/signatures/mine", cookie: twin).status == .noContent)
            #expect(try await f.call(client, .delete, "/api/petitions/\(id)/signatures/mine", cookie: twin).status == .conflict)
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: twin, json: "{}").status == .created)
            #expect(try await f.call(client, .get, "/api/petitions/\(id)/velocity", cookie: author).status == .unauthorized)
            r = try await f.call(client, .get, "/api/petitions/\(id)/velocity", token: "mod")
            let hours = try #require(try Self.object(r)["hours"] as? [[String: Any]])
            #expect(hours.compactMap { $0["valid"] as? Int }.reduce(0, +) == 2)
            let window = #"{"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z", "district": "D2", "reason": "one network"}"#
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/invalidations", token: "pl", json: window).status == .forbidden)
            r = try await f.call(client, .post, "/api/petitions/\(id)/invalidations", token: "mod", json: window)
            #expect(r.status == .ok && Self.obj(r)["invalidated"] as? Int == 1 && Self.obj(r)["signature_count"] as? Int == 1)
            o = try Self.object(try await f.call(client, .get, "/api/petitions/\(id)/districts"))
            #expect(o["total"] as? Int == 1 && o["invalidated"] as? Int == 1 && o["without_district"] as? Int == 1)

            // The answer, once the threshold is reached (it is not any more after the invalidation).
            let answer = #"{"text": "Suolai bus pastatyti", "decision": "accepted", "date": "2027-03-01"}"#
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/answer", cookie: author, json: answer).status == .unauthorized)
            r = try await f.call(client, .post, "/api/petitions/\(id)/answer", token: "adm", json: answer)
            #expect(r.status == .conflict && Self.detail(r).contains("once it has 2 signatures"))
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: s2, json: "{}").status == .created)
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/answer", token: "adm", json: #"{"text": "x", "decision": "maybe", "date": "2027-03-01"}"#).status == .badRequest)
            r = try await f.call(client, .post, "/api/petitions/\(id)/answer", token: "adm", json: answer)
            o = try Self.object(r)
            #expect(r.status == .ok && o["state"] as? String == "answered" && (o["answer"] as? [String: Any])?["decision"] as? String == "accepted")
            r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: weak, json: "{}")
            #expect(r.status == .unauthorized)
            let late = try await f.resident("late", code: "38001010009")
            r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: late, json: "{}")
            #expect(r.status == .conflict && Self.detail(r).contains("answered takes no signatures"))
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/withdraw", cookie: author).status == .conflict)

            // The Atom feed: opened, then answered.
            r = try await f.call(client, .get, "/feeds/petitions.atom")
            let feed = String(buffer: r.body)
            #expect(r.headers[.contentType]?.hasPrefix("application/atom+xml") == true)
            let answeredAt = try #require(feed.range(of: "Answered (accepted): Daugiau suolelių")), openedAt = try #require(feed.range(of: "Open for signatures: Daugiau suolelių"))
            #expect(answeredAt.lowerBound < openedAt.lowerBound, "newest first")

            // Lists: the public sees it; filters work.
            o = try Self.object(try await f.call(client, .get, "/api/petitions?state=answered"))
            #expect((o["petitions"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
            o = try Self.object(try await f.call(client, .get, "/api/petitions?state=draft"))
            #expect(o["count"] as? Int == 0)
            #expect(try await f.call(client, .get, "/api/petitions?state=nonsense").status == .badRequest)
            #expect(try await f.call(client, .get, "/api/petitions?limit=0").status == .badRequest)
        }
    }

    @Test(arguments: TestStores.backends)
    func rejectionIsUndoneAndHidingWithholdsTheText(_ backend: StoreBackend) async throws {
        try await Self.run(backend, { $0.petitions.sponsorsNeeded = 0 }) { client, f in
            let author = try await f.resident("author", code: "38001010001")
            let other = try await f.resident("other", code: "38001010002")
            var r = try await f.call(client, .post, "/api/petitions", cookie: author, json: Self.petitionJSON)
            let id = try #require(try Self.object(r)["id"] as? Int)
            r = try await f.call(client, .post, "/api/petitions/\(id)/submit", cookie: author)
            #expect(try Self.object(r)["state"] as? String == "awaiting_moderation")
            r = try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "mod", json: #"{"action": "reject", "code": "nonsense", "reason": "x"}"#)
            #expect(r.status == .badRequest)
            r = try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "mod", json: #"{"action": "reject", "code": "not_normative_act"}"#)
            #expect(r.status == .badRequest && Self.detail(r).contains("reason"))
            r = try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "mod",
                                 json: #"{"action": "reject", "code": "not_normative_act", "reason": "Tai ne teisės aktas"}"#)
            #expect(r.status == .ok)
            var o = try Self.object(try await f.call(client, .get, "/api/petitions/\(id)"))
            #expect(o["state"] as? String == "rejected" && (o["rejection"] as? [String: Any])?["code"] as? String == "not_normative_act")
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/withdraw", cookie: author).status == .conflict)
            r = try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "adm", json: #"{"action": "unreject"}"#)
            #expect(try Self.object(r)["state"] as? String == "awaiting_moderation")
            r = try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "mod", json: #"{"action": "unreject"}"#)
            #expect(r.status == .conflict)
            _ = try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "mod", json: #"{"action": "approve"}"#)
            r = try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "mod", json: #"{"action": "hide", "reason": "Neteisėtas turinys"}"#)
            #expect(r.status == .ok)
            o = try Self.object(try await f.call(client, .get, "/api/petitions/\(id)", cookie: other))
            #expect(o["state"] as? String == "hidden" && o["hidden_reason"] as? String == "Neteisėtas turinys" && o["title"] == nil && o["change"] == nil)
            o = try Self.object(try await f.call(client, .get, "/api/petitions/\(id)", cookie: author))
            #expect(o["title"] as? String == "Daugiau suolų", "the author still sees their text")
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: other, json: "{}").status == .conflict)
            // The author withdraws another petition; no one else may.
            r = try await f.call(client, .post, "/api/petitions", cookie: author, json: Self.petitionJSON)
            let second = try #require(try Self.object(r)["id"] as? Int)
            #expect(try await f.call(client, .post, "/api/petitions/\(second)/withdraw", cookie: other).status == .notFound)
            #expect(try await f.call(client, .post, "/api/petitions/\(second)/withdraw", token: "mod").status == .forbidden)
            r = try await f.call(client, .post, "/api/petitions/\(second)/withdraw", cookie: author)
            #expect(try Self.object(r)["state"] as? String == "withdrawn")
            o = try Self.object(try await f.call(client, .get, "/api/petitions?mine=true", cookie: author))
            #expect(o["count"] as? Int == 2)
        }
    }

    @Test func signingIsLimitedPerAddressWithRetryAfter() async throws {
        try await Self.run(.spatiaLite, { $0.petitions.sponsorsNeeded = 0; $0.limits.signaturesPerAddress = Rate(count: 2, period: 3600) }) { client, f in
            let author = try await f.resident("author", code: "38001010001")
            var r = try await f.call(client, .post, "/api/petitions", cookie: author, json: Self.petitionJSON)
            let id = try #require(try Self.object(r)["id"] as? Int)
            _ = try await f.call(client, .post, "/api/petitions/\(id)/submit", cookie: author)
            _ = try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "mod", json: #"{"action": "approve"}"#)
            for i in 0..<2 {
                let s = try await f.resident("s\(i)", code: "3900101000\(i)")
                #expect(try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: s, json: "{}").status == .created)
            }
            let third = try await f.resident("s3", code: "39001010003")
            r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: third, json: "{}")
            #expect(r.status == .tooManyRequests && Int(r.headers[.retryAfter] ?? "") ?? 0 > 0)
            let o = try Self.object(try await f.call(client, .get, "/api/petitions/\(id)"))
            #expect(o["signature_count"] as? Int == 2, "the refused signature was not stored")
        }
    }

    @Test func sponsoringAndSigningAreLimitedPerNetworkToo() async throws {
        try await Self.run(.spatiaLite, { $0.limits.signaturesPerNetwork = Rate(count: 1, period: 3600) }) { client, f in
            let author = try await f.resident("author", code: "38001010001")
            var r = try await f.call(client, .post, "/api/petitions", cookie: author, json: Self.petitionJSON)
            let id = try #require(try Self.object(r)["id"] as? Int)
            _ = try await f.call(client, .post, "/api/petitions/\(id)/submit", cookie: author)
            let s1 = try await f.resident("s1", code: "38001010002"), s2 = try await f.resident("s2", code: "38001010003")
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/sponsors", cookie: s1).status == .created)
            r = try await f.call(client, .post, "/api/petitions/\(id)/sponsors", cookie: s2)
            #expect(r.status == .tooManyRequests && Self.detail(r).contains("from this network") && r.headers[.retryAfter] != nil)
            #expect(Self.obj(try await f.call(client, .get, "/api/petitions/\(id)", cookie: author))["sponsors"] as? Int == 1)
        }
    }

    @Test func networksAreTheSlash24OrSlash48() {
        #expect(ClientLimits.network(of: "192.0.2.77") == "192.0.2.0/24")
        #expect(ClientLimits.network(of: "2001:db8:1:2::5") == "2001:db8:1::/48")
    }
}
