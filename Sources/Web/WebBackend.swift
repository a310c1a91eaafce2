import Districts
import Foundation
import Hummingbird
import Identity
import Petitions
import Planning
import RateLimits
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
    public var store: any MiestasStore
    /// Signs the forms' CSRF tokens: the same on every server of one database (a shared secret
    /// in the store), so a form drawn by one server may be posted to another.
    public var formKey: [UInt8]
    public var intake: Intake
    public var consultations: Consultations
    public var accounts: StaffAccounts
    public var districts: [District]
    public var settings: WebSettings
    /// The municipality's local time, which the pages show times in.
    public var time: LocalTime
    /// Per-client limits on the anonymous forms (reports, comments, sign-in).
    public var limits: ClientLimits
    /// Reads a form body (url-encoded or multipart), at most `limit` bytes: the server's own
    /// parsers, with its body caps. Throws `WebFormError`.
    public var readForm: @Sendable (Request, _ limit: Int) async throws -> WebForm
    /// Told after a report's status changed (clusters and tiles follow).
    public var reportChanged: @Sendable (Report) -> Void
    /// Told after a planning write (the map's planning layers reload).
    public var plansChanged: @Sendable () -> Void
    /// Told of a write refused by a per-client limit, and of a form a bot filled in (metrics).
    public var rateLimited: @Sendable (LimitedWrite) -> Void = { _ in }
    public var honeypot: @Sendable (_ form: String) -> Void = { _ in }
    /// The hotspots of a district's reports since a time, largest first: the same analysis, with
    /// the same defaults, as `GET /api/v1/districts/{code}/hotspots`, whose map the page draws.
    public var hotspots: @Sendable (_ districtCode: String, _ since: Date) -> [DistrictHotspot]
    /// Residents' sign-in through OpenID Connect providers; nil when none is configured (then
    /// the pages have no resident sign-in, and staff sign in with passwords only).
    public var identity: IdentityServices?
    /// E-petitions: the same rules the JSON API applies.
    public var petitions: Petitions?

    public init(store: any MiestasStore, intake: Intake, consultations: Consultations, accounts: StaffAccounts, districts: [District],
                settings: WebSettings, time: LocalTime, limits: ClientLimits, readForm: @escaping @Sendable (Request, Int) async throws -> WebForm,
                reportChanged: @escaping @Sendable (Report) -> Void, plansChanged: @escaping @Sendable () -> Void,
                rateLimited: @escaping @Sendable (LimitedWrite) -> Void = { _ in }, honeypot: @escaping @Sendable (String) -> Void = { _ in },
                hotspots: @escaping @Sendable (String, Date) -> [DistrictHotspot],
                formKey: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }, identity: IdentityServices? = nil,
                petitions: Petitions? = nil) {
        self.formKey = formKey
        self.store = store; self.intake = intake; self.consultations = consultations; self.accounts = accounts
        self.districts = districts; self.settings = settings; self.time = time; self.limits = limits; self.readForm = readForm
        self.reportChanged = reportChanged; self.plansChanged = plansChanged; self.hotspots = hotspots
        self.rateLimited = rateLimited; self.honeypot = honeypot; self.identity = identity
        self.petitions = petitions
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

/// A point and zoom the maps open at.
public struct MapView: Sendable, Equatable {
    public var longitude: Double
    public var latitude: Double
    public init(longitude: Double, latitude: Double) { self.longitude = longitude; self.latitude = latitude }
}

/// The pages' settings (`[map]`, `municipality.languages`, `web.data` in the configuration).
public struct WebSettings: Sendable {
    /// Where the templates, translations and static files are (`Data/web`).
    public var folder = WebSettings.defaultFolder
    /// The languages offered, in the language switch's order; each has `i18n/<code>.json`.
    public var languages = ["lt", "en"]
    /// The language of a visitor who has not chosen one and whose browser asks for none offered.
    public var defaultLanguage = "lt"
    /// The municipality's name per language, shown beside the product's in the header.
    public var municipalityNames: [String: String] = [:]
    /// Where the maps open; nil: fitted to the districts.
    public var initialView: MapView?
    public var initialZoom = 12
    /// An external base map's tile URL (`{z}/{x}/{y}`), e.g. OpenStreetMap's; without it the map
    /// shows Miestas's own district tiles underneath.
    public var baseLayerURL: String?
    /// The base layer's attribution text.
    public var baseLayerAttribution: String?
    /// The server's public address (`server.public_url`): cookies get `Secure` when it is https.
    public var publicURL: String?
    /// Leaflet's files (Debian's libjs-leaflet).
    public var leafletFolder = URL(fileURLWithPath: "/usr/share/javascript/leaflet")

    public init() {}

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
