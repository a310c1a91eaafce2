import ArgumentParser
import Hummingbird
import Identity
import Logging
import Planning
import Server

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP server (GET /healthz, GET /api/v1/locate). Stops cleanly on SIGINT or SIGTERM.")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080
    @Option(help: "The server's public address, e.g. https://miestas.kaunas.lt: photo links (media_url) start with it. Default: the Host the client used.")
    var publicURL: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"
    @Option(help: "The shortest planning consultation a planner may open, in days (0 allows any length).")
    var minConsultationDays: Double = 10
    @Option(help: "How far from a plan's area a comment's location may lie, in metres.")
    var commentMaxDistance: Double = 500
    @OptionGroup(title: "Mail to commenters") var smtp: SMTPOptions
    @Option(help: ArgumentHelp("Residents' sign-in through OpenID Connect providers: a JSON file of the identity settings (README: Residents' identity).",
                               valueName: "file"))
    var identity: String?

    func run() async throws {
        var logger = Logger(label: "miestas")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let store = try db.open()
        let services: AppServices
        guard minConsultationDays >= 0, minConsultationDays.isFinite else { throw fail("--min-consultation-days must be 0 or more") }
        guard commentMaxDistance >= 0, commentMaxDistance.isFinite else { throw fail("--comment-max-distance must be 0 or more") }
        let delivery = try smtp.delivery(store: store)
        let planning = PlanningSettings(minConsultationDays: minConsultationDays, commentMaxDistanceMetres: commentMaxDistance, publicURL: publicURL)
        let identitySettings: IdentitySettings?
        do { identitySettings = try identity.map { try IdentityConfiguration.load(json: $0) } } catch { throw fail(error) }
        do {
            services = try await AppServices.load(store: store, open311: Open311Settings(publicURL: publicURL), planning: planning,
                                                  identity: identitySettings)
        } catch { throw fail(error) }
        if let identitySettings { logger.info("identity: \(identitySettings.providers.map(\.id).joined(separator: ", ")), callback \(identitySettings.redirectURI)") }
        logger.info("database \(store.path): \(services.locator.districts.count) districts indexed, \(services.intake.services.count) services")
        if services.locator.districts.isEmpty { logger.warning("no districts: every report will be refused as outside the service area") }
        if services.intake.services.isEmpty { logger.warning("no services: import Data/services.json with `miestas services import`") }
        let app = buildApplication(services: services,
                                   configuration: ServerConfiguration(host: host, port: port), logger: logger)
        // Consultations open and close by the clock whatever runs; this records each opening
        // and closing in the audit log within a few seconds of its time, even if nobody looks.
        let windows = Task { [consultations = services.consultations, maps = services.maps, store, logger] in
            while !Task.isCancelled {
                do { try await consultations.observeWindows() } catch { logger.warning("recording consultation windows: \(error)") }
                do { try await maps.refreshPlans(from: store) } catch { logger.warning("reloading the planning map layers: \(error)") }
                try? await Task.sleep(for: .seconds(5))
            }
        }
        defer { windows.cancel() }
        // Answers published reach their commenters within seconds when a relay is set.
        let mail = delivery.map { delivery in
            Task { [logger] in
                logger.info("mail: answers to commenters go through \(delivery.client.host):\(delivery.client.port) from \(delivery.from)")
                while !Task.isCancelled {
                    do {
                        let round = try await delivery.deliverDue()
                        if !round.isEmpty { logger.info("outbox: \(round.sent) sent, \(round.deferred) to retry later, \(round.failed) failed") }
                    } catch { logger.warning("outbox: \(error)") }
                    try? await Task.sleep(for: .seconds(5))
                }
            }
        }
        defer { mail?.cancel() }
        if delivery == nil { logger.info("mail: no --smtp-host; answers to commenters wait in the outbox (`miestas outbox list`)") }
        try await app.runService()
    }
}
