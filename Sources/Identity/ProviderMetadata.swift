import Foundation

/// What a provider's discovery document says (OpenID Connect Discovery 1.0 §3), checked.
struct ProviderMetadata: Sendable {
    var issuer: String
    var authorizationEndpoint: String
    var tokenEndpoint: String
    var jwksURI: String
    var endSessionEndpoint: String?

    /// `<issuer>/.well-known/openid-configuration`.
    static func discoveryURL(issuer: String) -> String {
        (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/openid-configuration"
    }

    /// Reads and checks the document: its `issuer` must be the configured one exactly (§4.3), and
    /// every endpoint https (http only on this machine).
    static func fetch(_ settings: ProviderSettings) async throws(IdentityError) -> ProviderMetadata {
        let http = ProviderHTTP(provider: settings.id, timeout: settings.timeout)
        let answer = try await http.get(discoveryURL(issuer: settings.issuer))
        guard answer.status == 200, let object = answer.object else {
            throw .providerUnavailable(provider: settings.id, reason: "its discovery document answered HTTP \(answer.status) without JSON")
        }
        return try parse(object, settings: settings)
    }

    static func parse(_ o: [String: Any], settings: ProviderSettings) throws(IdentityError) -> ProviderMetadata {
        func endpoint(_ name: String, required: Bool = true) throws(IdentityError) -> String? {
            guard let value = o[name] as? String else {
                if required { throw .providerUnavailable(provider: settings.id, reason: "its discovery document has no \(name)") }
                return nil
            }
            guard ProviderSettings.isAcceptable(value) else {
                throw .providerUnavailable(provider: settings.id, reason: "its \(name) \(value) is not https")
            }
            return value
        }
        guard let issuer = o["issuer"] as? String, issuer == settings.issuer else {
            throw .providerUnavailable(provider: settings.id,
                                       reason: "its discovery document names issuer \(o["issuer"] as? String ?? "none"), not \(settings.issuer)")
        }
        return ProviderMetadata(issuer: issuer, authorizationEndpoint: try endpoint("authorization_endpoint")!,
                                tokenEndpoint: try endpoint("token_endpoint")!, jwksURI: try endpoint("jwks_uri")!,
                                endSessionEndpoint: try endpoint("end_session_endpoint", required: false))
    }
}
