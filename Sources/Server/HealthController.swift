import Hummingbird
import RateLimits
import Store

/// `GET /healthz`: the database answers, and what it holds.
struct HealthController: Sendable {
    let services: AppServices

    func register(on router: Router<ClientRequestContext>) {
        router.get("healthz") { _, _ in try await health() }
    }

    func health() async throws -> Response {
        do {
            let count = try await services.store.districtCount()
            let reports = try await services.store.reportCount()
            let versions = try await services.store.libraryVersions()
            return jsonResponse([
                "status": JSONScalar.string("ok"),
                "database": .string(services.store.backend.rawValue),
                "districts": .int(count),
                "districts_indexed": .int(services.locator.districts.count),
                "services": .int(services.intake.services.count),
                "reports": .int(reports),
                "writer_queue": .int(services.intake.writerQueueDepth),
                "libraries": .object(versions.mapValues(JSONScalar.string)),
            ])
        } catch {
            return jsonResponse(["status": JSONScalar.string("unavailable"), "detail": .string("\(error)")],
                                status: .serviceUnavailable)
        }
    }
}
