import Foundation
import Identity
import Store

/// The `[identity]` section: residents' sign-in through OpenID Connect providers.
///
///     [identity]
///     redirect_uri = "https://miestas.example.org/signin/callback"
///     personal_code_secret = "…"          # better in MIESTAS_IDENTITY_PERSONAL_CODE_SECRET
///     required_levels = { report = "substantial" }
///
///     [[identity.providers]]
///     id = "viisp"
///     name = "Elektroniniai valdžios vartai"
///     issuer = "https://broker.example.org/realms/viisp"
///     client_id = "miestas"
///     client_secret = "…"                # the file must be readable by the server's user only
///     personal_code_claim = "pid"
///     acr = { "urn:eidas:loa:substantial" = "substantial", "urn:eidas:loa:high" = "high" }
///
///     [[identity.staff]]
///     provider = "viisp"
///     subject = "…"
///     username = "jonas"
///     role = "planner"
extension Setting {
    static var identity: [Setting] {
        [
            Setting("identity.redirect_uri", \.identityConfig.redirectURI, Parser.string,
                    help: "The one address identity providers send the browser back to (registered with each), e.g. https://miestas.example.org/signin/callback.",
                    show: { $0.isEmpty ? "(none: residents cannot sign in)" : $0 }),
            Setting("identity.post_logout_redirect_uri", \.identityConfig.postLogoutRedirectURI, Parser.nonEmpty.optional,
                    help: "Where a provider's sign-out sends the browser back (default: the site's root, from redirect_uri).",
                    show: { $0 ?? "(the site's root)" }),
            Setting("identity.personal_code_secret", \.identityConfig.personalCodeSecret, Parser.string.optional, secret: true,
                    help: "The secret of the HMAC kept instead of national personal codes: at least 32 characters, the same on every server, never changed (masked by config check).",
                    show: { $0 ?? "(none)" }),
            Setting("identity.providers", \.identityConfig.providers, Parser.providers,
                    help: "The OpenID Connect providers: [[identity.providers]] tables of id, name, issuer, client_id, client_secret (masked by config check), auth_method (client_secret_basic or client_secret_post), scopes, personal_code_claim, residence_claim (the claim telling the resident's district code), acr (the provider's acr values → low, substantial, high) and timeout_seconds.",
                    show: { $0.isEmpty ? "[]" : $0.map { "{ id = \($0.id), issuer = \($0.issuer), client_id = \($0.clientID), client_secret = ********, "
                        + "auth_method = \($0.authMethod.rawValue), timeout_seconds = \(Settings.show($0.timeout)) }" }.joined(separator: ", ") }),
            Setting("identity.staff", \.identityConfig.staff, Parser.staffMappings,
                    help: "Staff who sign in through a provider: [[identity.staff]] tables of provider, subject (their sub there), username and role.",
                    show: { $0.isEmpty ? "[]" : $0.map { "{ \($0.provider)/\($0.subject) = \($0.username) (\($0.role.rawValue)) }" }.joined(separator: ", ") }),
            Setting("identity.required_levels", \.identityConfig.requiredLevels, Parser.requiredLevels,
                    help: "The eIDAS level (low, substantial, high) an operation needs, e.g. { report = \"substantial\" }; defaults: account = low, petition.create and petition.sign = substantial.",
                    show: { levels in "{ " + levels.map { "\($0.key.rawValue) = \($0.value.rawValue)" }.sorted().joined(separator: ", ") + " }" }),
            Setting("identity.session_hours", \.identityConfig.sessionLifetime, Parser.number(0.1...720).map { $0 * 3600 },
                    help: "How long a resident's session lasts, in hours.", show: { Settings.show($0 / 3600) }),
            Setting("identity.sign_in_minutes", \.identityConfig.signInLifetime, Parser.number(1...60).map { $0 * 60 },
                    help: "How long a sign-in may take at the provider (the state's lifetime), in minutes.", show: { Settings.show($0 / 60) }),
        ]
    }
}

extension Settings {
    /// Residents' sign-in, when at least one provider is configured.
    public var identity: IdentitySettings? {
        get { identityConfig.providers.isEmpty ? nil : identityConfig }
        set { identityConfig = newValue ?? IdentitySettings(providers: [], redirectURI: "") }
    }
}

/// A TOML table's fields, read one by one with the table's name in every message.
private struct FileTable {
    let entries: [String: FileValue]
    let name: String
    init(_ value: FileValue, name: String) throws {
        guard case .table(let e) = value else { throw SettingProblem("\(name): expected a table, found \(value.kind)") }
        entries = Dictionary(e.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }); self.name = name
    }
    func string(_ key: String) throws -> String? {
        guard let v = entries[key] else { return nil }
        guard case .string(let s) = v else { throw SettingProblem("\(name).\(key): expected a string, found \(v.kind)") }
        return s
    }
    func required(_ key: String) throws -> String {
        guard let s = try string(key), !s.isEmpty else { throw SettingProblem("\(name) has no \(key)") }
        return s
    }
    func unknown(_ known: Set<String>) throws {
        if let extra = entries.keys.sorted().first(where: { !known.contains($0) }) { throw SettingProblem("\(name) has no setting named '\(extra)'") }
    }
}

private func level(_ text: String, _ where_: String) throws -> AssuranceLevel {
    guard let level = AssuranceLevel(rawValue: text) else { throw SettingProblem("\(where_): '\(text)' is not a level (low, substantial, high)") }
    return level
}

private func fileOnly(_ raw: RawSetting, _ what: String) throws -> [FileValue] {
    switch raw {
    case .file(.array(let items)): return items
    case .text: throw SettingProblem("\(what) can only be written in the configuration file")
    case .file(let v): throw SettingProblem("expected a list of tables ([[...]]), found \(v.kind)")
    }
}

extension Parser where Value == [ProviderSettings] {
    static var providers: Parser<[ProviderSettings]> {
        Parser { raw in
            try fileOnly(raw, "identity.providers").enumerated().map { index, item in
                let t = try FileTable(item, name: "identity.providers[\(index + 1)]")
                try t.unknown(["id", "name", "issuer", "client_id", "client_secret", "auth_method", "scopes",
                               "personal_code_claim", "residence_claim", "acr", "timeout_seconds"])
                let id = try t.required("id")
                let secret = try t.required("client_secret")
                let method = try t.string("auth_method").map { text in
                    guard let m = ClientAuthMethod(rawValue: text) else { throw SettingProblem("\(t.name).auth_method: '\(text)' is not client_secret_basic or client_secret_post") }
                    return m
                } ?? .clientSecretBasic
                var scopes = ["openid", "profile", "email"]
                if let v = t.entries["scopes"] { scopes = try Parser<[String]>.list.read(.file(v)) }
                var acr: [String: AssuranceLevel] = [:]
                if let v = t.entries["acr"] {
                    for (value, name) in try Parser<[String: String]>.names.read(.file(v)) { acr[value] = try level(name, "\(t.name).acr.\(value)") }
                }
                var timeout = 10.0
                if let v = t.entries["timeout_seconds"] { timeout = try Parser<Double>.number(0.5...120).read(.file(v)) }
                return ProviderSettings(id: id, name: try t.string("name"), issuer: try t.required("issuer"), clientID: try t.required("client_id"),
                                        clientSecret: secret, authMethod: method, scopes: scopes, personalCodeClaim: try t.string("personal_code_claim"),
                                        residenceClaim: try t.string("residence_claim"), acrLevels: acr, timeout: timeout)
            }
        }
    }
}

extension Parser where Value == [StaffMapping] {
    static let staffMappings = Parser { raw in
        try fileOnly(raw, "identity.staff").enumerated().map { index, item in
            let t = try FileTable(item, name: "identity.staff[\(index + 1)]")
            try t.unknown(["provider", "subject", "username", "role"])
            let roleName = try t.required("role")
            guard let role = StaffUser.Role(rawValue: roleName) else {
                throw SettingProblem("\(t.name).role: '\(roleName)' is not one of \(StaffUser.Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return StaffMapping(provider: try t.required("provider"), subject: try t.required("subject"), username: try t.required("username"), role: role)
        }
    }
}

extension Parser where Value == [IdentityOperation: AssuranceLevel] {
    /// `{ report = "substantial" }`, or `report=substantial;account=low` as text.
    static let requiredLevels = Parser<[String: String]>.names.map { table in
        var out: [IdentityOperation: AssuranceLevel] = [:]
        for (operation, name) in table { out[IdentityOperation(rawValue: operation)] = try level(name, "identity.required_levels.\(operation)") }
        return out
    }
}
