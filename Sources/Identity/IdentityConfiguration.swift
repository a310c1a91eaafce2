import Foundation
import Store

/// The identity settings as a configuration file writes them (snake_case keys; the same shape
/// in TOML's `[identity]` section or a JSON object):
///
///     redirect_uri = "https://miestas.kaunas.lt/signin/callback"
///     personal_code_secret = "…at least 32 characters…"
///     [identity.required_levels]
///     report = "substantial"
///     [[identity.providers]]
///     id = "viisp"; name = "Elektroniniai valdžios vartai"; issuer = "https://…"
///     client_id = "miestas"; client_secret = "…"; auth_method = "client_secret_basic"
///     scopes = ["openid", "profile"]; personal_code_claim = "pid"; timeout_seconds = 10
///     acr = { "urn:…:low" = "low", "urn:…:substantial" = "substantial" }
///     [[identity.staff]]
///     provider = "viisp"; subject = "…"; username = "jonas"; role = "planner"
public struct IdentityConfiguration: Decodable, Sendable {
    public struct Provider: Decodable, Sendable {
        var id: String
        var name: String?
        var issuer: String
        var client_id: String
        var client_secret: String
        var auth_method: String?
        var scopes: [String]?
        var personal_code_claim: String?
        var acr: [String: String]?
        var timeout_seconds: Double?
    }
    public struct Staff: Decodable, Sendable {
        var provider: String
        var subject: String
        var username: String
        var role: String
    }
    var redirect_uri: String
    var post_logout_redirect_uri: String?
    var personal_code_secret: String?
    var providers: [Provider]
    var staff: [Staff]?
    var required_levels: [String: String]?
    var session_hours: Double?
    var sign_in_minutes: Double?

    /// The settings these values stand for, or every reason they do not make sense.
    public func settings() throws(IdentityConfigurationError) -> IdentitySettings {
        var problems: [String] = []
        func level(_ text: String, _ where_: String) -> AssuranceLevel {
            if let l = AssuranceLevel(rawValue: text) { return l }
            problems.append("identity: \(where_): '\(text)' is not a level (low, substantial, high)")
            return .high
        }
        let providers = providers.map { p in
            let method = p.auth_method.map { m in
                ClientAuthMethod(rawValue: m) ?? {
                    problems.append("identity: provider '\(p.id)': auth_method '\(m)' is not client_secret_basic or client_secret_post")
                    return .clientSecretBasic
                }()
            } ?? .clientSecretBasic
            return ProviderSettings(id: p.id, name: p.name, issuer: p.issuer, clientID: p.client_id, clientSecret: p.client_secret,
                                    authMethod: method, scopes: p.scopes ?? ["openid", "profile", "email"], personalCodeClaim: p.personal_code_claim,
                                    acrLevels: (p.acr ?? [:]).mapValues { level($0, "provider '\(p.id)' acr") }, timeout: p.timeout_seconds ?? 10)
        }
        let staff = (staff ?? []).map { s in
            StaffMapping(provider: s.provider, subject: s.subject, username: s.username, role: StaffUser.Role(rawValue: s.role) ?? {
                problems.append("identity: staff '\(s.username)': role '\(s.role)' is not one of staff, planner, architect, admin")
                return .staff
            }())
        }
        var levels: [IdentityOperation: AssuranceLevel] = [:]
        for (operation, text) in required_levels ?? [:] { levels[IdentityOperation(rawValue: operation)] = level(text, "required_levels.\(operation)") }
        let settings = IdentitySettings(providers: providers, redirectURI: redirect_uri, postLogoutRedirectURI: post_logout_redirect_uri,
                                        personalCodeSecret: personal_code_secret, staff: staff, requiredLevels: levels,
                                        sessionLifetime: (session_hours ?? 8) * 3600, signInLifetime: (sign_in_minutes ?? 10) * 60)
        problems += settings.problems()
        guard problems.isEmpty else { throw IdentityConfigurationError(problems: problems) }
        return settings
    }

    /// From a JSON file.
    public static func load(json path: String) throws(IdentityConfigurationError) -> IdentitySettings {
        let configuration: IdentityConfiguration
        do { configuration = try JSONDecoder().decode(IdentityConfiguration.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw IdentityConfigurationError(problems: ["identity: cannot read \(path): \(error)"])
        }
        return try configuration.settings()
    }
}

public struct IdentityConfigurationError: Error, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}
