import Foundation
import Geo
import Hummingbird
import RateLimits
import Messages
import Planning
import Staff
import Store

/// The planner's pages: create and edit plans (area upload, dates, architects), versions,
/// attachments, stage transitions, comment moderation and publishing answers in bulk. Each
/// action is one `Consultations` call with the signed-in planner as actor: the authorization
/// table and the stage rules decide, and their refusals are shown on the page.
extension WebPages {
    func registerPlanner(on router: Router<ClientRequestContext>) {
        router.get("staff/plans", use: page(plannerPlans))
        router.get("staff/plans/new", use: page { request, _, visitor in
            _ = try staff(visitor, request, roles: Set(StaffUser.Role.allCases))
            return planForm(request, visitor, values: PlanFormValues())
        })
        router.post("staff/plans/new", use: form(limit: Self.maximumForm, createPlan))
        router.get("staff/plans/:id", use: page { request, context, visitor in try await plannerPlan(request, visitor, planId: try id(context)) })
        router.post("staff/plans/:id/edit", use: form(limit: Self.maximumForm) { request, context, visitor, form in
            try await planAction(request, context, visitor) { planId, actor in
                let patch = try Self.decodeInput(PlanPatch.self, try PlanFormValues(form).json(partial: true))
                _ = try await backend.consultations.update(planId: planId, patch, by: actor)
            }
        })
        router.post("staff/plans/:id/transition", use: form { request, context, visitor, form in
            try await planAction(request, context, visitor) { planId, actor in
                let input = TransitionInput(to: form["to"] ?? "", date: form["date"].flatMap { $0.isEmpty ? nil : $0 },
                                            place: form["place"].flatMap { $0.isEmpty ? nil : $0 })
                _ = try await backend.consultations.transition(planId: planId, input, by: actor)
            }
        })
        router.post("staff/plans/:id/versions", use: form { request, context, visitor, form in
            try await planAction(request, context, visitor) { planId, actor in
                _ = try await backend.consultations.addVersion(planId: planId, VersionInput(note: form["note"]), by: actor)
            }
        })
        router.post("staff/plans/:id/attachments", use: form(limit: Self.maximumForm) { request, context, visitor, form in
            try await planAction(request, context, visitor) { planId, actor in
                guard let bytes = form.file("file") else { throw WebFailure(.badRequest, pages.text("error_file_needed", visitor)) }
                _ = try await backend.consultations.addAttachment(planId: planId, role: form["role"], title: form["title"], bytes: bytes,
                                                                  declaredType: nil, by: actor)
            }
        })
        router.post("staff/plans/:id/moderate", use: form { request, context, visitor, form in
            try await planAction(request, context, visitor) { _, actor in
                guard let commentId = form["comment"].flatMap({ Int64($0) }) else { throw WebFailure(.badRequest, pages.text("error_bad_request", visitor)) }
                let input = ModerationInput(action: form["action"] ?? "", reason: form["reason"],
                                            duplicate_of: form["duplicate_of"].flatMap { Int64($0) }, architect: form["architect"])
                _ = try await backend.consultations.moderate(commentId: commentId, input, by: actor)
            }
        })
        router.post("staff/plans/:id/answers/publish", use: form { request, context, visitor, form in
            try await planAction(request, context, visitor) { planId, actor in
                let chosen = form.all("ids").compactMap { Int64($0) }
                // "Publish all" sends no ids; "publish chosen" with none chosen is refused by Planning.
                _ = try await backend.consultations.publishAnswers(planId: planId, ids: form["all"] != nil ? nil : chosen, by: actor)
            }
        })
    }

    /// One planning write for the plan in the path; back to the plan's staff page, with the
    /// refusal shown when there is one.
    func planAction(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor,
                    _ action: (Int64, PlanActor) async throws -> Void) async throws -> Response {
        let user = try staff(visitor, request, roles: Set(StaffUser.Role.allCases))
        let planId = try id(context)
        do {
            try await action(planId, .staff(user))
        } catch let error as PlanningError {
            if case .notFound = error { throw error }
            return try await plannerPlan(request, visitor, planId: planId, errors: [pages.text(error.message, visitor)])
        } catch let error as WebFailure {
            return try await plannerPlan(request, visitor, planId: planId, errors: [error.text(pages, visitor)])
        }
        backend.plansChanged()
        return pages.redirect("/staff/plans/\(planId)?done=1", visitor: visitor)
    }

    func plannerPlans(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let user = try staff(visitor, request, roles: Set(StaffUser.Role.allCases))
        let plans = try await backend.consultations.plans()
        let ctx: [String: Any] = ["plans": plans.map { planRow($0, visitor) },
                                  "can_create": Authorization.allows(PlanActor.staff(user).audience, .createPlan)]
        return pages.page("staff-plans", title: pages.text("planner_title", visitor), ctx, visitor: visitor, request: request)
    }

    func planForm(_ request: Request, _ visitor: Visitor, values: PlanFormValues, errors: [String] = [], status: HTTPResponse.Status = .ok) -> Response {
        var ctx = values.context
        ctx["kinds"] = PlanKind.allCases.map { ["code": $0.rawValue, "name": pages.text("kind_\($0.rawValue)", visitor), "selected": $0.rawValue == values.kind] }
        ctx["moderations"] = ModerationMode.allCases.map { ["code": $0.rawValue, "name": pages.text("moderation_\($0.rawValue)", visitor), "selected": $0.rawValue == values.moderation] }
        ctx["errors"] = errors
        ctx["has_errors"] = !errors.isEmpty
        return pages.page("plan-form", title: pages.text("plan_new", visitor), ctx, visitor: visitor, request: request, status: status)
    }

    func createPlan(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let user = try staff(visitor, request, roles: Set(StaffUser.Role.allCases))
        let values = PlanFormValues(form)
        do {
            let input = try Self.decodeInput(PlanInput.self, try values.json(partial: false))
            let plan = try await backend.consultations.createPlan(input, by: .staff(user))
            backend.plansChanged()
            return pages.redirect("/staff/plans/\(plan.id)", visitor: visitor)
        } catch let error where error is PlanningError || error is WebFailure {
            return planForm(request, visitor, values: values, errors: [describe(error, visitor).1], status: .unprocessableContent)
        }
    }

    func plannerPlan(_ request: Request, _ visitor: Visitor, planId: Int64, errors: [String] = []) async throws -> Response {
        let user = try staff(visitor, request, roles: Set(StaffUser.Role.allCases))
        let actor = PlanActor.staff(user)
        let plan = try await backend.consultations.plan(id: planId)
        let comments = try await backend.consultations.allComments(planId: planId, by: actor)
        let versions = try await backend.consultations.versions(planId: planId)
        var ctx = PlanFormValues(plan).context
        ctx.merge(planRow(plan, visitor)) { _, row in row }
        ctx["kinds"] = PlanKind.allCases.map { ["code": $0.rawValue, "name": pages.text("kind_\($0.rawValue)", visitor), "selected": $0 == plan.kind] }
        ctx["moderations"] = ModerationMode.allCases.map { ["code": $0.rawValue, "name": pages.text("moderation_\($0.rawValue)", visitor), "selected": $0 == plan.moderation] }
        ctx["next_stages"] = PlanStage.allCases.filter { StageRules.transition(from: plan.stage, to: $0) != nil }.map {
            ["code": $0.rawValue, "name": pages.text("stage_\($0.rawValue)", visitor)]
        }
        ctx["versions"] = versions.map { ["number": $0.number, "note": $0.note, "at": dateTime($0.createdAt)] as [String: Any] }
        ctx["roles"] = PlanAttachment.Role.allCases.map { ["code": $0.rawValue, "name": pages.text("attachment_\($0.rawValue)", visitor)] }
        ctx["comments"] = comments.map { c in
            var row = commentRow(c, visitor)
            row["pending"] = c.status == .pending
            row["architects"] = plan.architects.map { ["name": $0, "selected": $0 == c.architect] }
            if let a = c.answer {
                row["draft"] = ["decision": pages.text("decision_\(a.decision.rawValue)", visitor), "reasoning": a.reasoning,
                                "architect": a.architect, "published": a.publishedAt != nil]
                row["publishable"] = a.publishedAt == nil
            }
            return row
        }
        ctx["has_comments"] = !comments.isEmpty
        ctx["plan_id"] = plan.id
        ctx["has_drafts"] = comments.contains { $0.answer != nil && $0.answer?.publishedAt == nil }
        ctx["errors"] = errors
        ctx["has_errors"] = !errors.isEmpty
        ctx["done"] = request.query("done") != nil && errors.isEmpty
        return pages.page("staff-plan", title: plan.title, ctx, visitor: visitor, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// A planning input built from form values through the API's own JSON decoding, so the
    /// pages and the API accept exactly the same inputs.
    static func decodeInput<T: Decodable>(_ type: T.Type, _ object: JSONValue) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: try JSONEncoder().encode(object)) } catch {
            throw WebFailure(.badRequest, .formValuesUnreadable, ["detail": .text("\(error)")])
        }
    }
}

/// The plan form's values as typed (or as stored, when editing).
struct PlanFormValues {
    var title = "", description = "", kind = "detailed", organiser = "", architects = "", area = "", start = "", end = "", moderation = "pre"

    init() {}

    init(_ form: WebForm) {
        title = form["title"] ?? ""; description = form["description"] ?? ""; kind = form["kind"] ?? ""
        organiser = form["organiser"] ?? ""; architects = form["architects"] ?? ""; start = form["start"] ?? ""; end = form["end"] ?? ""
        moderation = form["moderation"] ?? ""
        // An uploaded GeoJSON file wins over the text box.
        area = form.file("area_file").map { String(decoding: $0, as: UTF8.self) } ?? form["area"] ?? ""
    }

    init(_ plan: Plan) {
        title = plan.title; description = plan.description; kind = plan.kind.rawValue; organiser = plan.organiser
        architects = plan.architects.joined(separator: ", ")
        area = String(decoding: GeoJSON.encode(plan.area), as: UTF8.self)
        start = plan.consultationStart.map(ISOTime.format) ?? ""; end = plan.consultationEnd.map(ISOTime.format) ?? ""
        moderation = plan.moderation.rawValue
    }

    var context: [String: Any] {
        ["f_title": title, "f_description": description, "f_organiser": organiser, "f_architects": architects, "f_area": area,
         "f_start": start, "f_end": end]
    }

    /// The API's JSON body for these values. `partial` (editing) leaves out what is empty.
    func json(partial: Bool) throws -> JSONValue {
        var o: [String: JSONValue] = [:]
        func put(_ key: String, _ value: String) { if !partial || !value.isEmpty { o[key] = .string(value) } }
        put("title", title); put("description", description); put("kind", kind); put("organiser", organiser); put("moderation", moderation)
        let names = architects.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !partial || !names.isEmpty { o["architects"] = .array(names.map(JSONValue.string)) }
        if !area.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            do { o["area"] = try JSONDecoder().decode(JSONValue.self, from: Data(area.utf8)) } catch {
                throw WebFailure(.badRequest, .areaNotGeoJSON, ["detail": .text("\(error)")])
            }
        } else if !partial {
            o["area"] = .null
        }
        if !start.isEmpty || !end.isEmpty { o["consultation"] = .object(["start": .string(start), "end": .string(end)]) }
        return .object(o)
    }
}
