import Foundation
import Geo
import Mail
import Messages
import Store

extension Consultations {
    /// A resident's comment: accepted only while the plan's consultation is open (by the
    /// clock, whatever the client), attached to the plan's current version.
    public func submitComment(planId: Int64, _ input: CommentInput, by actor: PlanActor = .resident) async throws -> PlanComment {
        try Authorization.check(actor, .submitComment)
        let plan = try await plan(id: planId)
        let at = now
        if let refusal = plan.commentRefusal(at: at) { throw PlanningError.conflict(refusal) }
        let kind = try Self.parse(CommentKind.self, input.kind, field: "kind")
        let text = try Self.text(input.text, field: "text", max: PlanningSettings.maxCommentLength)
        let name = try Self.text(input.name, field: "name", max: 200)
        let email = try Self.email(input.email)
        var location: Geometry? = nil
        if let value = input.location, value != .null {
            let g = try GeometryInput.location(value)
            guard try GeometryInput.isNear(g, to: plan.area, metres: settings.commentMaxDistanceMetres) else {
                throw PlanningError.invalid(.locationTooFar, ["metres": .decimal(settings.commentMaxDistanceMetres)])
            }
            location = g
        }
        var file: String? = nil, fileType: AttachmentType? = nil
        if let encoded = input.attachment, !encoded.isEmpty {
            guard let bytes = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                throw PlanningError.invalid(.attachmentNotBase64)
            }
            guard bytes.count <= settings.maxCommentAttachmentBytes else {
                throw PlanningError.tooLarge(.commentAttachmentTooLarge, ["size": .number(bytes.count), "max": .number(settings.maxCommentAttachmentBytes)])
            }
            guard let type = AttachmentType.detect(bytes) else { throw PlanningError.invalid(.commentAttachmentWrongType) }
            do { file = try media.store([UInt8](bytes), fileExtension: type.fileExtension) } catch { throw PlanningError.from(error) }
            fileType = type
        }
        let version: Int
        do { version = try await store.versions(planId: planId).last?.number ?? 0 } catch { throw PlanningError.from(error) }
        let status: CommentStatus = plan.moderation == .pre ? .pending : .published
        let comment = NewPlanComment(planId: planId, version: version, kind: kind, text: text, name: name, email: email,
                                     identityLevel: "email", location: location, attachment: file, attachmentType: fileType?.rawValue,
                                     status: status, createdAt: at)
        // The text is hashed, not copied: a comment hidden later must not live on in the public log.
        let audit = AuditRecord(planId: planId, actor: "resident", action: "comment received", subject: "comment",
                                after: .object(["kind": .string(kind.rawValue), "version": .integer(Int64(version)),
                                                "status": .string(status.rawValue), "text_sha256": .string(Self.sha256(text)),
                                                "location": .bool(location != nil), "attachment": .bool(file != nil)]),
                                at: at)
        do { return try await store.addComment(comment, requiredStage: .consultation, audit: audit) } catch { throw PlanningError.from(error) }
    }

    public func comment(id: Int64) async throws -> PlanComment {
        let found: PlanComment?
        do { found = try await store.comment(id: id) } catch { throw PlanningError.from(error) }
        guard let found else { throw PlanningError.notFound(.commentNotFound, ["id": .number(id)]) }
        return found
    }

    /// The comments staff see: all of them, pending and draft answers included.
    public func allComments(planId: Int64, by actor: PlanActor) async throws -> [PlanComment] {
        try Authorization.check(actor, .readAllComments)
        _ = try await plan(id: planId)
        do { return try await store.comments(planId: planId, publishedOnly: false, includeHidden: true) } catch { throw PlanningError.from(error) }
    }

    /// The public register: published comments, hidden ones (shown as their reason), and
    /// answers only once published.
    public func register(planId: Int64) async throws -> (plan: Plan, comments: [PlanComment]) {
        let plan = try await plan(id: planId)
        do {
            let comments = try await store.comments(planId: planId, publishedOnly: true, includeHidden: true)
            return (plan, comments)
        } catch { throw PlanningError.from(error) }
    }

    /// A planner's moderation: publish, hide with a public reason, mark as a duplicate, or
    /// assign to one of the plan's architects.
    public func moderate(commentId: Int64, _ input: ModerationInput, by actor: PlanActor) async throws -> PlanComment {
        try Authorization.check(actor, .moderate)
        let comment = try await comment(id: commentId)
        let plan = try await plan(id: comment.planId)
        guard StageRules.answeringStages.contains(plan.stage) else {
            throw PlanningError.conflict(.moderationNotInStage, ["stage": .term(plan.stage)])
        }
        var updated = comment
        let logged: String
        switch input.action {
        case "publish":
            logged = "comment published"
            updated.status = .published
            updated.hiddenReason = nil
        case "hide":
            logged = "comment hidden"
            updated.status = .hidden
            updated.hiddenReason = try Self.text(input.reason ?? "", field: "reason", max: 1_000)
        case "duplicate":
            logged = "comment marked duplicate"
            guard let original = input.duplicate_of else { throw PlanningError.invalid(.duplicateOfMissing) }
            guard original != comment.id else { throw PlanningError.invalid(.duplicateOfItself) }
            let target: PlanComment?
            do { target = try await store.comment(id: original) } catch { throw PlanningError.from(error) }
            guard let target, target.planId == comment.planId else {
                throw PlanningError.invalid(.duplicateOfOtherPlan, ["original": .number(original), "plan": .number(comment.planId)])
            }
            if let root = target.duplicateOf {
                throw PlanningError.invalid(.duplicateOfDuplicate, ["original": .number(original), "root": .number(root)])
            }
            updated.duplicateOf = original
        case "assign":
            logged = "comment assigned"
            guard let name = input.architect, plan.architects.contains(name) else {
                throw PlanningError.invalid(.assignNotArchitect, ["architects": .list(plan.architects.map(MessageArgument.text))])
            }
            updated.architect = name
        default:
            throw PlanningError.invalid(.unknownModerationAction)
        }
        guard updated != comment else { return comment }
        let audit = AuditRecord(planId: plan.id, actor: actor.auditName, action: logged,
                                subject: "comment \(comment.id)", before: Self.moderationState(comment), after: Self.moderationState(updated),
                                at: now)
        do { return try await store.updateComment(updated, expectedRevision: plan.revision, audit: audit) } catch { throw PlanningError.from(error) }
    }

    static func moderationState(_ c: PlanComment) -> JSONValue {
        .object(["status": .string(c.status.rawValue), "hidden_reason": c.hiddenReason.map(JSONValue.string) ?? .null,
                 "duplicate_of": c.duplicateOf.map(JSONValue.integer) ?? .null, "architect": c.architect.map(JSONValue.string) ?? .null])
    }

    /// An address the answer can be mailed to: what SMTP can carry (`MailAddress`), on a public
    /// (dotted) domain.
    static func email(_ value: String) throws -> String {
        let email = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let address = try? MailAddress(email), address.domain.contains("."), !address.domain.hasSuffix(".") else {
            throw PlanningError.invalid(.emailInvalid)
        }
        return email
    }
}
