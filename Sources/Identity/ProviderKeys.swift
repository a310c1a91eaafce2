import Foundation
import JWTKit

/// A provider's signing keys from its JWKS, as Miestas accepts them: RSA keys for RS256 and
/// P-256 keys for ES256, each with its `kid`. Keys for encryption, other algorithms or curves
/// are left out, so no token can be verified with them.
struct ProviderKeySet: Sendable {
    struct Key: Sendable {
        var jwk: JWK
        /// "RS256" or "ES256": the one algorithm this key verifies.
        var algorithm: String
    }
    var keys: [String: Key]
    var fetchedAt: Date

    static let algorithms: Set<String> = ["RS256", "ES256"]

    static func parse(_ object: [String: Any], fetchedAt: Date) -> ProviderKeySet {
        var keys: [String: Key] = [:]
        for k in object["keys"] as? [[String: Any]] ?? [] {
            guard let kid = k["kid"] as? String, !kid.isEmpty, (k["use"] as? String ?? "sig") == "sig" else { continue }
            let declared = k["alg"] as? String
            switch k["kty"] as? String {
            case "RSA":
                guard declared == nil || declared == "RS256", let n = k["n"] as? String, let e = k["e"] as? String else { continue }
                keys[kid] = Key(jwk: .rsa(.rs256, identifier: JWKIdentifier(string: kid), modulus: n, exponent: e), algorithm: "RS256")
            case "EC":
                guard declared == nil || declared == "ES256", k["crv"] as? String == "P-256", let x = k["x"] as? String, let y = k["y"] as? String else { continue }
                keys[kid] = Key(jwk: .ecdsa(.es256, identifier: JWKIdentifier(string: kid), x: x, y: y, curve: .p256), algorithm: "ES256")
            default: continue
            }
        }
        return ProviderKeySet(keys: keys, fetchedAt: fetchedAt)
    }

    static func fetch(_ url: String, _ settings: ProviderSettings) async throws(IdentityError) -> ProviderKeySet {
        let answer = try await ProviderHTTP(provider: settings.id, timeout: settings.timeout).get(url)
        guard answer.status == 200, let object = answer.object else {
            throw .providerUnavailable(provider: settings.id, reason: "its key set answered HTTP \(answer.status) without JSON")
        }
        return parse(object, fetchedAt: Date())
    }
}

/// What Miestas remembers of each provider between sign-ins: its discovery document and keys,
/// read when first needed (so the server starts while a provider is down) and again after an
/// hour; the keys also at once when a token names a `kid` not among them (a key rotation).
actor ProviderDirectory {
    private var metadata: [String: ProviderMetadata] = [:]
    private var metadataFetched: [String: Date] = [:]
    private var keys: [String: ProviderKeySet] = [:]
    /// How many times each provider's keys were read (tests check the refetch happens once).
    private(set) var keyFetches: [String: Int] = [:]
    static let lifetime: TimeInterval = 3600

    func metadata(_ settings: ProviderSettings) async throws(IdentityError) -> ProviderMetadata {
        if let m = metadata[settings.id], let at = metadataFetched[settings.id], Date().timeIntervalSince(at) < Self.lifetime { return m }
        let fresh = try await ProviderMetadata.fetch(settings)
        metadata[settings.id] = fresh
        metadataFetched[settings.id] = Date()
        return fresh
    }

    /// The key `kid` names, reading the key set again once if it is not known (or is old).
    func key(_ kid: String?, algorithm: String, _ settings: ProviderSettings) async throws(IdentityError) -> ProviderKeySet.Key? {
        let m = try await metadata(settings)
        var refreshed = false
        if keys[settings.id] == nil || Date().timeIntervalSince(keys[settings.id]!.fetchedAt) >= Self.lifetime {
            try await refreshKeys(m, settings)
            refreshed = true
        }
        if let found = Self.pick(kid, algorithm: algorithm, in: keys[settings.id]!) { return found }
        guard !refreshed else { return nil }
        try await refreshKeys(m, settings)
        return Self.pick(kid, algorithm: algorithm, in: keys[settings.id]!)
    }

    private func refreshKeys(_ m: ProviderMetadata, _ settings: ProviderSettings) async throws(IdentityError) {
        keyFetches[settings.id, default: 0] += 1
        keys[settings.id] = try await ProviderKeySet.fetch(m.jwksURI, settings)
    }

    /// By `kid`; a token without one may use the set's only key for its algorithm.
    static func pick(_ kid: String?, algorithm: String, in set: ProviderKeySet) -> ProviderKeySet.Key? {
        if let kid { return set.keys[kid] }
        let candidates = set.keys.values.filter { $0.algorithm == algorithm }
        return candidates.count == 1 ? candidates[0] : nil
    }

    func keyFetchCount(_ provider: String) -> Int { keyFetches[provider] ?? 0 }

    /// The discovery document if it was read (never waits for the network).
    func cachedMetadata(_ id: String) -> ProviderMetadata? { metadata[id] }

    private var lastWarmUp: [String: Date] = [:]

    /// Reads the discovery documents not read yet, in the background, at most every 30 s per
    /// provider (pages need their endpoints' origins for the Content-Security-Policy).
    func warmUp(_ providers: [ProviderSettings]) {
        for p in providers where metadata[p.id] == nil && Date().timeIntervalSince(lastWarmUp[p.id] ?? .distantPast) > 30 {
            lastWarmUp[p.id] = Date()
            Task { _ = try? await self.metadata(p) }
        }
    }
}
