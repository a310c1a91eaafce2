import Config
import Districts
import Foundation
import Hummingbird
import Identity
import Logging
import Maps
import Petitions
import Planning
import RateLimits
import Reports
import Staff
import Store
import Web

/// What the routes work with: the stores and the in-memory indexes built from them.
public struct AppServices: Sendable {
    public let store: any MiestasStore
    public let locator: DistrictLocator
    public let intake: Intake
    let clusters: MapClusters
    /// WMS and tiles.
    public let maps: MapService
    public let open311: Open311Settings
    /// The configuration everything above was built from.
    public let settings: Settings
    /// The municipality's local time (Open311 dates, statistics' days and weeks, the pages).
    public let time: LocalTime
    /// Per-client limits on anonymous writes, and who the client is behind a proxy.
    public let limits: ClientLimits
    public let telemetry = Telemetry()
    /// Planning consultations over the same store (settings: `--min-consultation-days`, ...).
    public let consultations: Consultations
    /// E-petitions over the same store (settings: `petitions.*`).
    public let petitions: Petitions
    /// Staff sign-in, one for the API and the pages (they share its throttle of failed attempts).
    public let accounts: StaffAccounts
    /// Residents' sign-in through identity providers (nil when none is configured), and the
    /// emails to residents about their reports.
    public let identity: IdentityServices?
    let notices: StatusNotices?
    /// Valid API keys remembered for a few seconds (forgotten when another server changes keys).
    let apiKeys: APIKeyCache
    /// What other processes change, applied here (`ChangeFollower`); `miestas serve` runs it.
    public let changes: ChangeFollower
    /// Signs the pages' forms, the same on every server of the database.
    let formKey: [UInt8]

    /// Everything built from the settings and what the store holds: the district index, the
    /// catalogue, the open reports (for duplicates) and the map's clusters.
    public static func load(store: any MiestasStore, settings: Settings = Settings()) async throws -> AppServices {
        try await AppServices(store: store, settings: settings)
    }

    private init(store: any MiestasStore, settings: Settings) async throws {
        let time = LocalTime(settings.municipality.timeZone)
        let publicURL = settings.server.publicURL?.absoluteString
        // The store was opened with the media folder the settings name (`storage.media`).
        let media = store.media
        // Read before anything is loaded: what commits during the load comes again from the feed.
        let head = try await store.changeFeedHead()
        let locator = try DistrictLocator(districts: try await store.districts())
        let catalogue = try await store.services()
        let clusters = try MapClusters(points: try await store.reportPoints(districtCode: nil), catalogue: catalogue.map(\.code),
                                       districts: locator.districts.map(\.code))
        let wms = WMSSettings(title: "Miestas — \(settings.municipality.name(in: settings.web.defaultLanguage))", extraEPSGCodes: settings.wmsExtraEPSG)
        let maps = MapService(clusters: clusters, districts: locator.districts, cacheFolder: URL(fileURLWithPath: settings.storage.tileCache), settings: wms)
        let intake = Intake(services: catalogue, locator: locator, store: store, media: media, settings: settings.intake,
                            afterCommit: { clusters.add($0); maps.reportChanged($0) })
        try await intake.loadOpenReports()
        try await maps.refreshPlans(from: store)
        var planning = settings.planning
        planning.publicURL = publicURL
        self.store = store; self.locator = locator; self.intake = intake; self.clusters = clusters; self.maps = maps
        self.settings = settings
        self.time = time
        self.open311 = Open311Settings(jurisdiction: settings.jurisdictionID, contact: settings.municipality.contact,
                                       locale: settings.web.defaultLanguage, publicURL: publicURL, time: time)
        self.consultations = Consultations(store: store, users: store, media: media, settings: planning)
        self.accounts = StaffAccounts(store: store)
        // The answer's emails to subscribers: residents subscribe, so only with identity configured.
        let petitionNotices = settings.identity.flatMap { identity in
            try? PetitionNotices(folder: settings.web.folder, siteURL: publicURL ?? identity.afterSignOutURI)
        }
        var answerNotice: (@Sendable (Petition, PetitionSubscriber) -> NewOutboxMessage)?
        if let petitionNotices { answerNotice = { petitionNotices.answered($0, $1) } }
        self.petitions = Petitions(store: store, settings: settings.petitions, answerNotice: answerNotice)
        self.identity = settings.identity.map { IdentityServices(settings: $0, store: store) }
        notices = settings.identity.flatMap { identity in
            try? StatusNotices(folder: settings.web.folder, store: store, services: intake.services,
                               siteURL: publicURL ?? identity.afterSignOutURI)
        }
        self.limits = ClientLimits(settings: settings.limits,
                                   addresses: ClientAddressResolver(trustedProxies: settings.server.trustedProxies.compactMap(IPRange.init)))
        let apiKeys = APIKeyCache(store: store)
        self.apiKeys = apiKeys
        formKey = try await store.sharedSecret("web.forms")
        self.changes = ChangeFollower(store: store, from: head, pollInterval: .milliseconds(Int(settings.storage.changeFeedPoll * 1000)),
                                      apply: ChangeApplier(store: store, clusters: clusters, maps: maps, intake: intake, apiKeys: apiKeys).apply)
    }
}

/// Assembles the Hummingbird application from its services (the shape Hummingbird's examples use).
/// It listens where `services.settings.server` says.
public func buildApplication(services: AppServices, logger: Logger = Logger(label: "miestas")) -> some ApplicationProtocol {
    let router = buildRouter(services: services)
    let listening = services.settings.server
    return Application(router: router,
                       configuration: .init(address: .hostname(listening.host, port: listening.port), serverName: "Miestas"),
                       logger: logger)
}

public func buildRouter(services: AppServices) -> Router<ClientRequestContext> {
    let router = Router(context: ClientRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware(telemetry: services.telemetry))
    router.add(middleware: ProblemMiddleware(telemetry: services.telemetry))
    router.get("openapi.json") { _, _ in
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            throw Problem(.internalServerError, "the OpenAPI document is missing from this build")
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }
    router.get("metrics") { _, _ in
        let text = services.telemetry.render(writerQueue: services.intake.writerQueueDepth, writerTotals: services.intake.writerTotals,
                                                   openReports: services.intake.openReports.count,
                                                   changeFeedLag: services.changes.position.lagSeconds, clustersCache: services.clusters.answers)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
    HealthController(services: services).register(on: router)
    if let media = services.intake.media { MediaController(library: media).register(on: router) }
    LocateController(locator: services.locator).register(on: router)
    let auth = StaffAuth(accounts: services.accounts, limits: services.limits)
    auth.register(on: router)
    ReportsController(store: services.store, openReports: services.intake.openReports, auth: auth, time: services.time,
                      statusChanged: { services.reportStatusChanged($0) }).register(on: router)
    ClustersController(clusters: services.clusters, telemetry: services.telemetry, time: services.time).register(on: router)
    WMSController(maps: services.maps, petitions: services.petitions, locator: services.locator, publicURL: services.open311.publicURL).register(on: router)
    TilesController(maps: services.maps).register(on: router)
    HotspotsController(clusters: services.clusters, time: services.time).register(on: router)
    DistrictsController(districts: services.locator.districts, statistics: services.store, services: services.intake.services,
                        locale: services.open311.locale, time: services.time).register(on: router)
    FeedsController(store: services.store, services: services.intake.services, locale: services.open311.locale, time: services.time,
                    municipality: services.settings.municipality.name(in: services.open311.locale)).register(on: router)
    PlansController(consultations: services.consultations, accounts: services.accounts, limits: services.limits,
                    changed: { services.plansChanged() }).register(on: router)
    let requests = Open311Requests(intake: services.intake, reports: services.store, apiKeys: services.apiKeys,
                                   settings: services.open311, telemetry: services.telemetry, limits: services.limits)
    Open311Controller(services: services.intake.catalogue, settings: services.open311, requests: requests).register(on: router)
    ResidentController(identity: services.identity).register(on: router)
    PetitionsController(petitions: services.petitions, identity: services.identity, accounts: services.accounts, limits: services.limits,
                        locator: services.locator, publicURL: services.settings.server.publicURL?.absoluteString).register(on: router)
    // The web pages (Sources/Web): the public map, report form, district and consultation
    // pages, and the staff workspace, over the same services.
    WebPages.register(on: router, backend: services.webBackend())
    return router
}
