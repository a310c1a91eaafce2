import Foundation
import Messages
import Store

extension Consultations {
    /// Stores a plan's document, image or hearing minutes. The type is read from the bytes;
    /// a declared type that disagrees is refused rather than trusted.
    public func addAttachment(planId: Int64, role: String?, title: String?, bytes: [UInt8], declaredType: String?,
                              by actor: PlanActor) async throws -> PlanAttachment {
        try Authorization.check(actor, .uploadAttachment)
        let plan = try await plan(id: planId)
        guard plan.stage != .archived else { throw PlanningError.conflict(.archivedPlanNoAttachments) }
        let role = try role.map { try Self.parse(PlanAttachment.Role.self, $0, field: "role") } ?? .document
        let title = try Self.text(title ?? "", field: "title", max: 300, required: false)
        guard !bytes.isEmpty else { throw PlanningError.invalid(.fileMissing) }
        guard bytes.count <= settings.maxAttachmentBytes else {
            throw PlanningError.tooLarge(.fileTooLarge, ["size": .number(bytes.count), "max": .number(settings.maxAttachmentBytes)])
        }
        guard let type = AttachmentType.detect(bytes) else { throw PlanningError.invalid(.fileWrongType) }
        if let declared = declaredType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
           declared != "application/octet-stream", declared != type.rawValue {
            throw PlanningError.invalid(.fileTypeMismatch, ["type": .text(type.rawValue), "declared": .text(declared)])
        }
        let file: String
        do { file = try media.store(bytes, fileExtension: type.fileExtension) } catch { throw PlanningError.from(error) }
        let audit = AuditRecord(planId: planId, actor: actor.auditName, action: "attachment added", subject: "plan \(planId)",
                                after: .object(["role": .string(role.rawValue), "title": .string(title), "file": .string(file),
                                                "content_type": .string(type.rawValue), "size": .integer(Int64(bytes.count))]),
                                at: now)
        do {
            return try await store.addAttachment(planId: planId, role: role, title: title, file: file, contentType: type.rawValue,
                                                 size: bytes.count, createdBy: actor.auditName, audit: audit)
        } catch { throw PlanningError.from(error) }
    }

    public func attachments(planId: Int64) async throws -> [PlanAttachment] {
        _ = try await plan(id: planId)
        do { return try await store.attachments(planId: planId) } catch { throw PlanningError.from(error) }
    }

    /// A plan attachment and where its bytes are.
    public func attachment(id: Int64) async throws -> (PlanAttachment, URL) {
        let found: PlanAttachment?
        do { found = try await store.attachment(id: id) } catch { throw PlanningError.from(error) }
        guard let found, let url = media.file(named: found.file) else { throw PlanningError.notFound(.attachmentNotFound, ["id": .number(id)]) }
        return (found, url)
    }

    /// A comment's attachment, served only while the comment is published.
    public func commentAttachment(commentId: Int64) async throws -> (contentType: String, url: URL) {
        let c = try await comment(id: commentId)
        guard c.status == .published, let file = c.attachment, let type = c.attachmentType, let url = media.file(named: file) else {
            throw PlanningError.notFound(.commentAttachmentNotFound, ["id": .number(commentId)])
        }
        return (type, url)
    }

    public func audit(planId: Int64) async throws -> [AuditEntry] {
        _ = try await plan(id: planId)
        do { return try await store.auditEntries(planId: planId) } catch { throw PlanningError.from(error) }
    }

    /// Checks the whole audit log's hash chain.
    public func verifyAudit() async throws -> (entries: Int, head: String, firstBreak: AuditChain.Break?) {
        let entries: [AuditEntry]
        do { entries = try await store.auditEntries(planId: nil) } catch { throw PlanningError.from(error) }
        return (entries.count, entries.last?.hash ?? AuditChain.genesis, AuditChain.verify(entries))
    }
}
