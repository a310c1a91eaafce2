import ArgumentParser
import Config
import Hummingbird
import Logging
import Planning
import Server

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP server (the web pages, Open311, the JSON API, WMS and tiles). Stops cleanly on SIGINT or SIGTERM.",
        discussion: "Every flag is a shorthand for a setting (server.host, server.port, ...); `miestas config check` shows them all.")

    @OptionGroup var options: SettingsOptions
    @Option(help: "The address to listen on (server.host; default 127.0.0.1).") var host: String?
    @Option(help: "The port to listen on (server.port; default 8080).") var port: String?
    @Option(help: "The server's public address, e.g. https://miestas.example.org (server.public_url): photo and mail links start with it. Default: the Host the client used.")
    var publicURL: String?
    @Option(help: "Log level (server.log_level): trace, debug, info, notice, warning, error.") var logLevel: String?
    @Option(help: "The shortest planning consultation a planner may open, in days (planning.min_consultation_days; 0 allows any length).")
    var minConsultationDays: String?
    @Option(help: "How far from a plan's area a comment's location may lie, in metres (planning.comment_max_distance_m).")
    var commentMaxDistance: String?
    @OptionGroup(title: "Mail to commenters") var smtp: SMTPOptions

    func run() async throws {
        let settings = try options.load([
            ("server.host", host, "--host"), ("server.port", port, "--port"), ("server.public_url", publicURL, "--public-url"),
            ("server.log_level", logLevel, "--log-level"), ("planning.min_consultation_days", minConsultationDays, "--min-consultation-days"),
            ("planning.comment_max_distance_m", commentMaxDistance, "--comment-max-distance"),
        ] + smtp.flags)
        var logger = Logger(label: "miestas")
        logger.logLevel = Logger.Level(rawValue: settings.server.logLevel) ?? .info
        let store = try await options.open(settings)
        let services: AppServices
        let loading = ContinuousClock.now
        do { services = try await AppServices.load(store: store, settings: settings) } catch { throw fail(error) }
        let loaded = ContinuousClock.now - loading
        logger.info("configuration: \(settings.file ?? "no file (defaults, environment, flags)"); municipality \(settings.municipality.name(in: settings.web.defaultLanguage)), jurisdiction \(settings.jurisdictionID), time zone \(settings.municipality.timeZone.identifier)")
        for warning in settings.warnings { logger.warning("\(warning)") }
        logger.info("database \(store.location): \(services.locator.districts.count) districts indexed, \(services.intake.services.count) services, loaded in \(loaded.components.seconds).\(loaded.components.attoseconds / 100_000_000_000_000_000) s")
        if let identity = settings.identity {
            logger.info("identity: providers \(identity.providers.map(\.id).joined(separator: ", ")), callback \(identity.redirectURI)")
        }
        if services.locator.districts.isEmpty { logger.warning("no districts: every report will be refused as outside the service area") }
        if services.intake.services.isEmpty { logger.warning("no services: import Data/services.json with `miestas services import`") }
        let app = buildApplication(services: services, logger: logger)
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
        // Other servers' (and commands') changes to this server's memory: see ChangeFollower.
        let follower = Task { [changes = services.changes, logger] in await changes.run(logger: logger) }
        defer { follower.cancel() }
        // Answers published reach their commenters within seconds when a relay is set.
        let delivery = settings.smtp.delivery(store: store)
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
        if delivery == nil { logger.info("mail: no smtp.host; answers to commenters wait in the outbox (`miestas outbox list`)") }
        try await app.runService()
    }
}
