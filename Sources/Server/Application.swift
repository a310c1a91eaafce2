import Districts
import Foundation
import Hummingbird
import Identity
import Logging
import Planning
import Reports
import Staff
import Store
import Web

/// Where and how the server listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public init(host: String = "127.0.0.1", port: Int = 8080) { self.host = host; self.port = port }
}

/// What the routes work with: the stores and the in-memory indexes built from them.
public struct AppServices: Sendable {
    public let store: SpatiaLiteStore
    public let locator: DistrictLocator
    public let intake: Intake
    let clusters: MapClusters
    /// WMS and tiles.
    public let maps: MapService
    public let open311: Open311Settings
    public let telemetry = Telemetry()
    /// Planning consultations over the same store (settings: `--min-consultation-days`, ...).
    public let consultations: Consultations
    /// Staff sign-in, one for the API and the pages (they share its throttle of failed attempts).
    public let accounts: StaffAccounts
    /// Residents' sign-in through identity providers (nil when none is configured), and the
    /// emails to residents about their reports.
    public let identity: IdentityServices?
    let notices: StatusNotices?

    init(store: SpatiaLiteStore, locator: DistrictLocator, intake: Intake, clusters: MapClusters, maps: MapService, open311: Open311Settings = .init(),
         planning: PlanningSettings = .init(), identity: IdentitySettings? = nil) {
        self.store = store; self.locator = locator; self.intake = intake; self.clusters = clusters; self.maps = maps; self.open311 = open311
        self.consultations = Consultations(store: store, users: store, media: MediaLibrary(besideDatabase: store.path), settings: planning)
        self.accounts = StaffAccounts(store: store)
        self.identity = identity.map { IdentityServices(settings: $0, store: store) }
        notices = identity.flatMap { settings in
            try? StatusNotices(folder: WebSettings.fromEnvironment(publicURL: open311.publicURL).folder, store: store,
                               services: intake.services, siteURL: open311.publicURL ?? settings.afterSignOutURI)
        }
    }

    /// Everything built from what the store holds: the district index, the catalogue, the
    /// open reports (for duplicates) and the map's clusters. Tiles are cached under `tileCache`
    /// (default `MapService.defaultCacheFolder`).
    public static func load(store: SpatiaLiteStore, open311: Open311Settings = .init(), planning: PlanningSettings = .init(),
                            tileCache: URL? = nil, identity: IdentitySettings? = nil) async throws -> AppServices {
        let locator = try DistrictLocator(districts: try await store.districts())
        let catalogue = try await store.services()
        let clusters = try MapClusters(points: try await store.reportPoints(districtCode: nil), catalogue: catalogue.map(\.code),
                                       districts: locator.districts.map(\.code))
        let maps = MapService(clusters: clusters, districts: locator.districts, cacheFolder: tileCache ?? MapService.defaultCacheFolder)
        let intake = Intake(services: catalogue, locator: locator, store: store, media: MediaLibrary(besideDatabase: store.path),
                            afterCommit: { clusters.add($0); maps.reportChanged($0) })
        try await intake.loadOpenReports()
        try await maps.refreshPlans(from: store)
        return AppServices(store: store, locator: locator, intake: intake, clusters: clusters, maps: maps, open311: open311, planning: planning,
                           identity: identity)
    }
}

/// Assembles the Hummingbird application from its services (the shape Hummingbird's examples use).
public func buildApplication(services: AppServices, configuration: ServerConfiguration = .init(),
                             logger: Logger = Logger(label: "miestas")) -> some ApplicationProtocol {
    let router = buildRouter(services: services)
    return Application(router: router,
                       configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                            serverName: "Miestas"),
                       logger: logger)
}

public func buildRouter(services: AppServices) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware(telemetry: services.telemetry))
    router.add(middleware: ProblemMiddleware())
    router.get("openapi.json") { _, _ in
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            throw Problem(.internalServerError, "the OpenAPI document is missing from this build")
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }
    router.get("metrics") { _, _ in
        let text = services.telemetry.render(writerQueue: services.intake.writerQueueDepth, writerTotals: services.intake.writerTotals,
                                                   openReports: services.intake.openReports.count)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
    HealthController(services: services).register(on: router)
    if let media = services.intake.media { MediaController(library: media).register(on: router) }
    LocateController(locator: services.locator).register(on: router)
    let auth = StaffAuth(accounts: services.accounts)
    auth.register(on: router)
    ReportsController(store: services.store, openReports: services.intake.openReports, auth: auth,
                      statusChanged: { services.reportStatusChanged($0) }).register(on: router)
    ClustersController(clusters: services.clusters).register(on: router)
    WMSController(maps: services.maps, publicURL: services.open311.publicURL).register(on: router)
    TilesController(maps: services.maps).register(on: router)
    HotspotsController(clusters: services.clusters).register(on: router)
    DistrictsController(districts: services.locator.districts, statistics: services.store, services: services.intake.services,
                        locale: services.open311.locale).register(on: router)
    FeedsController(store: services.store, services: services.intake.services, locale: services.open311.locale).register(on: router)
    PlansController(consultations: services.consultations, accounts: services.accounts,
                    changed: { services.plansChanged() }).register(on: router)
    let requests = Open311Requests(intake: services.intake, reports: services.store, apiKeys: APIKeyCache(store: services.store),
                                   settings: services.open311, telemetry: services.telemetry)
    Open311Controller(services: services.intake.catalogue, settings: services.open311, requests: requests).register(on: router)
    ResidentController(identity: services.identity).register(on: router)
    // The web pages (Sources/Web): the public map, report form, district and consultation
    // pages, and the staff workspace, over the same services.
    WebPages.register(on: router, backend: services.webBackend())
    return router
}
