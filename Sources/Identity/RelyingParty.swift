import Foundation
import Store

/// Why a sign-in was started: a resident's session, or a staff member's (mapped to a role by
/// `IdentitySettings.staff`).
public enum SignInPurpose: String, Sendable { case resident, staff }

/// A sign-in the provider confirmed and every check passed.
public struct VerifiedSignIn: Sendable {
    public var provider: String
    public var issuer: String
    public var claims: VerifiedClaims
    /// The ID token, for the provider's sign-out (`id_token_hint`).
    public var idToken: String
    public var purpose: SignInPurpose
    /// The level that was asked for (the token's level is at least this).
    public var requestedLevel: AssuranceLevel
    /// Where to go now: a path on this site.
    public var next: String

    public init(provider: String, issuer: String, claims: VerifiedClaims, idToken: String, purpose: SignInPurpose,
                requestedLevel: AssuranceLevel, next: String) {
        self.provider = provider; self.issuer = issuer; self.claims = claims; self.idToken = idToken; self.purpose = purpose
        self.requestedLevel = requestedLevel; self.next = next
    }
}

/// Miestas as an OpenID Connect relying party: the authorization code flow with PKCE (S256),
/// `state` and `nonce` kept in the database (any instance may receive the callback), `acr_values`
/// for the level asked, and the ID token's checks (`IDTokenCheck`).
public final class RelyingParty: Sendable {
    public let settings: IdentitySettings
    let store: any LoginTransactionStore
    let directory = ProviderDirectory()

    public init(settings: IdentitySettings, store: any LoginTransactionStore) {
        self.settings = settings; self.store = store
    }

    private struct SealedLogin: Codable { var nonce: String; var verifier: String }
    private static let loginPurpose = "miestas login transaction"

    /// Starts a sign-in: records it and answers the provider's authorization address to send the
    /// browser to. `browser` is a value only this browser holds (its cookie seed), so that only it
    /// can finish the sign-in; `next` must already be a safe local path.
    public func begin(provider id: String, level: AssuranceLevel, purpose: SignInPurpose, next: String, browser: String,
                      uiLocales: String? = nil, at now: Date = Date()) async throws(IdentityError) -> String {
        guard let provider = settings.provider(id) else { throw .unknownProvider(id) }
        let metadata = try await directory.metadata(provider)
        let state = Secrets.random(), nonce = Secrets.random(), verifier = Secrets.random()
        let transaction = LoginTransaction(
            stateHash: Secrets.sha256(state), browserHash: Secrets.sha256(browser), provider: id, level: level.rawValue,
            purpose: purpose.rawValue, next: next,
            sealed: Secrets.seal(SealedLogin(nonce: nonce, verifier: verifier), under: state, purpose: Self.loginPurpose),
            createdAt: now, expiresAt: now.addingTimeInterval(settings.signInLifetime))
        let stored: Bool
        do { stored = try await store.storeLoginTransaction(transaction, maximumPending: settings.maximumPendingSignIns, at: now) } catch {
            throw .unavailable(error.description)
        }
        guard stored else { throw .busy }
        var query: [(String, String)] = [
            ("response_type", "code"), ("client_id", provider.clientID), ("redirect_uri", settings.redirectURI),
            ("scope", provider.requestedScopes.joined(separator: " ")), ("state", state), ("nonce", nonce),
            ("code_challenge", Secrets.challenge(verifier)), ("code_challenge_method", "S256"),
        ]
        let acr = provider.acrValues(for: level)
        if !acr.isEmpty { query.append(("acr_values", acr.joined(separator: " "))) }
        if let uiLocales { query.append(("ui_locales", uiLocales)) }
        let separator = metadata.authorizationEndpoint.contains("?") ? "&" : "?"
        return metadata.authorizationEndpoint + separator + ProviderHTTP.formEncode(query)
    }

    /// Finishes a sign-in from the callback's query: the state (once, unexpired, this browser's),
    /// the code exchanged with the verifier and the client's credentials, the ID token checked.
    public func complete(query: [String: String], browser: String, at now: Date = Date()) async throws(IdentityError) -> VerifiedSignIn {
        guard let state = query["state"], !state.isEmpty, state.count <= 256 else { throw .invalidState }
        let found: LoginTransaction?
        do { found = try await store.takeLoginTransaction(stateHash: Secrets.sha256(state), at: now) } catch { throw .unavailable(error.description) }
        guard let transaction = found, IDTokenCheck.equal(transaction.browserHash, Secrets.sha256(browser)),
              let secrets = Secrets.open(transaction.sealed, under: state, purpose: Self.loginPurpose, as: SealedLogin.self),
              let purpose = SignInPurpose(rawValue: transaction.purpose), let level = AssuranceLevel(rawValue: transaction.level) else {
            throw .invalidState
        }
        guard let provider = settings.provider(transaction.provider) else { throw .unknownProvider(transaction.provider) }
        if let error = query["error"] {
            throw .providerRefused(provider: provider.id, error: String(error.prefix(100)), description: query["error_description"].map { String($0.prefix(300)) })
        }
        guard let code = query["code"], !code.isEmpty, code.count <= 2048 else { throw .invalidResponse("the callback has no code") }
        let metadata = try await directory.metadata(provider)
        let tokens = try await exchange(code: code, verifier: secrets.verifier, provider: provider, metadata: metadata)
        let check = IDTokenCheck(settings: provider, nonce: secrets.nonce, requiredLevel: level, accessToken: tokens.accessToken, now: Date())
        let claims = try await check.verify(tokens.idToken, directory: directory)
        return VerifiedSignIn(provider: provider.id, issuer: provider.issuer, claims: claims, idToken: tokens.idToken, purpose: purpose,
                              requestedLevel: level, next: transaction.next)
    }

    /// The token request (RFC 6749 §4.1.3 with RFC 7636's verifier).
    func exchange(code: String, verifier: String, provider: ProviderSettings, metadata: ProviderMetadata) async throws(IdentityError) -> (idToken: String, accessToken: String?) {
        var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURI), ("code_verifier", verifier)]
        var headers: [(String, String)] = []
        switch provider.authMethod {
        case .clientSecretBasic:
            // RFC 6749 §2.3.1: the id and secret are form-encoded before base64.
            let pair = ProviderHTTP.formEscape(provider.clientID) + ":" + ProviderHTTP.formEscape(provider.clientSecret)
            headers.append(("Authorization", "Basic " + Data(pair.utf8).base64EncodedString()))
        case .clientSecretPost:
            form += [("client_id", provider.clientID), ("client_secret", provider.clientSecret)]
        }
        let answer = try await ProviderHTTP(provider: provider.id, timeout: provider.timeout).post(metadata.tokenEndpoint, form: form, headers: headers)
        let object = answer.object
        guard answer.status == 200 else {
            if (400..<500).contains(answer.status), let error = object?["error"] as? String {
                throw .providerRefused(provider: provider.id, error: String(error.prefix(100)),
                                       description: (object?["error_description"] as? String).map { String($0.prefix(300)) })
            }
            throw .providerUnavailable(provider: provider.id, reason: "its token endpoint answered HTTP \(answer.status)")
        }
        guard let idToken = object?["id_token"] as? String, !idToken.isEmpty else { throw .invalidResponse("the token endpoint gave no ID token") }
        return (idToken, object?["access_token"] as? String)
    }

    /// Where to send the browser to end its session at the provider too, when the provider has an
    /// `end_session_endpoint` (RP-Initiated Logout 1.0); nil otherwise or when it cannot be read.
    public func endSessionURL(provider id: String, idToken: String?) async -> String? {
        guard let provider = settings.provider(id), let metadata = try? await directory.metadata(provider),
              let endpoint = metadata.endSessionEndpoint else { return nil }
        var query = [("client_id", provider.clientID), ("post_logout_redirect_uri", settings.afterSignOutURI)]
        if let idToken { query.insert(("id_token_hint", idToken), at: 0) }
        return endpoint + (endpoint.contains("?") ? "&" : "?") + ProviderHTTP.formEncode(query)
    }

    /// The origins a page's forms may lead to besides this site (the Content-Security-Policy's
    /// `form-action`: a sign-in button's POST is redirected to the provider's authorization
    /// endpoint, a sign-out's to its end-session endpoint): each issuer's, and its endpoints' once
    /// discovery was read. Never waits for a provider; starts reading the missing documents.
    public func formTargets() async -> [String] {
        await directory.warmUp(settings.providers)
        var origins: [String] = []
        for p in settings.providers {
            var addresses = [p.issuer]
            if let m = await directory.cachedMetadata(p.id) { addresses += [m.authorizationEndpoint] + (m.endSessionEndpoint.map { [$0] } ?? []) }
            for a in addresses { if let o = Self.origin(a), !origins.contains(o) { origins.append(o) } }
        }
        return origins
    }

    static func origin(_ address: String) -> String? {
        guard let c = URLComponents(string: address), let scheme = c.scheme, let host = c.host else { return nil }
        return "\(scheme)://\(host)" + (c.port.map { ":\($0)" } ?? "")
    }

    /// How many times a provider's keys were read (for tests of the refetch on an unknown `kid`).
    public func keyFetches(provider: String) async -> Int { await directory.keyFetchCount(provider) }
}
