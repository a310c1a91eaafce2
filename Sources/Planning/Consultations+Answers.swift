import Foundation
import Geo
import Messages
import Store

extension Consultations {
    /// An architect's draft answer. Only an architect assigned to the plan (and, when a
    /// planner assigned the comment to someone, only that architect) may answer.
    public func answer(commentId: Int64, _ input: AnswerInput, by actor: PlanActor) async throws -> CommentAnswer {
        try Authorization.check(actor, .answer)
        let comment = try await comment(id: commentId)
        let plan = try await plan(id: comment.planId)
        let me = actor.auditName
        guard plan.architects.contains(me) else {
            throw PlanningError.forbidden(.notPlanArchitect, ["user": .text(me), "plan": .number(plan.id)])
        }
        if let assigned = comment.architect, assigned != me {
            throw PlanningError.forbidden(.commentAssignedToOther, ["id": .number(comment.id), "architect": .text(assigned)])
        }
        guard StageRules.answeringStages.contains(plan.stage) else {
            throw PlanningError.conflict(.answerNotInStage, ["stage": .term(plan.stage)])
        }
        guard comment.status == .published else {
            throw PlanningError.conflict(.commentNotPublished, ["id": .number(comment.id), "status": .term(comment.status)])
        }
        if comment.answer?.publishedAt != nil { throw PlanningError.conflict(.answerPublishedFixed, ["id": .number(comment.id)]) }
        let decision = try Self.parse(AnswerDecision.self, input.decision, field: "decision")
        let reasoning = try Self.text(input.reasoning, field: "reasoning", max: 10_000)
        let at = now
        let answer = CommentAnswer(decision: decision, reasoning: reasoning, architect: me, draftedAt: at)
        // Drafts are private: the log keeps a hash of the reasoning until it is published.
        let audit = AuditRecord(planId: plan.id, actor: me, action: "answer drafted", subject: "comment \(comment.id)",
                                before: comment.answer.map { JSONValue.object(["decision": .string($0.decision.rawValue),
                                                                                "reasoning_sha256": .string(Self.sha256($0.reasoning))]) } ?? JSONValue.null,
                                after: .object(["decision": .string(decision.rawValue), "reasoning_sha256": .string(Self.sha256(reasoning))]),
                                at: at)
        do { try await store.saveAnswer(commentId: comment.id, answer: answer, expectedRevision: plan.revision, audit: audit) } catch {
            throw PlanningError.from(error)
        }
        return answer
    }

    /// Publishes drafted answers (all of the plan's, or those of `ids`), each with a message
    /// to its commenter in the outbox. Answers the ids published.
    public func publishAnswers(planId: Int64, ids: [Int64]?, by actor: PlanActor) async throws -> [Int64] {
        try Authorization.check(actor, .publishAnswers)
        let plan = try await plan(id: planId)
        guard StageRules.answeringStages.contains(plan.stage) else {
            throw PlanningError.conflict(.publishNotInStage, ["stage": .term(plan.stage)])
        }
        let comments: [PlanComment]
        do { comments = try await store.comments(planId: planId, publishedOnly: false, includeHidden: true) } catch { throw PlanningError.from(error) }
        let drafted = comments.filter { $0.answer != nil && $0.answer?.publishedAt == nil }
        var chosen: [PlanComment]
        if let ids {
            guard !ids.isEmpty else { throw PlanningError.invalid(.idsEmpty) }
            let byId = Dictionary(comments.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            chosen = []
            for id in Set(ids).sorted() {
                guard let c = byId[id] else { throw PlanningError.notFound(.commentNotOnPlan, ["id": .number(id), "plan": .number(planId)]) }
                guard let a = c.answer else { throw PlanningError.conflict(.noDraftedAnswer, ["id": .number(id)]) }
                guard a.publishedAt == nil else { throw PlanningError.conflict(.answerPublishedAlready, ["id": .number(id)]) }
                chosen.append(c)
            }
        } else {
            chosen = drafted
        }
        guard !chosen.isEmpty else { throw PlanningError.conflict(.nothingToPublish) }
        let at = now
        let link = (settings.publicURL ?? "") + "/api/v1/plans/\(planId)/comments"
        var audit: [AuditRecord] = []
        var outbox: [NewOutboxMessage] = []
        for c in chosen {
            let a = c.answer!
            audit.append(AuditRecord(planId: planId, actor: actor.auditName, action: "answer published", subject: "comment \(c.id)",
                                     after: .object(["decision": .string(a.decision.rawValue), "reasoning": .string(a.reasoning),
                                                     "architect": .string(a.architect)]), at: at))
            outbox.append(NewOutboxMessage(
                commentId: c.id, recipient: c.email,
                subject: "Atsakymas į jūsų pastabą / Answer to your comment: \(plan.title)",
                body: """
                    \(c.name),

                    your \(c.kind.rawValue) on the plan "\(plan.title)" (comment \(c.id)) has been answered.

                    Decision: \(a.decision.rawValue.replacingOccurrences(of: "_", with: " "))
                    Reasoning:
                    \(a.reasoning)

                    The full register of comments and answers: \(link)
                    """))
        }
        do {
            try await store.publishAnswers(planId: planId, commentIds: chosen.map(\.id), at: at, expectedRevision: plan.revision,
                                           audit: audit, outbox: outbox)
        } catch { throw PlanningError.from(error) }
        return chosen.map(\.id)
    }
}
