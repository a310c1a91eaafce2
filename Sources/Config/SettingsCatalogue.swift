import Foundation
import Mail
import Maps
import Petitions
import RateLimits
import Web

extension Setting {
    /// Every setting Miestas has, in the order `miestas config check` prints them. The defaults
    /// are the modules' own (what `Settings()` holds); this table only says how each is named,
    /// read and shown.
    public static var catalogue: [Setting] {
        municipality + populations + server + storage + map + intake + planning + petitions + limits + smtp + identity + [
            Setting("wms.extra_epsg", \.wmsExtraEPSG, .epsgCodes, aliases: ["MIESTAS_WMS_EXTRA_EPSG"],
                    help: "EPSG codes the WMS offers besides EPSG:4326, CRS:84, EPSG:3857 and EPSG:3346, e.g. [25832, 32634].",
                    show: { $0.isEmpty ? "[]" : "[" + $0.map(String.init).joined(separator: ", ") + "]" }),
        ]
    }

    static let municipality: [Setting] = [
        Setting("municipality.name", \.municipality.names, .names,
                help: "The municipality's name per language: name = { lt = \"...\", en = \"...\" }.", show: showNames),
        Setting("municipality.jurisdiction_id", \.municipality.jurisdictionID, .string,
                help: "Open311 jurisdiction_id, by convention the city's web domain. Default: the public URL's host, else localhost.",
                show: { $0.isEmpty ? "(the public URL's host, else localhost)" : $0 }),
        Setting("municipality.contact", \.municipality.contact, .string,
                help: "Who to contact about the API (Open311 discovery), e.g. \"IT department <it@example.org>\".",
                show: { $0.isEmpty ? "(the administrator of the jurisdiction)" : $0 }),
        Setting("municipality.time_zone", \.municipality.timeZone, .timeZone,
                help: "IANA time zone of Open311 dates, district statistics' days and weeks, and the pages. Default: the system's.",
                show: { $0.identifier }),
        Setting("municipality.default_language", \.web.defaultLanguage, .languageCode,
                help: "The language of pages and API texts unless a visitor asks for another.", show: { $0 }),
        Setting("municipality.languages", \.web.languages, Parser.list.map { codes in
                    guard !codes.isEmpty else { throw SettingProblem("must offer at least one language") }
                    for code in codes { _ = try Parser.languageCode.read(.text(code)) }
                    return codes
                },
                help: "The languages offered, in the language switch's order; each needs Data/web/i18n/<code>.json.",
                show: { "[" + $0.joined(separator: ", ") + "]" }),
    ]

    static let server: [Setting] = [
        Setting("server.host", \.server.host, .nonEmpty, aliases: ["HOST"], flag: "--host",
                help: "The address to listen on (0.0.0.0 for every interface).", show: { $0 }),
        Setting("server.port", \.server.port, .integer(1...65_535), aliases: ["PORT"], flag: "--port",
                help: "The port to listen on.", show: { String($0) }),
        Setting("server.log_level", \.server.logLevel, Parser.nonEmpty.map { level in
                    let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
                    guard levels.contains(level) else { throw SettingProblem("'\(level)' is not a log level (\(levels.joined(separator: ", ")))") }
                    return level
                }, flag: "--log-level", help: "trace, debug, info, notice, warning, error or critical.", show: { $0 }),
        Setting("server.public_url", \.server.publicURL, Parser.webAddress.optional, flag: "--public-url",
                help: "The address the public reaches the server at, e.g. https://miestas.example.org: photo and mail links start with it. Default: the Host the client used.",
                show: { $0?.absoluteString ?? "(the Host the client used)" }),
        Setting("server.trusted_proxies", \.server.trustedProxies, Parser.list.map { items in
                    for item in items where IPRange(item) == nil { throw SettingProblem("'\(item)' is not an IP address or CIDR range") }
                    return items
                },
                help: "Reverse proxies whose X-Forwarded-For names the client (addresses or CIDR ranges, e.g. [\"127.0.0.1\", \"10.0.0.0/8\"]).",
                show: { "[" + $0.joined(separator: ", ") + "]" }),
    ]

    static let storage: [Setting] = [
        Setting("storage.database", \.storage.database, .nonEmpty, aliases: ["MIESTAS_DATABASE"], flag: "--database",
                help: "The SpatiaLite database file (created with its folder on first use), or a PostgreSQL/PostGIS URL: postgres://USER@HOST:PORT/DB or postgresql:///DB?host=/socket/folder.",
                show: { $0 }),
        Setting("storage.media", \.storage.media, Parser.nonEmpty.optional, aliases: ["MIESTAS_MEDIA"], flag: "--media",
                help: "The folder of uploaded photos and files (servers sharing one PostgreSQL must share it). Default: media/ beside a SpatiaLite file, var/media with PostgreSQL.",
                show: { $0 ?? "(media/ beside the database, var/media with PostgreSQL)" }),
        Setting("storage.pool_size", \.storage.poolSize, .integer(1...200),
                help: "PostgreSQL only: the most database connections one process opens.", show: { String($0) }),
        Setting("storage.change_feed_poll", \.storage.changeFeedPoll, .number(0.05...60),
                help: "Seconds between reads of the change log when no doorbell rang (another server's or a command's changes show within this).",
                show: { Settings.show($0) }),
        Setting("storage.tile_cache", \.storage.tileCache, .nonEmpty, aliases: ["MIESTAS_TILE_CACHE"], flag: "--tile-cache",
                help: "The XYZ tile cache folder.", show: { $0 }),
    ]

    static let map: [Setting] = [
        Setting("map.center", \.web.initialView, Parser.coordinates.optional,
                help: "The map's first view [longitude, latitude]. Default: the districts' extent.",
                show: { $0.map { "[\(Settings.show($0.longitude)), \(Settings.show($0.latitude))]" } ?? "(the districts' extent)" }),
        Setting("map.zoom", \.web.initialZoom, .integer(0...19), help: "The first view's zoom level (with map.center).", show: { String($0) }),
        Setting("map.base_layer_url", \.web.baseLayerURL, Parser.string.optional, aliases: ["MIESTAS_WEB_BASE_LAYER"],
                help: "An external base map's tiles ({z}/{x}/{y}, e.g. OpenStreetMap's). Default: Miestas's own district tiles only.",
                show: { $0 ?? "(none)" }),
        Setting("map.base_layer_attribution", \.web.baseLayerAttribution, Parser.string.optional, aliases: ["MIESTAS_WEB_BASE_LAYER_ATTRIBUTION"],
                help: "The base layer's attribution text (required by most tile providers).", show: { $0 ?? "(none)" }),
        Setting("web.data", \.web.folder, Parser.nonEmpty.map { URL(fileURLWithPath: $0) }, aliases: ["MIESTAS_WEB_DATA"],
                help: "The folder of page templates, translations and static files.", show: { $0.path }),
    ]

    static let intake: [Setting] = [
        Setting("intake.similar_radius_m", \.intake.duplicateRadiusMetres, .number(0...10_000),
                help: "An open report of the same service closer than this (metres) is noted as a likely duplicate.", show: Settings.show),
        Setting("intake.similar_window_days", \.intake.duplicateWindow, Parser.number(0...3650).map { $0 * 86_400 },
                help: "... if it was made within this many days.", show: { Settings.show($0 / 86_400) }),
        Setting("intake.max_description", \.intake.maximumDescription, .integer(1...100_000),
                help: "The longest report description, in characters.", show: { String($0) }),
        Setting("intake.max_text", \.intake.maximumText, .integer(1...100_000),
                help: "The longest text attribute and address, in characters.", show: { String($0) }),
    ]

    static let planning: [Setting] = [
        Setting("planning.min_consultation_days", \.planning.minConsultationDays, .number(0...3650), flag: "--min-consultation-days",
                help: "The shortest consultation a planner may open, in days (0 allows any length).", show: Settings.show),
        Setting("planning.comment_max_distance_m", \.planning.commentMaxDistanceMetres, .number(0...1_000_000), flag: "--comment-max-distance",
                help: "How far from a plan's area a comment's location may lie, in metres.", show: Settings.show),
        Setting("planning.max_attachment_mb", \.planning.maxAttachmentBytes, Parser.number(0.001...1024).map { Int($0 * 1_048_576) },
                help: "The largest plan attachment, in MB.", show: { Settings.show(Double($0) / 1_048_576) }),
        Setting("planning.max_comment_attachment_mb", \.planning.maxCommentAttachmentBytes, Parser.number(0.001...1024).map { Int($0 * 1_048_576) },
                help: "The largest file a resident may attach to a comment, in MB.", show: { Settings.show(Double($0) / 1_048_576) }),
    ]

    static let petitions: [Setting] = [
        Setting("petitions.sponsors_needed", \.petitions.sponsorsNeeded, .integer(0...1000),
                help: "Sponsors a petition needs before it goes to moderation (0: straight to moderation).", show: { String($0) }),
        Setting("petitions.open_days", \.petitions.openDays, .integer(1...PetitionSettings.maximumOpenDays),
                help: "How long an approved petition collects signatures, in days (at most 365).", show: { String($0) }),
        Setting("petitions.response_threshold", \.petitions.thresholds.response, .integer(1...100_000_000),
                help: "Signatures at which the municipality must answer a petition.", show: { String($0) }),
        Setting("petitions.council_threshold", \.petitions.thresholds.council, .integer(1...100_000_000),
                help: "Signatures at which a petition goes onto the council's agenda.", show: { String($0) }),
        Setting("petitions.district_thresholds", \.petitions.districtThresholds, Parser<[String: String]>.names.map { table in
                    var out: [String: PetitionThresholds] = [:]
                    for (code, value) in table {
                        let parts = value.split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                        guard parts.count == 2, let response = parts[0], let council = parts[1], response > 0, council > 0 else {
                            throw SettingProblem("petitions.district_thresholds.\(code): '\(value)' is not response/council, e.g. \"300/600\"")
                        }
                        out[code] = PetitionThresholds(response: response, council: council)
                    }
                    return out
                },
                help: "Thresholds for petitions about one district, by district code: { D1 = \"300/600\" } (response/council).",
                show: { t in "{" + t.keys.sorted().map { "\($0) = \"\(t[$0]!.response)/\(t[$0]!.council)\"" }.joined(separator: ", ") + "}" }),
    ]

    static let populations: [Setting] = [
        Setting("municipality.district_populations", \.petitions.districtPopulations, Parser<[String: Int]>.populations,
                help: "Residents per district code, { D1 = 12500, D2 = 8300 }: petitions show signatures per 1,000 residents where known.",
                show: { t in "{" + t.keys.sorted().map { "\($0) = \(t[$0]!)" }.joined(separator: ", ") + "}" }),
    ]

    static let limits: [Setting] = [
        Setting("limits.reports_per_address", \.limits.reportsPerAddress, .rate,
                help: "Reports (web form and Open311 together) one client address may make: count/period (30/hour, 5/minute) or off.", show: showRate),
        Setting("limits.reports_per_api_key", \.limits.reportsPerAPIKey, .rate,
                help: "Open311 POSTs per API key.", show: showRate),
        Setting("limits.comments_per_address", \.limits.commentsPerAddress, .rate,
                help: "Comments on plans per client address.", show: showRate),
        Setting("limits.sign_ins_per_address", \.limits.signInsPerAddress, .rate,
                help: "Sign-in attempts per client address (besides the pause per username after failures).", show: showRate),
        Setting("limits.signatures_per_address", \.limits.signaturesPerAddress, .rate,
                help: "Petition signatures and sponsorships per client address.", show: showRate),
        Setting("limits.signatures_per_network", \.limits.signaturesPerNetwork, .rate,
                help: "Petition signatures per network (the address's /24, or /48 for IPv6).", show: showRate),
        Setting("limits.exempt", \.limits.exempt, Parser.list.map { items in
                    try items.map { item in
                        guard let range = IPRange(item) else { throw SettingProblem("'\(item)' is not an IP address or CIDR range") }
                        return range
                    }
                },
                help: "Addresses (or CIDR ranges) the per-address limits skip: a relay posting many residents' reports, e.g. an app's backend. Per-key limits still apply.",
                show: { "[" + $0.map(\.description).joined(separator: ", ") + "]" }),
    ]

    static let smtp: [Setting] = [
        Setting("smtp.host", \.smtp.host, Parser.nonEmpty.optional, flag: "--smtp-host",
                help: "The mail relay answers and notices go through. Without it they wait in the outbox (miestas outbox list).",
                show: { $0 ?? "(none: mail waits in the outbox)" }),
        Setting("smtp.port", \.smtp.port, .integer(1...65_535), flag: "--smtp-port", help: "The relay's port.", show: { String($0) }),
        Setting("smtp.from", \.smtp.from, Parser.nonEmpty.optional, flag: "--smtp-from",
                help: "The sender address of the messages, e.g. planavimas@example.org.", show: { $0 ?? "(none)" }),
        Setting("smtp.helo", \.smtp.helo, Parser.nonEmpty.optional, flag: "--smtp-helo",
                help: "The name this host gives the relay in EHLO. Default: the host name.", show: { $0 ?? "(the host name)" }),
        Setting("smtp.timeout_s", \.smtp.timeout, .number(0.1...3600), flag: "--smtp-timeout",
                help: "Seconds any one step of the SMTP conversation may take.", show: Settings.show),
        Setting("smtp.security", \.smtp.security, Parser.nonEmpty.map { text in
                    guard let s = SMTPClient.Security(rawValue: text.lowercased()) else {
                        throw SettingProblem("'\(text)' is not one of none, starttls, tls")
                    }
                    return s
                }, help: "none (a relay on this host or the city's network), starttls (submission, port 587) or tls (from the start, port 465).",
                show: { $0.rawValue }),
        Setting("smtp.username", \.smtp.username, Parser.nonEmpty.optional,
                help: "The relay's AUTH user, when it asks for one.", show: { $0 ?? "(none)" }),
        Setting("smtp.password", \.smtp.password, Parser.string.optional, secret: true,
                help: "The relay's AUTH password (masked by config check; better in MIESTAS_SMTP_PASSWORD than in the file).", show: { $0 ?? "(none)" }),
        Setting("smtp.ca_file", \.smtp.caFile, Parser.nonEmpty.optional,
                help: "A PEM file of authorities to trust for the relay's certificate (default: the system's).", show: { $0 ?? "(the system's)" }),
    ]

    private static func showNames(_ names: [String: String]) -> String {
        names.isEmpty ? "(none: \"Miestas\")" : "{ " + names.sorted { $0.key < $1.key }.map { "\($0.key) = \"\($0.value)\"" }.joined(separator: ", ") + " }"
    }

    private static func showRate(_ rate: Rate?) -> String { rate?.description ?? "off" }
}

extension Parser where Value == String {
    /// A language code as the translation files are named: two or three lowercase letters.
    static let languageCode = Parser.nonEmpty.map { code -> String in
        guard (2...3).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isLowercase }) else {
            throw SettingProblem("'\(code)' is not a language code (two or three lowercase letters, e.g. lt, en, nb)")
        }
        return code
    }
}

extension Parser where Value == MapView {
    /// [longitude, latitude] in the file, or "longitude,latitude" as text.
    static let coordinates = Parser<MapView> { raw in
        let numbers: [Double]
        switch raw {
        case .text(let t): numbers = t.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        case .file(.array(let items)):
            numbers = items.compactMap { item in
                switch item { case .integer(let n): Double(n); case .number(let n): n; default: nil }
            }
        case .file(let v): throw SettingProblem("expected [longitude, latitude], found \(v.kind)")
        }
        guard numbers.count == 2, (-180...180).contains(numbers[0]), (-90...90).contains(numbers[1]) else {
            throw SettingProblem("expected [longitude, latitude] in degrees, e.g. [23.90, 54.90]")
        }
        return MapView(longitude: numbers[0], latitude: numbers[1])
    }
}

extension Parser where Value == Rate? {
    static let rate = Parser<Rate?> { raw in
        let text: String
        switch raw {
        case .text(let t): text = t
        case .file(.string(let s)): text = s
        case .file(.boolean(false)): return nil
        case .file(let v): throw SettingProblem("expected a rate such as \"30/hour\" or \"off\", found \(v.kind)")
        }
        do { return try Rate.parse(text) } catch { throw SettingProblem("\(error)") }
    }
}

extension Parser where Value == [Int] {
    /// EPSG codes PROJ knows, as a list of integers or "EPSG:n" strings.
    static let epsgCodes = Parser<[Int]> { raw in
        var items: [String] = []
        switch raw {
        case .text(let t): items = t.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .file(.array(let values)):
            items = try values.map { v in
                switch v {
                case .integer(let n): return String(n)
                case .string(let s): return s
                default: throw SettingProblem("expected EPSG codes, found \(v.kind) in the list")
                }
            }
        case .file(let v): throw SettingProblem("expected a list of EPSG codes, found \(v.kind)")
        }
        return try items.map { item in
            let digits = item.uppercased().replacingOccurrences(of: "EPSG:", with: "")
            guard let code = Int(digits), (try? MapCRS("EPSG:\(code)")) != nil else {
                throw SettingProblem("'\(item)' is not an EPSG code PROJ knows")
            }
            return code
        }
    }
}
