import Foundation

/// How fast one client may write anonymously (`[limits]` in the configuration). nil: no limit.
public struct RateLimitSettings: Sendable {
    /// Reports (the web form and Open311 POST together) per client address.
    public var reportsPerAddress: Rate? = Rate(count: 60, period: 3600)
    /// Open311 POSTs per API key (an app forwarding its users' reports sends from one key).
    public var reportsPerAPIKey: Rate? = Rate(count: 1000, period: 60)
    /// Comments on plans per client address.
    public var commentsPerAddress: Rate? = Rate(count: 20, period: 3600)
    /// Sign-in attempts per client address (on top of the per-username pause).
    public var signInsPerAddress: Rate? = Rate(count: 30, period: 600)
    /// Petition signatures (and sponsorships) per client address.
    public var signaturesPerAddress: Rate? = Rate(count: 20, period: 3600)
    /// Petition signatures per network: the address's /24 (IPv4) or /48 (IPv6).
    public var signaturesPerNetwork: Rate? = Rate(count: 200, period: 3600)
    /// Addresses the per-address limits do not apply to: a relay that forwards many residents'
    /// reports from one address (an app's backend, FixMyStreet). Per-key limits still apply.
    public var exempt: [IPRange] = []
    /// Clients tracked per limit before the quietest are forgotten.
    public var trackedClients = 100_000
    public init() {}

    /// Every limit off (tests of other things, benchmarks of intake without the limiter).
    public static var none: RateLimitSettings {
        var s = RateLimitSettings()
        s.reportsPerAddress = nil; s.reportsPerAPIKey = nil; s.commentsPerAddress = nil; s.signInsPerAddress = nil
        s.signaturesPerAddress = nil; s.signaturesPerNetwork = nil
        return s
    }
}

/// The anonymous writes that are limited per client.
public enum LimitedWrite: String, Sendable, CaseIterable {
    case report, comment, signIn = "sign_in"
    /// A petition signature or sponsorship, per address; `signatureNetwork` counts the same per network.
    case signature, signatureNetwork = "signature_network"
}

/// Every per-client limit of one server process, with the rule for telling clients apart.
public final class ClientLimits: Sendable {
    public let settings: RateLimitSettings
    public let addresses: ClientAddressResolver
    private let perAddress: [LimitedWrite: RateLimiter]
    private let perAPIKey: RateLimiter?

    public init(settings: RateLimitSettings = .init(), addresses: ClientAddressResolver = .init()) {
        self.settings = settings
        self.addresses = addresses
        let rates: [LimitedWrite: Rate?] = [.report: settings.reportsPerAddress, .comment: settings.commentsPerAddress,
                                            .signIn: settings.signInsPerAddress, .signature: settings.signaturesPerAddress,
                                            .signatureNetwork: settings.signaturesPerNetwork]
        perAddress = rates.compactMapValues { $0.map { RateLimiter(rate: $0, capacity: settings.trackedClients) } }
        perAPIKey = settings.reportsPerAPIKey.map { RateLimiter(rate: $0, capacity: settings.trackedClients) }
    }

    /// No limits at all.
    public static let unlimited = ClientLimits(settings: .none)

    /// Counts one `write` by `client` (and, for reports through Open311, by `apiKey`): nil when
    /// allowed, else the seconds to wait (`Retry-After`). A write the key's limit refuses is not
    /// counted against the address.
    public func admit(_ write: LimitedWrite, client: String, apiKey: String? = nil, at now: Date = Date()) -> TimeInterval? {
        if let apiKey, write == .report, let wait = perAPIKey?.take(apiKey, at: now) { return wait }
        if settings.exempt.contains(where: { $0.contains(client) }) { return nil }
        return perAddress[write]?.take(client, at: now)
    }
}

/// A write refused because its client is over a limit: a 429 with `Retry-After` in every format.
public struct TooManyRequests: Error, Sendable, CustomStringConvertible {
    public let write: LimitedWrite
    /// Whole seconds until the next write would be allowed (at least 1).
    public let retryAfter: Int

    public var description: String {
        let what = switch write { case .report: "reports"; case .comment: "comments"; case .signIn: "sign-in attempts"
            case .signature: "petition signatures"; case .signatureNetwork: "petition signatures from this network" }
        return "too many \(what) from this client: try again in \(retryAfter) s"
    }
}

extension ClientLimits {
    /// The network a client address belongs to for per-network limits: its /24 (IPv4) or /48 (IPv6).
    public static func network(of client: String) -> String {
        if client.contains(":") {
            let groups = client.split(separator: ":", omittingEmptySubsequences: false)
            return groups.prefix(3).joined(separator: ":") + "::/48"
        }
        let octets = client.split(separator: ".")
        guard octets.count == 4 else { return client }
        return octets.prefix(3).joined(separator: ".") + ".0/24"
    }

    /// `admit`, throwing `TooManyRequests` when refused.
    public func check(_ write: LimitedWrite, client: String, apiKey: String? = nil, at now: Date = Date()) throws(TooManyRequests) {
        if let wait = admit(write, client: client, apiKey: apiKey, at: now) {
            throw TooManyRequests(write: write, retryAfter: max(1, Int(wait.rounded(.up))))
        }
    }

    /// A petition signature or sponsorship: counted per address, then per network (an exempt
    /// address is limited by neither).
    public func checkSignature(client: String, at now: Date = Date()) throws(TooManyRequests) {
        try check(.signature, client: client, at: now)
        if !settings.exempt.contains(where: { $0.contains(client) }) {
            try check(.signatureNetwork, client: Self.network(of: client), at: now)
        }
    }
}
