import Foundation
import Identity
import Mail
import Petitions
import Planning
import RateLimits
import Reports
import Web

/// The municipality a server works for: nothing about it is written in the code.
public struct Municipality: Sendable {
    /// Its name per language code ("lt" → "Kauno miesto savivaldybė").
    public var names: [String: String] = [:]
    /// Open311's `jurisdiction_id` (the city's web domain, as the spec suggests). Empty: the
    /// public URL's host, else "localhost" (`Settings.jurisdictionID`).
    public var jurisdictionID = ""
    /// Who to contact about the API, for Open311 discovery.
    public var contact = ""
    /// Local time for Open311 dates, day and week boundaries and the pages. Default: the system's.
    public var timeZone = TimeZone.current

    public init() {}

    /// The name in `language`, else with no language given, else any, else "Miestas".
    public func name(in language: String) -> String {
        names[language] ?? names[""] ?? names.values.sorted().first ?? "Miestas"
    }
}

/// Where the server listens and how the public reaches it.
public struct Listening: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var logLevel = "info"
    /// The address the public reaches the server at (photo links, links in mail, `Secure` cookies).
    public var publicURL: URL?
    /// Proxies whose `X-Forwarded-For` is believed (addresses or CIDR ranges).
    public var trustedProxies: [String] = []
    public init() {}
}

/// Where the data lives.
public struct Storage: Sendable {
    /// A SpatiaLite file (created with its folder on first use), or a PostgreSQL/PostGIS URL.
    public var database = "var/miestas.sqlite"
    /// Uploaded photos and files. nil: `media/` beside a SpatiaLite file, `var/media` with
    /// PostgreSQL (several servers on one database must share one folder).
    public var media: String?
    /// PostgreSQL only: the most connections one process opens.
    public var poolSize = 10
    /// How often a server reads the change log when no doorbell rang, in seconds.
    public var changeFeedPoll = 1.0
    /// The XYZ tile cache.
    public var tileCache = "Tiles/cache"
    public init() {}

    /// The media folder in effect.
    public var mediaFolder: String {
        if let media { return media }
        if isPostgreSQL { return "var/media" }
        return URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent("media").path
    }

    /// True when `database` is a PostgreSQL URL rather than a file.
    public var isPostgreSQL: Bool {
        let lower = database.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }
}

/// Everything configurable, read once at start (`SettingsLoader`) and handed down: each module
/// receives the part it needs (its own settings type, the time zone) and never reads the
/// environment itself. Defaults are the modules' own (`IntakeSettings()`, `PlanningSettings()`).
public struct Settings: Sendable {
    public var municipality = Municipality()
    public var server = Listening()
    public var storage = Storage()
    public var intake = IntakeSettings()
    public var planning = PlanningSettings()
    /// E-petitions: sponsors, the open period, thresholds.
    public var petitions = PetitionSettings()
    /// The pages: languages, templates folder, the map's first view and base layer.
    public var web = WebSettings()
    public var smtp = SMTPSettings()
    /// Per-client limits on anonymous writes.
    public var limits = RateLimitSettings()
    /// Residents' sign-in (`[identity]`); `identity` is nil while no provider is configured.
    public var identityConfig = IdentitySettings(providers: [], redirectURI: "")
    /// Extra EPSG codes the WMS offers beyond EPSG:4326, CRS:84, EPSG:3857 and EPSG:3346.
    public var wmsExtraEPSG: [Int] = []

    /// The file read, if any.
    public internal(set) var file: String?
    /// Where each setting's value came from, by key.
    public internal(set) var origins: [String: SettingOrigin] = [:]
    /// Things worth saying that are not errors (an unknown `MIESTAS_*` variable).
    public internal(set) var warnings: [String] = []

    public init() {}

    /// The Open311 jurisdiction in effect (see `Municipality.jurisdictionID`).
    public var jurisdictionID: String {
        if !municipality.jurisdictionID.isEmpty { return municipality.jurisdictionID }
        return server.publicURL?.host ?? "localhost"
    }

    /// A number as a person writes it: 30, 0.5, 1000000.
    static func show(_ n: Double) -> String {
        n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
    }
}
