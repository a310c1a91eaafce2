import Foundation
import Geo

/// Plans, their versions, attachments, comments, answers and the audit log (answers published
/// also fill the outbox: see `OutboxStore`).
///
/// Every write commits in one transaction together with its audit entries. Writes that depend
/// on a rule checked by `Planning` name the plan `revision` they read (`expectedRevision`):
/// if the plan or any of its comments changed since, the write fails with `.conflict` and
/// nothing is written.
public protocol PlanningStore: Sendable {
    func createPlan(_ plan: NewPlan, audit: AuditRecord) async throws(StoreError) -> Plan
    func plans() async throws(StoreError) -> [Plan]
    func plan(id: Int64) async throws(StoreError) -> Plan?
    /// Writes every mutable field of `plan` (stage, window, hearing, texts, area, architects).
    func updatePlan(_ plan: Plan, expectedRevision: Int, audit: [AuditRecord]) async throws(StoreError) -> Plan

    func addVersion(planId: Int64, note: String, createdBy: String, at: Date, expectedRevision: Int,
                    audit: AuditRecord) async throws(StoreError) -> PlanVersion
    func versions(planId: Int64) async throws(StoreError) -> [PlanVersion]

    func addAttachment(planId: Int64, role: PlanAttachment.Role, title: String, file: String, contentType: String, size: Int,
                       createdBy: String, audit: AuditRecord) async throws(StoreError) -> PlanAttachment
    func attachments(planId: Int64) async throws(StoreError) -> [PlanAttachment]
    func attachment(id: Int64) async throws(StoreError) -> PlanAttachment?

    /// Adds a comment if the plan is still in `requiredStage` when the transaction runs.
    func addComment(_ comment: NewPlanComment, requiredStage: PlanStage, audit: AuditRecord) async throws(StoreError) -> PlanComment
    func comment(id: Int64) async throws(StoreError) -> PlanComment?
    /// A plan's comments in id order: all of them, or only the published ones (hidden ones
    /// included when `includeHidden`, for the register's "hidden because ..." lines).
    func comments(planId: Int64, publishedOnly: Bool, includeHidden: Bool) async throws(StoreError) -> [PlanComment]
    /// Writes the moderation fields of `comment` (status, hidden reason, duplicate, architect).
    func updateComment(_ comment: PlanComment, expectedRevision: Int, audit: AuditRecord) async throws(StoreError) -> PlanComment
    /// Writes (or rewrites) the draft answer to a comment.
    func saveAnswer(commentId: Int64, answer: CommentAnswer, expectedRevision: Int, audit: AuditRecord) async throws(StoreError)
    /// Publishes the draft answers of `commentIds` at `at`, with one outbox message each.
    func publishAnswers(planId: Int64, commentIds: [Int64], at: Date, expectedRevision: Int, audit: [AuditRecord],
                        outbox: [NewOutboxMessage]) async throws(StoreError)

    /// The audit log in order: all of it, or one plan's entries.
    func auditEntries(planId: Int64?) async throws(StoreError) -> [AuditEntry]
    /// Appends entries on their own (the clock's automatic window changes).
    func appendAudit(_ records: [AuditRecord]) async throws(StoreError)

    /// For the WMS `plans` layer: every plan's area and stage.
    func planAreas() async throws(StoreError) -> [(id: Int64, title: String, stage: PlanStage, area: Geometry)]
    /// For the WMS `plan-comments` layer: published comments' locations (all plans, or one).
    func publishedCommentLocations(planId: Int64?) async throws(StoreError) -> [(id: Int64, planId: Int64, kind: CommentKind, location: Geometry)]
}
