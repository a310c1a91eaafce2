import Foundation
import Logging
import Reports
import Store

/// What another process's changes mean for this server's memory: the same steps this server
/// takes after its own writes (`Intake.afterCommit`, `reportStatusChanged`, `plansChanged`).
struct ChangeApplier: Sendable {
    let store: any MiestasStore
    let clusters: MapClusters
    let maps: MapService
    let intake: Intake
    let apiKeys: APIKeyCache
    let logger = Logger(label: "miestas.changes")

    /// Throws when the store cannot be read: the follower then reads the same changes again later.
    func apply(_ changes: [Change]) async throws {
        var added: [Int64] = [], changed: [Int64] = []
        var plans = false, keys = false
        for change in changes {
            switch change.kind {
            // This server's own reports, placed when it made them, are not read again. Another
            // server's are read even when the clusters know them already: a reload of the clusters
            // (after a status change) may have read them before their change came through here,
            // and the open-report index still needs them.
            case .reportAdded:
                if let id = change.entityId, change.origin != store.origin || !clusters.knows(id) { added.append(id) }
            case .reportChanged: if let id = change.entityId { changed.append(id) }
            case .plans: plans = true
            case .apiKeys: keys = true
            case .services, .districts:
                guard change.origin != store.origin else { continue }
                // The catalogue and the district index are built at start (intake, the locator
                // and the pages hold them): another process's import shows after a restart.
                logger.notice("the \(change.kind.rawValue) were replaced by another process; restart this server to use them")
            }
        }
        for chunk in stride(from: 0, to: added.count, by: 1_000).map({ Array(added[$0..<min($0 + 1_000, added.count)]) }) {
            for report in try await store.reports(ReportQuery(ids: chunk, limit: chunk.count)) {
                intake.openReports.update(report)
                clusters.add(report)
                maps.reportChanged(report)
            }
        }
        if !changed.isEmpty {
            let reports = try await store.reports(ReportQuery(ids: Array(Set(changed)), limit: changed.count))
            for report in reports { intake.openReports.update(report) }
            // Statuses move reports between the clusters' filters: one reload for the batch.
            try await clusters.reload(from: store)
            for report in reports { maps.reportChanged(report) }
        }
        if plans { try await maps.refreshPlans(from: store) }
        if keys { apiKeys.clear() }
    }
}
