import Foundation
import Store

/// The public register's JSON per plan, kept until the plan's `revision` changes. Every change
/// that shows in the register (a comment, a moderation, a published answer, a stage or window
/// change, an edit) raises the revision in the same transaction, so a cached document is never
/// stale: a request reads the plan (one row), and rebuilds only when the revision moved.
final class RegisterCache: @unchecked Sendable {
    private let lock = NSLock()
    private var documents: [Int64: (revision: Int, json: String)] = [:]

    func json(planId: Int64, revision: Int) -> String? {
        lock.withLock { documents[planId].flatMap { $0.revision == revision ? $0.json : nil } }
    }

    func store(planId: Int64, revision: Int, json: String) {
        lock.withLock { documents[planId] = (revision, json) }
    }
}

extension Consultations {
    /// `GET /api/v1/plans/{id}/comments` as JSON: from the cache when the plan has not changed
    /// since it was last built. The plan is read before the comments, so a document cached under
    /// a revision is never older than that revision.
    public func publicRegisterJSON(planId: Int64) async throws -> String {
        let plan = try await plan(id: planId)
        if let cached = registerCache.json(planId: plan.id, revision: plan.revision) { return cached }
        let comments: [PlanComment]
        do { comments = try await store.comments(planId: planId, publishedOnly: true, includeHidden: true) } catch { throw PlanningError.from(error) }
        let json = PlanDocuments.register(plan: plan, comments: comments)
        registerCache.store(planId: plan.id, revision: plan.revision, json: json)
        return json
    }
}
