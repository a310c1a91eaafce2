import ArgumentParser
import Hummingbird
import Logging
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

    func run() async throws {
        var logger = Logger(label: "miestas")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let store = try db.open()
        let services: AppServices
        do { services = try await AppServices.load(store: store, open311: Open311Settings(publicURL: publicURL)) } catch { throw fail(error) }
        logger.info("database \(store.path): \(services.locator.districts.count) districts indexed, \(services.intake.services.count) services")
        if services.locator.districts.isEmpty { logger.warning("no districts: every report will be refused as outside the service area") }
        if services.intake.services.isEmpty { logger.warning("no services: import Data/services.json with `miestas services import`") }
        let app = buildApplication(services: services,
                                   configuration: ServerConfiguration(host: host, port: port), logger: logger)
        try await app.runService()
    }
}
