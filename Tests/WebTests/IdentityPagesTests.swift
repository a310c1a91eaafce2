import Crypto
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Identity
import Store
import TestSupport
import Testing
@testable import Web

/// Residents (and staff) signing in through real providers on loopback, driven like a browser
/// through Miestas's own HTTP endpoints: the pages, the callback, the session cookie, step-up,
/// /me, my reports, sign-out, and every refusal as an error page that leaves no session.
@Suite(.serialized) struct IdentityPagesTests {
    static let mock = Result { try LocalOIDCProvider(.mock) }
    static let forging = Result { try LocalOIDCProvider(.forging) }
    static let redirect = "http://127.0.0.1:18391/signin/callback"
    static let secret = "a-test-secret-for-personal-codes-0123456789"
    static let levels: [String: AssuranceLevel] = ["low": .low, "substantial": .substantial, "high": .high]

    static func settings(required: [IdentityOperation: AssuranceLevel] = [:], staff: [StaffMapping] = [],
                         extra: [ProviderSettings] = []) throws -> IdentitySettings {
        let mock = try Self.mock.get(), forging = try Self.forging.get()
        return IdentitySettings(providers: [
            ProviderSettings(id: "mock", name: "Mock ID", issuer: mock.issuer, clientID: "miestas", clientSecret: "s3cret",
                             personalCodeClaim: "pid", acrLevels: levels, timeout: 5),
            ProviderSettings(id: "forge", name: "Forge", issuer: forging.issuer, clientID: "miestas", clientSecret: "client-secret",
                             personalCodeClaim: "pid", acrLevels: levels, timeout: 5),
        ] + extra, redirectURI: redirect, personalCodeSecret: secret, staff: staff, requiredLevels: required)
    }

    /// Signs in through the pages: the button (POST /signin), the provider, then the callback on
    /// Miestas; answers the callback's response.
    func signIn(_ client: any TestClientProtocol, _ browser: Browser, provider: String = "mock", as sub: String, level: String = "low",
                next: String = "/me", purpose: String = "resident") async throws -> TestResponse {
        let csrf = try await browser.token(client, purpose == "staff" ? "/staff/login" : "/signin")
        let start = try await browser.post(client, "/signin", [("csrf", csrf), ("provider", provider), ("level", level), ("next", next),
                                                                ("purpose", purpose)])
        #expect(start.status == .seeOther, "POST /signin: \(start.status) \(String(buffer: start.body).prefix(500))")
        let url = try #require(start.headers[.location])
        let back = try await (provider == "mock" ? Self.mock.get() : Self.forging.get()).authorize(url, as: sub)
        #expect(back.hasPrefix(Self.redirect + "?"))
        return try await browser.get(client, String(back.dropFirst("http://127.0.0.1:18391".count)))
    }

    func count(_ store: SpatiaLiteStore, _ sql: String) throws -> Int {
        try DatabaseQueue(path: store.path).read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    func row(_ store: SpatiaLiteStore, _ sql: String) throws -> Row? {
        try DatabaseQueue(path: store.path).read { db in try Row.fetchOne(db, sql: sql) }
    }

    func strings(_ store: SpatiaLiteStore, _ sql: String) throws -> [String] {
        try DatabaseQueue(path: store.path).read { db in try String.fetchAll(db, sql: sql) }
    }

    func text(_ r: TestResponse) -> String { String(buffer: r.body) }

    @Test func aResidentSignsInSeesWhatIsKeptAndSignsOut() async throws {
        let mock = try Self.mock.get()
        try await mock.setUser("ona-web", claims: ["acr": "low", "pid": "39001010000", "name": "Ona Onaitė", "email": "ona@example.lt"])
        try await WebFixture.run(identity: try Self.settings(), live: true) { client, fixture in
            let browser = Browser(language: "en")
            let signInPage = try await browser.get(client, "/signin")
            #expect(signInPage.status == .ok && text(signInPage).contains("Sign in with Mock ID"))
            // The sign-in button's POST is redirected to the provider: the page's CSP lets the form go there.
            let csp = try #require(signInPage.headers[.contentSecurityPolicy])
            #expect(csp.contains("form-action 'self' \(mock.issuer)") && csp.contains("frame-ancestors 'none'"), "\(csp)")
            let callback = try await signIn(client, browser, as: "ona-web")
            #expect(callback.status == .seeOther && callback.headers[.location] == "/me")
            let cookie = try #require(callback.headers[values: .setCookie].first { $0.hasPrefix("miestas_resident=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            let me = try await browser.get(client, "/me")
            #expect(me.status == .ok && me.headers[.cacheControl] == "no-store")
            let page = text(me)
            #expect(page.contains("ona-web") && page.contains("keyed digest") && page.contains("Ona Onaitė"), "offered, not kept")
            // Stored: the digest of the code under the secret, not the code; no name or email yet.
            let digest = HMAC<SHA256>.authenticationCode(for: Data("39001010000".utf8), using: SymmetricKey(data: Data(Self.secret.utf8)))
                .map { String(format: "%02x", $0) }.joined()
            let row = try #require(try self.row(fixture.store, "SELECT * FROM residents WHERE subject = 'ona-web'"))
            #expect(row["personal_code_hmac"] as String? == digest && row["name"] as String? == nil && row["email"] as String? == nil)
            let sealed = try strings(fixture.store, "SELECT sealed FROM resident_sessions UNION ALL SELECT sealed FROM login_transactions")
            #expect(!sealed.isEmpty)
            for text in sealed {
                let bytes = try #require(Data(base64Encoded: text))
                #expect(bytes.range(of: Data("39001010000".utf8)) == nil && !text.contains("39001010000"),
                        "the personal code appears nowhere in the database in clear")
            }
            // The same through the API, with the session cookie; without it, a 401 naming the level.
            let api = try await browser.get(client, "/api/v1/me")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: api.body)) as? [String: Any])
            #expect(api.status == .ok && json["subject"] as? String == "ona-web" && json["personal_code_digest_kept"] as? Bool == true)
            #expect(json["level"] as? String == "low" && json["name"] is NSNull)
            let anonymous = try await Browser().get(client, "/api/v1/me")
            let problem = try #require(try JSONSerialization.jsonObject(with: Data(buffer: anonymous.body)) as? [String: Any])
            #expect(anonymous.status == .unauthorized && problem["required_level"] as? String == "low")
            #expect(problem["sign_in"] as? String == "/signin?level=low&next=%2Fapi%2Fv1%2Fme")
            // Consent: keep name and email, and notices.
            let csrf = try await browser.token(client, "/me")
            let saved = try await browser.post(client, "/me/contact", [("csrf", csrf), ("keep_name", "1"), ("keep_email", "1"), ("notify", "1")])
            #expect(saved.status == .seeOther && saved.headers[.location] == "/me?saved=1")
            let kept = try #require(try await fixture.store.resident(id: row["id"]))
            #expect(kept.name == "Ona Onaitė" && kept.email == "ona@example.lt" && kept.notifyStatusChanges && kept.language == "en")
            // Sign-out: here, then at the provider with the ID token as hint.
            let out = try await browser.post(client, "/signout", [("csrf", try await browser.token(client, "/me"))])
            let location = try #require(out.headers[.location])
            #expect(out.status == .seeOther && location.hasPrefix(mock.issuer + "/oauth2/end_session?id_token_hint=ey"))
            #expect(location.contains("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A18391%2F"))
            #expect(out.headers[values: .setCookie].contains { $0.hasPrefix("miestas_resident=;") && $0.contains("Max-Age=0") })
            #expect(try count(fixture.store, "SELECT count(*) FROM resident_sessions") == 0)
            let after = try await browser.get(client, "/me")
            #expect(after.status == .seeOther && after.headers[.location] == "/signin?level=low&next=%2Fme")
        }
    }

    @Test func stepUpMyReportsAndStatusNotices() async throws {
        let mock = try Self.mock.get()
        try await mock.setUser("vida", claims: ["acr": "low", "pid": "48001010000", "email": "vida@example.lt"])
        try await WebFixture.run(identity: try Self.settings(required: [.report: .substantial]), live: true) { client, fixture in
            let browser = Browser(language: "en")
            #expect(try await signIn(client, browser, as: "vida").headers[.location] == "/me")
            // Reporting needs substantial here: the low session is sent to sign in again.
            let form = try await browser.get(client, "/reports/new")
            #expect(form.status == .seeOther && form.headers[.location] == "/signin?level=substantial&next=%2Freports%2Fnew")
            let stepUp = try await browser.get(client, "/signin?level=substantial&next=%2Freports%2Fnew")
            #expect(text(stepUp).contains("stronger sign-in") && text(stepUp).contains("value=\"substantial\""))
            // The provider confirms only low: refused, and the low session stays as it was.
            let tooLow = try await signIn(client, browser, as: "vida", level: "substantial", next: "/reports/new")
            #expect(tooLow.status == .forbidden && text(tooLow).contains("the provider confirmed only low"))
            #expect(!tooLow.headers[values: .setCookie].contains { $0.hasPrefix("miestas_resident=") })
            #expect(try await browser.get(client, "/reports/new").status == .seeOther)
            let asked = try #require(try await mock.recorded().last { $0["path"] as? String == "/oauth2/authorize" }?["query"] as? [String: String])
            #expect(asked["acr_values"] == "substantial" && asked["redirect_uri"] == Self.redirect)
            // At substantial: back to the form.
            try await mock.setUser("vida", claims: ["acr": "substantial", "pid": "48001010000", "email": "vida@example.lt"])
            let up = try await signIn(client, browser, as: "vida", level: "substantial", next: "/reports/new")
            #expect(up.status == .seeOther && up.headers[.location] == "/reports/new")
            #expect(try count(fixture.store, "SELECT count(*) FROM resident_sessions") == 1, "the new session replaced the old one")
            let csrf = try await browser.token(client, "/reports/new?service_code=other")
            let sent = try await browser.post(client, "/reports/new", [("csrf", csrf), ("service_code", "other"), ("lat", "54.8985"),
                                                                       ("long", "23.9036"), ("description", "Made while signed in")])
            #expect(sent.status == .seeOther)
            let reportId = try #require(Int64(sent.headers[.location]?.split(separator: "/").last?.split(separator: "?").first ?? ""))
            #expect(try await fixture.store.report(id: reportId)?.details.residentId != nil)
            // Notices: keep the email, ask for them; a staff member moves the report.
            let me = try await browser.token(client, "/me")
            _ = try await browser.post(client, "/me/contact", [("csrf", me), ("keep_email", "1"), ("notify", "1")])
            let staff = Browser()
            try await staff.signIn(client, "sta")
            let moved = try await staff.post(client, "/staff/reports/\(reportId)/transition",
                                             [("csrf", try await staff.token(client, "/staff/reports/\(reportId)")), ("status", "in_progress"),
                                              ("note", "A crew is on its way")])
            #expect(moved.status == .seeOther)
            var notices: [OutboxMessage] = []
            for _ in 0..<50 where notices.isEmpty {
                notices = try await fixture.store.outbox(unsentOnly: true)
                if notices.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            let notice = try #require(notices.first)
            #expect(notice.recipient == "vida@example.lt" && notice.subject == "Report #\(reportId) is now: In progress")
            #expect(notice.body.contains("A crew is on its way") && notice.body.contains("/reports/\(reportId)"))
            let mine = text(try await browser.get(client, "/me/reports"))
            #expect(mine.contains("#\(reportId)") && mine.contains("A crew is on its way"))
        }
    }

    @Test func everyRefusalIsAnErrorPageAndNoSession() async throws {
        let forging = try Self.forging.get()
        try await WebFixture.run(identity: try Self.settings(), live: true) { client, fixture in
            let now = Int(Date().timeIntervalSince1970)
            let cases: [(mode: String, level: String, status: HTTPResponse.Status, says: String)] = [
                (#"{"alg": "none"}"#, "low", .forbidden, "algorithm none is not accepted"),
                (#"{"key": "other", "kid": "rsa-1"}"#, "low", .forbidden, "signature does not verify"),
                (#"{"claims": {"aud": "another-client"}}"#, "low", .forbidden, "not meant for this client"),
                (#"{"claims": {"iss": "http://127.0.0.1:9"}}"#, "low", .forbidden, "its issuer is http://127.0.0.1:9"),
                (#"{"claims": {"exp": \#(now - 600), "iat": \#(now - 900)}}"#, "low", .forbidden, "it expired"),
                (#"{"claims": {"nonce": "not-the-one"}}"#, "low", .forbidden, "nonce is not the one"),
                (#"{"claims": {"acr": "low"}}"#, "substantial", .forbidden, "confirmed only low"),
            ]
            for c in cases {
                try await forging.setMode(c.mode)
                let browser = Browser(language: "en")
                let r = try await signIn(client, browser, provider: "forge", as: "x", level: c.level)
                #expect(r.status == c.status && text(r).contains(c.says), "\(c.mode): \(r.status) \(text(r).prefix(2000))")
                #expect(r.headers[.contentSecurityPolicy] != nil)
                #expect(!r.headers[values: .setCookie].contains { $0.hasPrefix("miestas_resident=") }, "\(c.mode)")
            }
            #expect(try count(fixture.store, "SELECT count(*) FROM resident_sessions") == 0)
            #expect(try count(fixture.store, "SELECT count(*) FROM residents") == 0)
            // A forged state, and a replayed callback.
            try await forging.setMode("{}")
            let browser = Browser(language: "en")
            _ = try await browser.get(client, "/signin")
            let forged = try await browser.get(client, "/signin/callback?state=forged&code=abc")
            #expect(forged.status == .badRequest && text(forged).contains("start signing in again"))
            let csrf = try await browser.token(client, "/signin")
            let start = try await browser.post(client, "/signin", [("csrf", csrf), ("provider", "forge"), ("next", "/me")])
            let back = try await forging.authorize(try #require(start.headers[.location]))
            let path = String(back.dropFirst("http://127.0.0.1:18391".count))
            #expect(try await browser.get(client, path).status == .seeOther)
            let replay = Browser(language: "en")
            replay.cookies = browser.cookies.filter { $0.key != "miestas_resident" }
            let again = try await replay.get(client, path)
            #expect(again.status == .badRequest && !again.headers[values: .setCookie].contains { $0.hasPrefix("miestas_resident=") })
            #expect(try count(fixture.store, "SELECT count(*) FROM resident_sessions") == 1)
            // Without the form's token, no sign-in starts.
            #expect(try await Browser().post(client, "/signin", [("provider", "forge")]).status == .forbidden)
        }
    }

    @Test func noOpenRedirectAndOnlyTheConfiguredCallback() async throws {
        let mock = try Self.mock.get()
        try await mock.setUser("rimas", claims: ["acr": "low"])
        try await WebFixture.run(identity: try Self.settings(), live: true) { client, _ in
            for next in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "/signin/callback?x=1", " /me"] {
                let r = try await signIn(client, Browser(), as: "rimas", next: next)
                #expect(r.headers[.location] == "/me", "next=\(next) led to \(r.headers[.location] ?? "nothing")")
            }
            #expect(try await signIn(client, Browser(), as: "rimas", next: "/plans?x=1").headers[.location] == "/plans?x=1")
            for path in ["/signin/callback2?state=a&code=b", "/staff/signin/callback?state=a&code=b", "/callback?state=a&code=b"] {
                #expect(try await Browser().get(client, path).status == .notFound, "\(path)")
            }
        }
    }

    @Test func aProviderDownOrSilentGivesAnErrorPageInTime() async throws {
        let silent = try SilentServer()
        defer { silent.stop() }
        let closed = try LocalSMTPServer.freePort()
        let extra = [ProviderSettings(id: "down", issuer: "http://127.0.0.1:\(closed)", clientID: "c", clientSecret: "s", timeout: 1.5),
                     ProviderSettings(id: "silent", issuer: "http://127.0.0.1:\(silent.port)", clientID: "c", clientSecret: "s", timeout: 1.5)]
        try await WebFixture.run(identity: try Self.settings(extra: extra), live: true) { client, fixture in
            for provider in ["down", "silent"] {
                let browser = Browser(language: "en")
                let csrf = try await browser.token(client, "/signin")
                let started = Date()
                let r = try await browser.post(client, "/signin", [("csrf", csrf), ("provider", provider), ("next", "/me")])
                let waited = Date().timeIntervalSince(started)
                #expect(r.status == .badGateway && text(r).contains("cannot be reached now"), "\(provider): \(r.status)")
                #expect(waited < 4, "\(provider) answered after \(waited) s")
            }
            #expect(try count(fixture.store, "SELECT count(*) FROM login_transactions") == 0, "nothing half-made")
        }
    }

    @Test func aResidentDeletesTheirAccountAndTheirReportsStayAnonymised() async throws {
        let mock = try Self.mock.get()
        try await mock.setUser("jurga", claims: ["acr": "low", "pid": "49001010000", "name": "Jurga", "email": "jurga@example.lt"])
        try await WebFixture.run(identity: try Self.settings(), live: true) { client, fixture in
            let browser = Browser(language: "en")
            _ = try await signIn(client, browser, as: "jurga")
            let csrf = try await browser.token(client, "/reports/new?service_code=other")
            let sent = try await browser.post(client, "/reports/new", [("csrf", csrf), ("service_code", "other"), ("lat", "54.8985"),
                                                                       ("long", "23.9036"), ("description", "Bench broken"), ("email", "jurga@example.lt")])
            let reportId = try #require(Int64(sent.headers[.location]?.split(separator: "/").last?.split(separator: "?").first ?? ""))
            _ = try await browser.post(client, "/me/contact", [("csrf", try await browser.token(client, "/me")), ("keep_name", "1")])
            let unconfirmed = try await browser.post(client, "/me/delete", [("csrf", try await browser.token(client, "/me"))])
            #expect(unconfirmed.status == .badRequest)
            #expect(try count(fixture.store, "SELECT count(*) FROM residents") == 1)
            let deleted = try await browser.post(client, "/me/delete", [("csrf", try await browser.token(client, "/me")), ("confirm", "1")])
            #expect(deleted.status == .ok && text(deleted).contains("Account deleted"))
            #expect(deleted.headers[values: .setCookie].contains { $0.hasPrefix("miestas_resident=;") })
            #expect(try count(fixture.store, "SELECT count(*) FROM residents") == 0)
            #expect(try count(fixture.store, "SELECT count(*) FROM resident_sessions") == 0)
            let report = try #require(try await fixture.store.report(id: reportId))
            #expect(report.details.residentId == nil && report.details.contact.email == nil && report.details.description == "Bench broken")
            #expect(try await Browser().get(client, "/reports/\(reportId)").status == .ok, "the report stays public")
        }
    }

    @Test func staffSignInThroughTheProviderWithTheirConfiguredRole() async throws {
        let staff = [StaffMapping(provider: "mock", subject: "jonas-sub", username: "jonas", role: .planner)]
        try await WebFixture.run(identity: try Self.settings(staff: staff), live: true) { client, fixture in
            let browser = Browser(language: "en")
            #expect(text(try await browser.get(client, "/staff/login")).contains("Sign in with Mock ID"))
            let r = try await signIn(client, browser, as: "jonas-sub", next: "/staff/plans", purpose: "staff")
            #expect(r.status == .seeOther && r.headers[.location] == "/staff/plans")
            #expect(r.headers[values: .setCookie].contains { $0.hasPrefix("miestas_session=st_") })
            let dashboard = try await browser.get(client, "/staff")
            #expect(dashboard.status == .ok && text(dashboard).contains("jonas (planner)"))
            // Someone the configuration does not list.
            let stranger = try await signIn(client, Browser(language: "en"), as: "stranger", next: "/staff", purpose: "staff")
            #expect(stranger.status == .forbidden && text(stranger).contains("not a staff member"))
            #expect(!stranger.headers[values: .setCookie].contains { $0.hasPrefix("miestas_session=") })
            // The provider's staff user has no password to guess.
            let password = Browser()
            let token = try await password.token(client, "/staff/login")
            let guess = try await password.post(client, "/staff/login", [("csrf", token), ("username", "jonas"), ("password", "")])
            #expect(guess.status == .unauthorized)
            #expect(try count(fixture.store, "SELECT count(*) FROM users WHERE username = 'jonas' AND role = 'planner'") == 1)
        }
    }
}
