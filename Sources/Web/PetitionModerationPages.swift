import Foundation
import Hummingbird
import Messages
import Petitions
import RateLimits
import Staff
import Store

/// Moderators' petition pages under `/staff/petitions` (role `moderator` or `admin`): the queue,
/// and one petition's moderation (approve, reject with a code and public reason, undo a
/// rejection, hide), its signature velocity per hour with bulk invalidation of the chosen
/// hours, and the municipality's answer. `Petitions` checks every move again.
extension WebPages {
    func registerPetitionModeration(on router: Router<ClientRequestContext>) {
        router.get("staff/petitions", use: page(moderationQueue))
        router.get("staff/petitions/:id", use: page { request, context, visitor in
            try await moderationPage(request, visitor, id: try id(context))
        })
        router.post("staff/petitions/:id/moderation", use: form(moderatePetition))
        router.post("staff/petitions/:id/answer", use: form(answerPetition))
        router.post("staff/petitions/:id/invalidations", use: form(invalidateSignatures))
    }

    static let moderationNotices: Set<String> = ["approve", "reject", "unreject", "hide", "answer", "invalidated"]
    static let moderatorRoles: Set<StaffUser.Role> = [.moderator, .admin]

    func moderator(_ visitor: Visitor, _ request: Request) throws -> PetitionActor {
        .moderator(username: try staff(visitor, request, roles: Self.moderatorRoles).username)
    }

    func moderationQueue(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let actor = try moderator(visitor, request)
        let all = try await petitions.list(PetitionFilter(limit: 500), for: actor)
        let counts = try await petitions.counts(ids: all.filter { Self.showsCount($0.state) }.map(\.id))
        let sections: [(String, [PetitionState])] = [
            ("moderation_awaiting", [.awaitingModeration]), ("moderation_to_answer", [.closed]), ("petitions_open", [.open]),
            ("moderation_before", [.draft, .collectingSponsors]), ("petitions_answered", [.answered]),
            ("petitions_other", [.rejected, .hidden, .withdrawn]),
        ]
        var groups: [[String: Any]] = []
        for (key, states) in sections {
            var rows: [[String: Any]] = []
            for p in all where states.contains(p.state) { rows.append(petitionRow(p, counts: counts[p.id], visitor, actor)) }
            groups.append(["heading": pages.text(key, visitor), "id": key, "petitions": rows, "empty": rows.isEmpty])
        }
        return pages.page("staff-petitions", title: pages.text("moderation_title", visitor), ["groups": groups], visitor: visitor, request: request)
    }

    func moderationPage(_ request: Request, _ visitor: Visitor, id: Int64, errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let actor = try moderator(visitor, request)
        let view = try await petitions.view(id: id, for: actor)
        let p = view.petition
        let velocity = try await petitions.velocity(id: id, by: actor)
        let answerable = PetitionMove.answer.from.contains(p.state) && (p.state == .closed || view.responseThresholdReached)
        let ctx: [String: Any] = [
            "id": p.id, "title": p.text.title, "change": p.text.change, "reason": p.text.reason, "act": p.text.act,
            "state": stateName(p.state, visitor), "district": districtName(p.text.districtCode) ?? "",
            "count": view.counts.total, "counted": view.counted, "invalidated": view.counts.invalidated,
            "sponsors": view.sponsors, "response_threshold": view.thresholds.response, "council_threshold": view.thresholds.council,
            "public_reason": p.publicReason ?? "", "done": request.query("done").flatMap { Self.moderationNotices.contains($0) ? pages.text("moderation_done_\($0)", visitor) : nil } ?? "",
            "invalidated_now": request.query("n").flatMap(Int.init) ?? 0,
            "errors": errors, "has_errors": !errors.isEmpty,
            "can_approve": PetitionMove.approve.from.contains(p.state), "can_reject": PetitionMove.reject.from.contains(p.state),
            "can_unreject": PetitionMove.unreject.from.contains(p.state), "can_hide": PetitionMove.hide.from.contains(p.state),
            "can_answer": answerable, "today": String(dateTime(Date()).prefix(10)),
            "codes": PetitionRejectionCode.allCases.map { ["code": $0.rawValue, "name": pages.text("rejection_\($0.rawValue)", visitor)] },
            "decisions": PetitionDecision.allCases.map { ["code": $0.rawValue, "name": pages.text("petition_decision_\($0.rawValue)", visitor)] },
            "hours": velocity.map { h in
                ["hour": Int64(h.hour.timeIntervalSince1970), "at": dateTime(h.hour), "valid": h.valid, "invalidated": h.invalidated] as [String: Any]
            },
            "has_hours": !velocity.isEmpty,
            "districts": backend.districts.map { ["code": $0.code, "name": $0.name] },
            "timeline": timeline(p, visitor),
        ]
        return pages.page("staff-petition", title: p.text.title, ctx, visitor: visitor, request: request, status: status)
    }

    /// Runs one moderator's form: on success, back to the petition's page with `done` (and its
    /// figure); a wrong form shows the page again with the reason (400), other refusals are pages
    /// with their status.
    func moderation(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor,
                    _ body: (Int64, PetitionActor) async throws -> (done: String, figure: Int?)) async throws -> Response {
        let id = try id(context)
        let actor = try moderator(visitor, request)
        do {
            let (done, figure) = try await body(id, actor)
            return pages.redirect("/staff/petitions/\(id)?done=\(done)" + (figure.map { "&n=\($0)" } ?? ""), visitor: visitor)
        } catch let error as PetitionError {
            guard case .invalid(let why) = error else { throw error }
            return try await moderationPage(request, visitor, id: id, errors: [pages.text(why, visitor)], status: .badRequest)
        }
    }

    func moderatePetition(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        try await moderation(request, context, visitor) { id, actor in
            let reason = form["reason"] ?? ""
            let action = form["action"] ?? ""
            switch action {
            case "approve": _ = try await petitions.approve(id: id, by: actor)
            case "reject":
                guard let code = form["code"].flatMap(PetitionRejectionCode.init(rawValue:)) else {
                    throw PetitionError.invalid(Message(WebText.moderationChooseCode))
                }
                _ = try await petitions.reject(id: id, code: code, reason: reason, by: actor)
            case "unreject": _ = try await petitions.unreject(id: id, by: actor)
            case "hide": _ = try await petitions.hide(id: id, reason: reason, by: actor)
            default: throw WebFailure(.badRequest, .formUnreadable, ["detail": .text("the action field: approve, reject, unreject or hide")])
            }
            return (action, nil)
        }
    }

    func answerPetition(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        try await moderation(request, context, visitor) { id, actor in
            guard let decision = form["decision"].flatMap(PetitionDecision.init(rawValue:)) else {
                throw PetitionError.invalid(Message(WebText.moderationChooseDecision))
            }
            _ = try await petitions.answer(id: id, text: form["text"] ?? "", decision: decision, date: form["date"] ?? "",
                                           documentURL: form["document"], by: actor)
            return ("answer", nil)
        }
    }

    /// Invalidates the signatures of the chosen hours: each run of consecutive hours is one
    /// invalidation (one transaction, one audit entry), so a burst is taken out as it came.
    func invalidateSignatures(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        try await moderation(request, context, visitor) { id, actor in
            var runs: [(from: Int64, to: Int64)] = []
            for h in Set(form.all("hour").compactMap(Int64.init)).sorted() {
                if let last = runs.last, last.to == h { runs[runs.count - 1].to = h + 3_600 } else { runs.append((h, h + 3_600)) }
            }
            guard !runs.isEmpty else { throw PetitionError.invalid(Message(WebText.moderationChooseHours)) }
            guard let reason = form["reason"], !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw PetitionError.invalid(Message(WebText.moderationGiveReason))
            }
            let district = form["district"].flatMap { $0.isEmpty ? nil : $0 }
            var total = 0
            for run in runs {
                total += try await petitions.invalidate(id: id, from: Date(timeIntervalSince1970: Double(run.from)),
                                                        to: Date(timeIntervalSince1970: Double(run.to)), district: district, reason: reason, by: actor)
            }
            return ("invalidated", total)
        }
    }
}
