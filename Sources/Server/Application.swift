import Districts
import Foundation
import Hummingbird
import Logging
import Store

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
    public let open311: Open311Settings
    public init(store: SpatiaLiteStore, locator: DistrictLocator, open311: Open311Settings = .init()) {
        self.store = store; self.locator = locator; self.open311 = open311
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
    router.add(middleware: ProblemMiddleware())
    HealthController(services: services).register(on: router)
    LocateController(locator: services.locator).register(on: router)
    Open311Controller(services: services.store, settings: services.open311).register(on: router)
    return router
}
