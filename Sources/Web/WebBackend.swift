import Districts
import Foundation
import Hummingbird
import Identity
import Planning
import Reports
import Staff
import Store

/// A submitted HTML form: its text fields in order, and its file fields' bytes.
public struct WebForm: Sendable {
    public var fields: [(String, String)]
    public var files: [(name: String, bytes: [UInt8])]
    public init(fields: [(String, String)], files: [(name: String, bytes: [UInt8])] = []) { self.fields = fields; self.files = files }

    /// The last value of a text field, or nil when it is missing.
    public subscript(_ name: String) -> String? { fields.last { $0.0 == name }?.1 }
    /// Every value of a field (checkbox groups).
    public func all(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }
    /// A file field's bytes; nil when it is missing or empty (a browser sends an empty part when nothing was chosen).
    public func file(_ name: String) -> [UInt8]? { files.first { $0.name == name && !$0.bytes.isEmpty }?.bytes }
}

/// What the pages work with: the same services the JSON and Open311 APIs use, so every rule
/// (intake validation, the report workflow, the planning authorization table and stage rules,
/// staff sign-in) is applied by its own module, never by the pages.
public struct WebBackend: Sendable {
    public var store: SpatiaLiteStore
    public var intake: Intake
    public var consultations: Consultations
    public var accounts: StaffAccounts
    public var districts: [District]
    public var settings: WebSettings
    /// Reads a form body (url-encoded or multipart), at most `limit` bytes: the server's own
    /// parsers, with its body caps. Throws `WebFormError`.
    public var readForm: @Sendable (Request, _ limit: Int) async throws -> WebForm
    /// Told after a report's status changed (clusters and tiles follow).
    public var reportChanged: @Sendable (Report) -> Void
    /// Told after a planning write (the map's planning layers reload).
    public var plansChanged: @Sendable () -> Void
    /// The hotspots of a district's reports since a time, largest first: the same analysis, with
    /// the same defaults, as `GET /api/v1/districts/{code}/hotspots`, whose map the page draws.
    public var hotspots: @Sendable (_ districtCode: String, _ since: Date) -> [DistrictHotspot]
    /// Residents' sign-in through OpenID Connect providers; nil when none is configured (then
    /// the pages have no resident sign-in, and staff sign in with passwords only).
    public var identity: IdentityServices?

    public init(store: SpatiaLiteStore, intake: Intake, consultations: Consultations, accounts: StaffAccounts, districts: [District],
                settings: WebSettings, readForm: @escaping @Sendable (Request, Int) async throws -> WebForm,
                reportChanged: @escaping @Sendable (Report) -> Void, plansChanged: @escaping @Sendable () -> Void,
                hotspots: @escaping @Sendable (String, Date) -> [DistrictHotspot], identity: IdentityServices? = nil) {
        self.store = store; self.intake = intake; self.consultations = consultations; self.accounts = accounts
        self.districts = districts; self.settings = settings; self.readForm = readForm
        self.reportChanged = reportChanged; self.plansChanged = plansChanged; self.hotspots = hotspots; self.identity = identity
    }
}

/// A problem area as the district page lists it.
public struct DistrictHotspot: Sendable {
    public var reports: Int
    /// The services with the most reports in it, largest first, with their counts.
    public var services: [(code: String, count: Int)]
    public var latitude: Double, longitude: Double

    public init(reports: Int, services: [(code: String, count: Int)], latitude: Double, longitude: Double) {
        self.reports = reports; self.services = services; self.latitude = latitude; self.longitude = longitude
    }
}

/// Why a form body could not be read.
public enum WebFormError: Error {
    /// The body is over the limit.
    case tooLarge(kilobytes: Int)
    /// The body is not a well-formed form; the parser's reason.
    case malformed(String)
}

/// The pages' settings, read from the environment so `miestas serve` needs no new options.
public struct WebSettings: Sendable {
    /// Where the templates, translations and static files are (`Data/web`).
    public var folder: URL
    /// An external base map's tile URL (`{z}/{x}/{y}`), e.g. OpenStreetMap's; without it the map
    /// shows Miestas's own district tiles underneath. `$MIESTAS_WEB_BASE_LAYER`.
    public var baseLayerURL: String?
    /// The base layer's attribution text. `$MIESTAS_WEB_BASE_LAYER_ATTRIBUTION`.
    public var baseLayerAttribution: String?
    /// The server's public address (`--public-url`): cookies get `Secure` when it is https.
    public var publicURL: String?
    /// Leaflet's files (Debian's libjs-leaflet).
    public var leafletFolder: URL

    public init(folder: URL = WebSettings.defaultFolder, baseLayerURL: String? = nil, baseLayerAttribution: String? = nil,
                publicURL: String? = nil, leafletFolder: URL = URL(fileURLWithPath: "/usr/share/javascript/leaflet")) {
        self.folder = folder; self.baseLayerURL = baseLayerURL; self.baseLayerAttribution = baseLayerAttribution
        self.publicURL = publicURL; self.leafletFolder = leafletFolder
    }

    /// From the environment: `$MIESTAS_WEB_DATA`, `$MIESTAS_WEB_BASE_LAYER`, `$MIESTAS_WEB_BASE_LAYER_ATTRIBUTION`.
    public static func fromEnvironment(publicURL: String?) -> WebSettings {
        let env = ProcessInfo.processInfo.environment
        let base = env["MIESTAS_WEB_BASE_LAYER"].flatMap { $0.isEmpty ? nil : $0 }
        return WebSettings(folder: env["MIESTAS_WEB_DATA"].map { URL(fileURLWithPath: $0) } ?? defaultFolder, baseLayerURL: base,
                           baseLayerAttribution: env["MIESTAS_WEB_BASE_LAYER_ATTRIBUTION"], publicURL: publicURL)
    }

    /// `Data/web` in the working directory, else beside this source file's package (tests, `swift run`).
    public static var defaultFolder: URL {
        let local = URL(fileURLWithPath: "Data/web")
        if FileManager.default.fileExists(atPath: local.appendingPathComponent("templates").path) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Data/web")
    }

    /// The origin of the external base layer, for the Content-Security-Policy's img-src
    /// (`{s}` subdomains become a wildcard).
    var baseLayerOrigin: String? {
        guard let text = baseLayerURL, let schemeEnd = text.range(of: "://") else { return nil }
        let host = text[schemeEnd.upperBound...].prefix { $0 != "/" }
        guard !host.isEmpty else { return nil }
        return String(text[..<schemeEnd.upperBound]) + host.replacingOccurrences(of: "{s}", with: "*")
    }
}
