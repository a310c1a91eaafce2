import Crypto
import Foundation
import GRDB
@testable import Identity
import Store
import TestSupport
import Testing

/// The relying party against real providers on loopback: the forging provider (every way an ID
/// token can be wrong) and PyPI's oidc-provider-mock (PKCE, client authentication). One provider
/// of each kind for the suite, so its tests run one at a time (the forging provider's mode is
/// global).
@Suite(.serialized) struct RelyingPartyTests {
    static let forging = Result { try LocalOIDCProvider(.forging) }
    static let mock = Result { try LocalOIDCProvider(.mock) }
    static let redirect = "http://127.0.0.1:18390/signin/callback"

    static func provider(_ p: LocalOIDCProvider, id: String = "forge", auth: ClientAuthMethod = .clientSecretBasic, timeout: TimeInterval = 3) -> ProviderSettings {
        ProviderSettings(id: id, name: "Test provider", issuer: p.issuer, clientID: "miestas", clientSecret: "client-secret", authMethod: auth,
                         personalCodeClaim: "pid", acrLevels: ["low": .low, "substantial": .substantial, "high": .high], timeout: timeout)
    }

    struct Harness {
        let rp: RelyingParty
        let store: SpatiaLiteStore
        let provider: LocalOIDCProvider
        let directory: URL

        init(_ provider: LocalOIDCProvider, settings: ProviderSettings? = nil, signInLifetime: TimeInterval = 600) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-identity-\(UUID().uuidString)")
            store = try SpatiaLiteStore(path: directory.appendingPathComponent("db.sqlite").path)
            let identity = IdentitySettings(providers: [settings ?? RelyingPartyTests.provider(provider)], redirectURI: RelyingPartyTests.redirect,
                                            personalCodeSecret: String(repeating: "s", count: 40), signInLifetime: signInLifetime)
            rp = RelyingParty(settings: identity, store: store)
            self.provider = provider
        }

        /// A whole sign-in: begin, the provider's answer, complete, in the same browser.
        func signIn(level: AssuranceLevel = .low, browser: String = "browser-1", as sub: String = "ona") async throws -> VerifiedSignIn {
            let url = try await rp.begin(provider: rp.settings.providers[0].id, level: level, purpose: .resident, next: "/me", browser: browser)
            return try await rp.complete(query: try await callback(url, as: sub), browser: browser)
        }

        func callback(_ url: String, as sub: String = "ona") async throws -> [String: String] {
            Self.query(try await provider.authorize(url, as: sub))
        }

        static func query(_ url: String) -> [String: String] {
            var out: [String: String] = [:]
            for item in URLComponents(string: url)?.queryItems ?? [] { out[item.name] = item.value ?? "" }
            return out
        }

        func pendingSignIns() throws -> Int {
            try DatabaseQueue(path: store.path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM login_transactions") ?? -1 }
        }

        func cleanUp() { try? FileManager.default.removeItem(at: directory) }
    }

    /// Expects the sign-in to be refused with `expected`.
    func refused(_ h: Harness, mode: String, level: AssuranceLevel = .low, _ expected: (IdentityError) -> Bool, _ what: String) async throws {
        try await h.provider.setMode(mode)
        do {
            _ = try await h.signIn(level: level)
            Issue.record("\(what): the sign-in was accepted")
        } catch let error as IdentityError {
            #expect(expected(error), "\(what): \(error)")
        }
    }

    func invalidToken(_ fragment: String) -> (IdentityError) -> Bool {
        { if case .invalidToken(let reason) = $0 { reason.contains(fragment) } else { false } }
    }

    @Test func aValidTokenSignsInWithItsLevelAndPersonalCode() async throws {
        let h = try Harness(try Self.forging.get())
        defer { h.cleanUp() }
        for mode in [#"{}"#, #"{"key": "ec"}"#] {
            try await h.provider.setMode(mode)
            let signIn = try await h.signIn(level: .substantial)
            #expect(signIn.claims.subject == "forged-subject")
            #expect(signIn.claims.level == .substantial)
            #expect(signIn.claims.personalCode == "39001010000")
            #expect(signIn.issuer == h.provider.issuer && signIn.next == "/me")
        }
        // Within the 60 s of skew an expired token still passes; a minute and a half is too late.
        let now = Int(Date().timeIntervalSince1970)
        try await h.provider.setMode(#"{"claims": {"exp": \#(now - 30)}}"#)
        _ = try await h.signIn()
        try await h.provider.setMode(#"{"claims": {"aud": ["miestas", "other-client"], "azp": "miestas"}}"#)
        _ = try await h.signIn()
    }

    @Test func everyForgedTokenIsRefused() async throws {
        let h = try Harness(try Self.forging.get())
        defer { h.cleanUp() }
        let now = Int(Date().timeIntervalSince1970)
        try await refused(h, mode: #"{"alg": "none"}"#, invalidToken("algorithm none"), "alg none")
        try await refused(h, mode: #"{"alg": "HS256", "hmac_secret": "client-secret"}"#, invalidToken("algorithm HS256"), "HS256 under the client secret")
        try await refused(h, mode: #"{"key": "other", "kid": "rsa-1"}"#, invalidToken("signature does not verify"), "another key under a known kid")
        try await refused(h, mode: #"{"key": "other"}"#, invalidToken("does not publish"), "another key under its own kid")
        try await refused(h, mode: #"{"key": "rsa", "kid": "ec-1"}"#, invalidToken("is for ES256"), "RS256 under an EC key's kid")
        try await refused(h, mode: #"{"claims": {"aud": "someone-else"}}"#, invalidToken("not meant for this client"), "wrong aud")
        try await refused(h, mode: #"{"claims": {"aud": ["miestas", "other-client"]}}"#, invalidToken("azp"), "two audiences, no azp")
        try await refused(h, mode: #"{"claims": {"iss": "http://127.0.0.1:1"}}"#, invalidToken("issuer"), "wrong iss")
        try await refused(h, mode: #"{"claims": {"exp": \#(now - 90), "iat": \#(now - 400)}}"#, invalidToken("expired"), "expired")
        try await refused(h, mode: #"{"claims": {"exp": null}}"#, invalidToken("no expiry"), "no exp")
        try await refused(h, mode: #"{"claims": {"iat": \#(now + 300), "exp": \#(now + 900)}}"#, invalidToken("future"), "issued in the future")
        try await refused(h, mode: #"{"claims": {"nonce": "another-nonce"}}"#, invalidToken("nonce"), "wrong nonce")
        try await refused(h, mode: #"{"claims": {"nonce": null}}"#, invalidToken("nonce"), "no nonce")
        try await refused(h, mode: #"{"access_token_for_hash": "another-access-token"}"#, invalidToken("at_hash"), "wrong at_hash")
        try await refused(h, mode: #"{"claims": {"sub": ""}}"#, invalidToken("subject"), "no subject")
        try await refused(h, mode: #"{"claims": {"acr": "low"}}"#, level: .substantial,
                          { $0 == .levelTooLow(required: .substantial, got: .low) }, "acr below the level asked")
        try await refused(h, mode: #"{"claims": {"acr": "something-unknown"}}"#, level: .substantial,
                          { $0 == .levelTooLow(required: .substantial, got: .low) }, "an acr the map does not name counts as low")
        #expect(try h.pendingSignIns() == 0, "every refused sign-in used its state up")
    }

    @Test func anUnknownKidMakesTheKeysBeReadOnceMore() async throws {
        let h = try Harness(try Self.forging.get())
        defer { h.cleanUp() }
        try await h.provider.setMode("{}")
        _ = try await h.signIn()
        let before = await h.rp.keyFetches(provider: "forge")
        #expect(before == 1)
        // A kid nobody publishes: read once more, then refused.
        try await refused(h, mode: #"{"key": "other"}"#, invalidToken("does not publish"), "unknown kid")
        #expect(await h.rp.keyFetches(provider: "forge") == before + 1)
        // The provider rotates its key: the new kid is found by reading the keys once more.
        _ = try await h.provider.send("POST", "/_rotate", json: "{}")
        try await h.provider.setMode(#"{"key": "rotated"}"#)
        _ = try await h.signIn()
        #expect(await h.rp.keyFetches(provider: "forge") == before + 2)
        // Known keys are not read again.
        _ = try await h.signIn()
        #expect(await h.rp.keyFetches(provider: "forge") == before + 2)
    }

    @Test func aStateWorksOnceInTheBrowserThatStartedItBeforeItExpires() async throws {
        let h = try Harness(try Self.forging.get())
        defer { h.cleanUp() }
        try await h.provider.setMode("{}")
        let url = try await h.rp.begin(provider: "forge", level: .low, purpose: .resident, next: "/me", browser: "mine")
        let query = try await h.callback(url)
        // Another browser cannot finish it (and using the state up, it is gone for everyone).
        await #expect(throws: IdentityError.invalidState) { try await h.rp.complete(query: query, browser: "someone-else") }
        await #expect(throws: IdentityError.invalidState) { try await h.rp.complete(query: query, browser: "mine") }
        // A forged state, and none.
        var forged = query
        forged["state"] = "forged-state"
        await #expect(throws: IdentityError.invalidState) { try await h.rp.complete(query: forged, browser: "mine") }
        forged["state"] = nil
        await #expect(throws: IdentityError.invalidState) { try await h.rp.complete(query: forged, browser: "mine") }
        // A replayed callback: the first one signs in, the second is refused.
        let fresh = try await h.callback(try await h.rp.begin(provider: "forge", level: .low, purpose: .resident, next: "/me", browser: "mine"))
        _ = try await h.rp.complete(query: fresh, browser: "mine")
        await #expect(throws: IdentityError.invalidState) { try await h.rp.complete(query: fresh, browser: "mine") }
        // An expired state.
        let old = try await h.rp.begin(provider: "forge", level: .low, purpose: .resident, next: "/me", browser: "mine",
                                       at: Date().addingTimeInterval(-601))
        await #expect(throws: IdentityError.invalidState) { try await h.rp.complete(query: try await h.callback(old), browser: "mine") }
    }

    @Test func theProviderRefusesAReplayedCode() async throws {
        let h = try Harness(try Self.forging.get())
        defer { h.cleanUp() }
        try await h.provider.setMode("{}")
        let url = try await h.rp.begin(provider: "forge", level: .low, purpose: .resident, next: "/me", browser: "b")
        let query = try await h.callback(url)
        _ = try await h.rp.complete(query: query, browser: "b")
        // The same code again, straight to the token endpoint (as an attacker holding it would).
        let settings = h.rp.settings.providers[0]
        let metadata = try await ProviderMetadata.fetch(settings)
        await #expect(throws: IdentityError.providerRefused(provider: "forge", error: "invalid_grant", description: "unknown or used code")) {
            try await h.rp.exchange(code: query["code"]!, verifier: "whatever-verifier", provider: settings, metadata: metadata)
        }
        // The resident pressed "cancel" at the provider.
        let cancelled = try await h.rp.begin(provider: "forge", level: .low, purpose: .resident, next: "/me", browser: "b")
        var answer = try await h.callback(cancelled)
        answer["code"] = nil; answer["error"] = "access_denied"
        await #expect(throws: IdentityError.providerRefused(provider: "forge", error: "access_denied", description: nil)) {
            try await h.rp.complete(query: answer, browser: "b")
        }
    }

    @Test func pkceStateNonceAndClientAuthenticationAreSentAsTheSpecsSay() async throws {
        let mock = try Self.mock.get()
        try await mock.setUser("ona", claims: ["acr": "substantial", "pid": "39001010000"])
        for auth in ClientAuthMethod.allCases {
            let h = try Harness(mock, settings: Self.provider(mock, id: "mock", auth: auth))
            defer { h.cleanUp() }
            let url = try await h.rp.begin(provider: "mock", level: .substantial, purpose: .resident, next: "/me", browser: "b")
            let sent = Harness.query(url)
            #expect(sent["response_type"] == "code" && sent["client_id"] == "miestas" && sent["redirect_uri"] == Self.redirect)
            #expect(sent["scope"] == "openid profile email" && sent["acr_values"] == "substantial")
            #expect(sent["code_challenge_method"] == "S256" && (sent["code_challenge"]?.count ?? 0) == 43)
            #expect(sent["state"] != nil && sent["nonce"] != nil && sent["state"] != sent["nonce"])
            let callback = try await h.callback(url)
            let signIn = try await h.rp.complete(query: callback, browser: "b")
            #expect(signIn.claims.subject == "ona" && signIn.claims.level == .substantial && signIn.claims.personalCode == "39001010000")
            // What reached the token endpoint: the verifier whose S256 is the challenge sent.
            let token = try #require(try await mock.recorded().last { $0["path"] as? String == "/oauth2/token" })
            let form = try #require(token["form"] as? [String: String])
            let verifier = try #require(form["code_verifier"])
            #expect(Secrets.challenge(verifier) == sent["code_challenge"], "the token request carries the challenge's verifier")
            #expect(form["code"] == callback["code"] && form["redirect_uri"] == Self.redirect && form["grant_type"] == "authorization_code")
            switch auth {
            case .clientSecretBasic:
                let header = try #require(token["authorization"] as? String)
                #expect(String(decoding: Data(base64Encoded: String(header.dropFirst(6)))!, as: UTF8.self) == "miestas:client-secret")
                #expect(form["client_secret"] == nil)
            case .clientSecretPost:
                #expect(form["client_id"] == "miestas" && form["client_secret"] == "client-secret")
                #expect(token["authorization"] is NSNull || token["authorization"] == nil)
            }
            // Nothing of the sign-in is left waiting.
            #expect(try h.pendingSignIns() == 0)
            // The end-session address carries the ID token as its hint.
            let end = try #require(await h.rp.endSessionURL(provider: "mock", idToken: signIn.idToken))
            #expect(end.hasPrefix(mock.issuer + "/oauth2/end_session?id_token_hint=" + signIn.idToken))
            #expect(Harness.query(end)["post_logout_redirect_uri"] == "http://127.0.0.1:18390/")
        }
    }

    @Test func aProviderDownOrSlowGivesAClearErrorWithinItsTimeoutAndLeavesNothing() async throws {
        // Down: nothing listens.
        let closed = try LocalSMTPServer.freePort()
        let down = ProviderSettings(id: "down", issuer: "http://127.0.0.1:\(closed)", clientID: "miestas", clientSecret: "s", timeout: 2)
        let rpDown = try Harness(try Self.forging.get(), settings: down)
        defer { rpDown.cleanUp() }
        var started = Date()
        await #expect { try await rpDown.rp.begin(provider: "down", level: .low, purpose: .resident, next: "/me", browser: "b") } throws: {
            if case IdentityError.providerUnavailable(let p, _) = $0 { p == "down" } else { false }
        }
        // Refused connections fail at once; the bound only has to tell "at once" from the
        // 10 s connect timeout, with room for a loaded CI machine.
        #expect(Date().timeIntervalSince(started) < 6)
        #expect(try rpDown.pendingSignIns() == 0, "no sign-in was recorded")
        // Slow: it accepts the connection and never answers.
        let silent = try SilentServer()
        defer { silent.stop() }
        let slow = ProviderSettings(id: "slow", issuer: "http://127.0.0.1:\(silent.port)", clientID: "miestas", clientSecret: "s", timeout: 1.5)
        let rpSlow = try Harness(try Self.forging.get(), settings: slow)
        defer { rpSlow.cleanUp() }
        started = Date()
        do {
            _ = try await rpSlow.rp.begin(provider: "slow", level: .low, purpose: .resident, next: "/me", browser: "b")
            Issue.record("a silent provider was accepted")
        } catch let IdentityError.providerUnavailable(_, reason) {
            #expect(reason == "no answer within 2 s")
        }
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 1.4 && waited < 6, "answered after \(waited) s")
        // A token endpoint that stalls: refused within the timeout, the state used up, no sign-in.
        let forging = try Self.forging.get()
        let h = try Harness(forging, settings: Self.provider(forging, timeout: 1.5))
        defer { h.cleanUp() }
        // Only the token exchange is timed, and the stall is far beyond the timeout, so a loaded
        // machine's slower discovery and authorisation cannot fail the test, and a timeout that
        // did not apply still would.
        let url = try await h.rp.begin(provider: h.rp.settings.providers[0].id, level: .low, purpose: .resident, next: "/me", browser: "b")
        let callback = try await h.callback(url)
        try await forging.setMode(#"{"stall": 12}"#)
        started = Date()
        await #expect { try await h.rp.complete(query: callback, browser: "b") } throws: { if case IdentityError.providerUnavailable = $0 { true } else { false } }
        let stalled = Date().timeIntervalSince(started)
        #expect(stalled >= 1.4 && stalled < 6, "refused after \(stalled) s")
        #expect(try h.pendingSignIns() == 0)
        try await forging.setMode("{}")
    }
}
