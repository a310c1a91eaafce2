import Foundation
import Store

/// How Miestas signs residents (and, optionally, staff) in through OpenID Connect providers. Plain
/// values: the configuration file fills them, tests build them directly.
public struct IdentitySettings: Sendable {
    public var providers: [ProviderSettings]
    /// The one address providers send the browser back to (registered with each provider), e.g.
    /// `https://miestas.kaunas.lt/signin/callback`. The callback route is this address's path,
    /// and nothing else is ever sent as `redirect_uri`.
    public var redirectURI: String
    /// Where a provider's sign-out sends the browser back (default: the site's root, derived from
    /// `redirectURI`).
    public var postLogoutRedirectURI: String?
    /// The server's secret for the HMAC of national personal codes: at least 32 characters, the
    /// same on every instance, and never changed (a new secret makes every stored digest useless
    /// for telling people apart).
    public var personalCodeSecret: String?
    /// Staff who sign in through a provider, and their roles.
    public var staff: [StaffMapping]
    /// The level an operation needs (over `IdentityOperation.defaultLevels`).
    public var requiredLevels: [IdentityOperation: AssuranceLevel]
    /// How long a resident's session lasts.
    public var sessionLifetime: TimeInterval
    /// How long a sign-in may take at the provider (the `state`'s lifetime).
    public var signInLifetime: TimeInterval
    /// Sign-ins under way at most (anyone can start one): beyond it new ones are refused until
    /// older ones finish or expire.
    public var maximumPendingSignIns: Int

    public init(providers: [ProviderSettings], redirectURI: String, postLogoutRedirectURI: String? = nil, personalCodeSecret: String? = nil,
                staff: [StaffMapping] = [], requiredLevels: [IdentityOperation: AssuranceLevel] = [:], sessionLifetime: TimeInterval = 8 * 3600,
                signInLifetime: TimeInterval = 600, maximumPendingSignIns: Int = 10_000) {
        self.providers = providers; self.redirectURI = redirectURI; self.postLogoutRedirectURI = postLogoutRedirectURI
        self.personalCodeSecret = personalCodeSecret; self.staff = staff; self.requiredLevels = requiredLevels
        self.sessionLifetime = sessionLifetime; self.signInLifetime = signInLifetime; self.maximumPendingSignIns = maximumPendingSignIns
    }

    public func provider(_ id: String) -> ProviderSettings? { providers.first { $0.id == id } }

    /// The level `operation` needs, or nil when anyone may do it.
    public func requiredLevel(for operation: IdentityOperation) -> AssuranceLevel? {
        requiredLevels[operation] ?? IdentityOperation.defaultLevels[operation]
    }

    /// The callback's path (the redirect URI's).
    public var callbackPath: String { URLComponents(string: redirectURI)?.path ?? "/signin/callback" }

    /// Where the provider's sign-out returns to.
    public var afterSignOutURI: String {
        if let postLogoutRedirectURI { return postLogoutRedirectURI }
        guard var c = URLComponents(string: redirectURI) else { return "/" }
        c.path = "/"; c.query = nil; c.fragment = nil
        return c.string ?? "/"
    }

    /// The staff member a provider's subject is, if the configuration lists them.
    public func staffMember(provider: String, subject: String) -> StaffMapping? {
        staff.first { $0.provider == provider && $0.subject == subject }
    }

    /// Everything wrong with these settings, one sentence each (empty when they are usable).
    public func problems() -> [String] {
        var out: [String] = []
        if providers.isEmpty { out.append("identity: no provider is configured") }
        let ids = providers.map(\.id)
        for id in Set(ids) where ids.filter({ $0 == id }).count > 1 { out.append("identity: provider id '\(id)' is used twice") }
        for p in providers { out += p.problems() }
        if let c = URLComponents(string: redirectURI), let scheme = c.scheme, c.host != nil,
           scheme == "https" || (scheme == "http" && ProviderSettings.isLoopback(c.host)), c.query == nil, c.fragment == nil {
        } else {
            out.append("identity: redirect_uri '\(redirectURI)' must be an https address (http only on this machine) without query or fragment")
        }
        if providers.contains(where: { $0.personalCodeClaim != nil }) {
            if (personalCodeSecret ?? "").count < 32 {
                out.append("identity: personal_code_secret must have at least 32 characters when a provider gives a personal code")
            }
        }
        for s in staff where provider(s.provider) == nil {
            out.append("identity: staff member '\(s.username)' names provider '\(s.provider)', which is not configured")
        }
        if sessionLifetime <= 0 || signInLifetime <= 0 || maximumPendingSignIns < 1 {
            out.append("identity: session and sign-in lifetimes must be positive, the pending sign-ins at least 1")
        }
        return out
    }
}

/// How the client authenticates to the provider's token endpoint (RFC 6749 §2.3.1).
public enum ClientAuthMethod: String, Sendable, CaseIterable {
    case clientSecretBasic = "client_secret_basic", clientSecretPost = "client_secret_post"
}

/// One OpenID Connect provider (an e-government broker such as a Keycloak in front of VIISP,
/// ID-porten, ...).
public struct ProviderSettings: Sendable {
    /// A short name for the configuration, the pages and the database ("viisp").
    public var id: String
    /// What the sign-in button says ("Elektroniniai valdžios vartai").
    public var name: String
    /// The issuer, exactly as the provider's tokens give it; discovery is read from
    /// `<issuer>/.well-known/openid-configuration`.
    public var issuer: String
    public var clientID: String
    public var clientSecret: String
    public var authMethod: ClientAuthMethod
    /// Scopes asked for; `openid` is always sent.
    public var scopes: [String]
    /// The ID token's claim holding the national personal code (e.g. `pid`), if the provider gives one.
    public var personalCodeClaim: String?
    /// The ID token's claim holding where the resident lives, as a district code of this
    /// municipality (or a code no district has: then the resident lives elsewhere), if the
    /// provider tells it. Petitions place such signers in that district.
    public var residenceClaim: String?
    /// The provider's `acr` values and the eIDAS level each stands for. A token whose `acr` is
    /// missing or not listed counts as `low`.
    public var acrLevels: [String: AssuranceLevel]
    /// Every request to the provider (discovery, keys, token) must be answered within this.
    public var timeout: TimeInterval

    public init(id: String, name: String? = nil, issuer: String, clientID: String, clientSecret: String,
                authMethod: ClientAuthMethod = .clientSecretBasic, scopes: [String] = ["openid", "profile", "email"],
                personalCodeClaim: String? = nil, residenceClaim: String? = nil, acrLevels: [String: AssuranceLevel] = [:],
                timeout: TimeInterval = 10) {
        self.id = id; self.name = name ?? id; self.issuer = issuer; self.clientID = clientID; self.clientSecret = clientSecret
        self.authMethod = authMethod; self.scopes = scopes; self.personalCodeClaim = personalCodeClaim; self.residenceClaim = residenceClaim
        self.acrLevels = acrLevels
        self.timeout = timeout
    }

    /// The `acr_values` to ask for a level: the provider's values for exactly that level, else for
    /// the lowest level above it; none when the map names no such value (the answer's `acr` is
    /// checked all the same).
    public func acrValues(for level: AssuranceLevel) -> [String] {
        for candidate in AssuranceLevel.allCases where candidate >= level {
            let values = acrLevels.filter { $0.value == candidate }.map(\.key).sorted()
            if !values.isEmpty { return values }
        }
        return []
    }

    /// The level a token's `acr` stands for.
    public func level(acr: String?) -> AssuranceLevel { acr.flatMap { acrLevels[$0] } ?? .low }

    /// The scopes sent: `openid` first, each once.
    var requestedScopes: [String] { ["openid"] + scopes.filter { $0 != "openid" }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } } }

    func problems() -> [String] {
        var out: [String] = []
        if id.range(of: "^[a-z0-9][a-z0-9_-]{0,31}$", options: .regularExpression) == nil {
            out.append("identity: provider id '\(id)' must be 1 to 32 lower-case letters, digits, '-' or '_'")
        }
        if !Self.isAcceptable(issuer) {
            out.append("identity: provider '\(id)': issuer '\(issuer)' must be an https address (http only on this machine)")
        }
        if clientID.isEmpty { out.append("identity: provider '\(id)': client_id is empty") }
        if clientSecret.isEmpty { out.append("identity: provider '\(id)': client_secret is empty") }
        if !(timeout > 0 && timeout <= 120) { out.append("identity: provider '\(id)': timeout must be between 0 and 120 seconds") }
        return out
    }

    /// https, or http to this machine (tests and a broker beside the server).
    static func isAcceptable(_ address: String) -> Bool {
        guard let c = URLComponents(string: address), let scheme = c.scheme?.lowercased(), c.host?.isEmpty == false else { return false }
        return scheme == "https" || (scheme == "http" && isLoopback(c.host))
    }

    static func isLoopback(_ host: String?) -> Bool {
        guard let host = host?.lowercased() else { return false }
        return host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

/// A staff member who signs in through a provider: its subject (`sub`) there, the staff
/// username it is, and the role the configuration gives that user.
public struct StaffMapping: Sendable, Hashable {
    public var provider: String
    public var subject: String
    public var username: String
    public var role: StaffUser.Role
    public init(provider: String, subject: String, username: String, role: StaffUser.Role) {
        self.provider = provider; self.subject = subject; self.username = username; self.role = role
    }
}
