import Foundation
import Geo
import Hummingbird
import RateLimits
import Planning
import Store

/// The public consultation pages: the list (open now, upcoming, closed), a plan's page with
/// its register, and the comment form. `Consultations` decides everything (whether comments
/// are accepted, what is public); the pages only show it.
extension WebPages {
    func registerPlans(on router: Router<ClientRequestContext>) {
        router.get("plans", use: page(plansPage))
        router.get("plans/:id", use: page { request, context, visitor in
            try await planPage(request, visitor, planId: try id(context), values: CommentFormValues())
        })
        router.post("plans/:id/comments", use: form(limit: Self.maximumForm, submitComment))
    }

    func plansPage(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let plans = try await backend.consultations.plans()
        let now = backend.consultations.now
        var open: [[String: Any]] = [], upcoming: [[String: Any]] = [], closed: [[String: Any]] = []
        for plan in plans.sorted(by: { ($0.consultationStart ?? .distantPast) > ($1.consultationStart ?? .distantPast) }) {
            let row = planRow(plan, visitor)
            if plan.acceptsComments(at: now) { open.append(row) }
            else if plan.stage == .draft || plan.window?.state(at: now) == .upcoming { upcoming.append(row) }
            else { closed.append(row) }
        }
        let ctx: [String: Any] = ["groups": [
            ["heading": pages.text("plans_open", visitor), "plans": open, "empty": open.isEmpty, "id": "open"],
            ["heading": pages.text("plans_upcoming", visitor), "plans": upcoming, "empty": upcoming.isEmpty, "id": "upcoming"],
            ["heading": pages.text("plans_closed", visitor), "plans": closed, "empty": closed.isEmpty, "id": "closed"],
        ]]
        return pages.page("plans", title: pages.text("plans_title", visitor), ctx, visitor: visitor, request: request)
    }

    func planRow(_ plan: Plan, _ visitor: Visitor) -> [String: Any] {
        ["id": plan.id, "title": plan.title, "stage": pages.text("stage_\(plan.stage.rawValue)", visitor),
         "kind": pages.text("kind_\(plan.kind.rawValue)", visitor), "organiser": plan.organiser,
         "start": plan.consultationStart.map(dateTime) ?? "", "end": plan.consultationEnd.map(dateTime) ?? ""]
    }

    func planPage(_ request: Request, _ visitor: Visitor, planId: Int64, values: CommentFormValues, errors: [String] = [],
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        let (plan, comments) = try await backend.consultations.register(planId: planId)
        let versions = try await backend.consultations.versions(planId: planId)
        let attachments = try await backend.consultations.attachments(planId: planId)
        let now = backend.consultations.now
        let statistics = RegisterStatistics(comments)
        var ctx = planRow(plan, visitor)
        ctx["description"] = plan.description
        ctx["area"] = String(decoding: GeoJSON.encode(plan.area), as: UTF8.self)
        ctx["hearing"] = plan.hearing.map { ["date": dateTime($0.date), "place": $0.place] } as Any
        ctx["versions"] = versions.map { ["number": $0.number, "note": $0.note, "at": dateTime($0.createdAt)] as [String: Any] }
        ctx["attachments"] = attachments.map {
            ["id": $0.id, "title": $0.title, "role": pages.text("attachment_\($0.role.rawValue)", visitor), "size_kb": max(1, $0.size / 1024)] as [String: Any]
        }
        ctx["comments"] = comments.map { commentRow($0, visitor) }
        ctx["has_comments"] = !comments.isEmpty
        ctx["accepts_comments"] = plan.acceptsComments(at: now)
        ctx["refusal"] = plan.commentRefusal(at: now).map { pages.text($0, visitor) } ?? ""
        ctx["kinds"] = CommentKind.allCases.map { ["code": $0.rawValue, "name": pages.text("comment_\($0.rawValue)", visitor), "selected": $0.rawValue == values.kind] }
        ctx["form"] = ["text": values.text, "name": values.name, "email": values.email, "lat": values.lat, "long": values.long]
        ctx["attachment_max_mb"] = backend.consultations.settings.maxCommentAttachmentBytes / (1024 * 1024)
        ctx["errors"] = errors
        ctx["has_errors"] = !errors.isEmpty
        ctx["sent"] = request.query("sent").map { $0 == "pending" ? pages.text("comment_sent_pending", visitor) : pages.text("comment_sent_published", visitor) } ?? ""
        ctx["statistics"] = [
            ["label": pages.text("stat_published", visitor), "n": statistics.published],
            ["label": pages.text("stat_hidden", visitor), "n": statistics.hidden],
            ["label": pages.text("stat_duplicates", visitor), "n": statistics.duplicates],
            ["label": pages.text("stat_answered", visitor), "n": statistics.answered],
            ["label": pages.text("stat_awaiting", visitor), "n": statistics.awaitingAnswer],
        ] + CommentKind.allCases.map { ["label": pages.text("comment_\($0.rawValue)", visitor), "n": statistics.byKind[$0] ?? 0] }
          + AnswerDecision.allCases.map { ["label": "\(pages.text("answer", visitor)): \(pages.text("decision_\($0.rawValue)", visitor))", "n": statistics.byDecision[$0] ?? 0] }
        return pages.page("plan", title: plan.title, ctx, visitor: visitor, request: request, status: status, scripts: ["minimap.js"], leaflet: true)
    }

    func commentRow(_ c: PlanComment, _ visitor: Visitor) -> [String: Any] {
        var row: [String: Any] = ["id": c.id, "kind": pages.text("comment_\(c.kind.rawValue)", visitor), "name": c.name, "text": c.text,
                                  "at": dateTime(c.createdAt), "version": c.version, "hidden": c.status == .hidden,
                                  "hidden_reason": c.hiddenReason ?? "", "has_location": c.locationGeoJSON != nil,
                                  "status": pages.text("comment_status_\(c.status.rawValue)", visitor), "architect": c.architect ?? ""]
        if let d = c.duplicateOf { row["duplicate_of"] = ["id": d] }
        // The register links a published comment's file (the API serves it only while published).
        if c.status == .published, c.attachment != nil, let type = c.attachmentType.flatMap(AttachmentType.init(rawValue:)) {
            row["attachment"] = type.fileExtension.uppercased()
        }
        if let a = c.answer, a.publishedAt != nil {
            row["answer"] = ["decision": pages.text("decision_\(a.decision.rawValue)", visitor), "reasoning": a.reasoning, "architect": a.architect,
                             "at": a.publishedAt.map(dateTime) ?? ""]
        }
        return row
    }

    /// A resident's comment: `Consultations.submitComment` checks the window, the text, the
    /// email and how far the optional pin lies from the plan.
    func submitComment(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let planId = try id(context)
        try admit(.comment, request, context, form: form)
        let values = CommentFormValues(form)
        var errors: [String] = []
        var location: JSONValue? = nil
        if !values.lat.isEmpty || !values.long.isEmpty {
            if let lat = Double(values.lat), let lon = Double(values.long) {
                location = .object(["type": .string("Point"), "coordinates": .array([.number(lon), .number(lat)])])
            } else {
                errors.append(pages.text("error_pin", visitor))
            }
        }
        if errors.isEmpty {
            do {
                // The file goes in as the API takes it (base64), so both accept exactly the same.
                let input = CommentInput(kind: values.kind, text: values.text, name: values.name, email: values.email, location: location,
                                         attachment: form.file("attachment").map { Data($0).base64EncodedString() })
                let comment = try await backend.consultations.submitComment(planId: planId, input, by: .resident)
                backend.plansChanged()
                return pages.redirect("/plans/\(planId)?sent=\(comment.status.rawValue)#register", visitor: visitor)
            } catch let e as PlanningError {
                if case .notFound = e { throw e }
                errors.append(pages.text(e.message, visitor))
            }
        }
        return try await planPage(request, visitor, planId: planId, values: values, errors: errors, status: .unprocessableContent)
    }
}

/// What a resident typed into the comment form.
struct CommentFormValues {
    var kind = "", text = "", name = "", email = "", lat = "", long = ""
    init() {}
    init(_ form: WebForm) {
        kind = form["kind"] ?? ""; text = form["text"] ?? ""; name = form["name"] ?? ""
        email = form["email"] ?? ""; lat = form["lat"] ?? ""; long = form["long"] ?? ""
    }
}
