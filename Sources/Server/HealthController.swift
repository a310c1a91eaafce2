import Foundation
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
                "change_feed": .object(Self.changeFeed(services.changes.position)),
                "libraries": .object(versions.mapValues(JSONScalar.string)),
            ])
        } catch {
            return jsonResponse(["status": JSONScalar.string("unavailable"), "detail": .string("\(error)")],
                                status: .serviceUnavailable)
        }
    }

    /// Where this server is in the change log and how far behind (a load balancer may drain a
    /// server whose lag grows).
    static func changeFeed(_ p: ChangeFollower.Position) -> [String: JSONScalar] {
        var out: [String: JSONScalar] = [
            "position": .string(p.cursor.description),
            "lag_seconds": .double(p.lagSeconds),
            "applied": .int(p.applied),
        ]
        if let read = p.lastRead { out["last_read"] = .string(ISO8601DateFormatter().string(from: read)) }
        if let error = p.error { out["error"] = .string(error) }
        return out
    }
}
