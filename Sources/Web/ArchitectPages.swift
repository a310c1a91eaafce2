import Foundation
import Hummingbird
import RateLimits
import Planning
import Staff
import Store

/// The architect's pages: the queue of published comments on their plans that still need a
/// published answer (assigned to them, or to nobody yet), and the answer form, which saves a
/// draft until a planner publishes it. `Consultations.answer` checks the assignment and stage.
extension WebPages {
    func registerArchitect(on router: Router<ClientRequestContext>) {
        router.get("staff/answers", use: page(answerQueue))
        router.get("staff/comments/:id/answer", use: page { request, context, visitor in
            try await answerForm(request, visitor, commentId: try id(context))
        })
        router.post("staff/comments/:id/answer", use: form(saveAnswer))
    }

    func answerQueue(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let user = try staff(visitor, request, roles: Set(StaffUser.Role.allCases))
        let actor = PlanActor.staff(user)
        var rows: [[String: Any]] = []
        for plan in try await backend.consultations.plans() where plan.architects.contains(user.username) {
            for c in try await backend.consultations.allComments(planId: plan.id, by: actor)
            where c.status == .published && (c.architect == nil || c.architect == user.username) && c.answer?.publishedAt == nil {
                var row = commentRow(c, visitor)
                row["plan"] = ["id": plan.id, "title": plan.title]
                row["drafted"] = c.answer != nil
                rows.append(row)
            }
        }
        let ctx: [String: Any] = ["comments": rows, "has_comments": !rows.isEmpty, "saved": request.query("saved") ?? ""]
        return pages.page("staff-answers", title: pages.text("queue_title", visitor), ctx, visitor: visitor, request: request)
    }

    func answerForm(_ request: Request, _ visitor: Visitor, commentId: Int64, errors: [String] = [], decision: String? = nil,
                    reasoning: String? = nil) async throws -> Response {
        let user = try staff(visitor, request, roles: Set(StaffUser.Role.allCases))
        let comment = try await backend.consultations.comment(id: commentId)
        // Reading the staff view of the plan's comments is the authorization check for seeing a draft.
        _ = try await backend.consultations.allComments(planId: comment.planId, by: .staff(user))
        let plan = try await backend.consultations.plan(id: comment.planId)
        let chosen = decision ?? comment.answer?.decision.rawValue
        var ctx = commentRow(comment, visitor)
        ctx["plan"] = ["id": plan.id, "title": plan.title]
        ctx["decisions"] = AnswerDecision.allCases.map { ["code": $0.rawValue, "name": pages.text("decision_\($0.rawValue)", visitor), "selected": $0.rawValue == chosen] }
        ctx["reasoning"] = reasoning ?? comment.answer?.reasoning ?? ""
        ctx["drafted"] = comment.answer != nil
        ctx["errors"] = errors
        ctx["has_errors"] = !errors.isEmpty
        return pages.page("answer-form", title: pages.text("answer_title", visitor), ctx, visitor: visitor, request: request,
                          status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func saveAnswer(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let user = try staff(visitor, request, roles: Set(StaffUser.Role.allCases))
        let commentId = try id(context)
        let decision = form["decision"] ?? "", reasoning = form["reasoning"] ?? ""
        do {
            _ = try await backend.consultations.answer(commentId: commentId, AnswerInput(decision: decision, reasoning: reasoning), by: .staff(user))
        } catch let error as PlanningError {
            if case .notFound = error { throw error }
            return try await answerForm(request, visitor, commentId: commentId, errors: [pages.text(error.message, visitor)], decision: decision, reasoning: reasoning)
        }
        backend.plansChanged()
        return pages.redirect("/staff/answers?saved=\(commentId)", visitor: visitor)
    }
}
