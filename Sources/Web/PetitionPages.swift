import Foundation
import Hummingbird
import Identity
import Maps
import Petitions
import RateLimits
import Store

/// The public petition pages: the list, a petition's page (its count, progress to each
/// threshold, signatures per district as a table and a server-drawn SVG map, the timeline, the
/// answer) and the map itself. `Petitions` decides everything; the pages only show it and carry
/// forms to it (see `PetitionFormPages` and `PetitionModerationPages`).
extension WebPages {
    func registerPetitions(on router: Router<ClientRequestContext>) {
        guard backend.petitions != nil else { return }
        router.get("petitions", use: page(petitionsPage))
        router.get("petitions/:id", use: page { request, context, visitor in try await petitionPage(request, visitor, id: try id(context)) })
        router.get("petitions/:id/map.svg", use: page(petitionMap))
        registerPetitionForms(on: router)
        registerPetitionModeration(on: router)
    }

    var petitions: Petitions { backend.petitions! }

    /// The petitions' actor for a public page: the signed-in resident, else a moderator signed in as staff.
    func petitionActor(_ visitor: Visitor) -> PetitionActor? {
        if let r = visitor.resident { return PetitionActor(r) }
        if let user = visitor.user, user.role == .moderator || user.role == .admin { return .moderator(username: user.username) }
        return nil
    }

    // MARK: The list

    func petitionsPage(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let actor = petitionActor(visitor)
        var filter = PetitionFilter(limit: 500)
        if let d = request.query("district"), d.count <= 100 { filter.districtCode = d }
        let found = try await petitions.list(filter, for: actor)
        let counts = try await petitions.counts(ids: found.filter { Self.showsCount($0.state) }.map(\.id))
        var groups: [PetitionState: [[String: Any]]] = [:]
        for p in found { groups[p.state, default: []].append(petitionRow(p, counts: counts[p.id], visitor, actor)) }
        let sections: [(String, [PetitionState])] = [
            ("petitions_open", [.open]), ("petitions_answered", [.answered]), ("petitions_closed", [.closed]),
            ("petitions_other", [.rejected, .hidden, .withdrawn]),
        ]
        var mine: [[String: Any]] = []
        if case .resident(let id, _)? = actor {
            var f = PetitionFilter(limit: 100); f.authorId = id
            mine = try await petitions.list(f, for: actor).map { p in
                ["id": p.id, "title": p.text.title, "state": stateName(p.state, visitor)] as [String: Any]
            }
        }
        let ctx: [String: Any] = [
            "groups": sections.map { key, states in
                let rows = states.flatMap { groups[$0] ?? [] }
                return ["heading": pages.text(key, visitor), "id": key, "petitions": rows, "empty": rows.isEmpty] as [String: Any]
            },
            "mine": mine, "has_mine": !mine.isEmpty, "can_write": backend.identity != nil,
            "districts": backend.districts.map { ["code": $0.code, "name": $0.name, "selected": $0.code == filter.districtCode] as [String: Any] },
        ]
        return pages.page("petitions", title: pages.text("petitions_title", visitor), ctx, visitor: visitor, request: request)
    }

    /// The states whose list rows show the count and the progress to the response threshold.
    static func showsCount(_ state: PetitionState) -> Bool { [.open, .closed, .answered].contains(state) }

    func petitionRow(_ p: Petition, counts: PetitionSignatureCounts?, _ visitor: Visitor, _ actor: PetitionActor?) -> [String: Any] {
        var row: [String: Any] = ["id": p.id, "state": stateName(p.state, visitor), "state_code": p.state.rawValue,
                                  "district": districtName(p.text.districtCode) ?? ""]
        row["title"] = PetitionActor.seesText(of: p, actor) ? p.text.title : pages.text("petition_hidden_title", visitor)
        if Self.showsCount(p.state), let counts {
            let counted = Petitions.counted(counts, district: p.text.districtCode)
            let response = petitions.settings.thresholds(district: p.text.districtCode).response
            row["count"] = counted
            row["progress"] = progress(counted, of: response, visitor, label: "petition_response_threshold")
        }
        if let closes = p.closesAt, p.state == .open { row["closes"] = dateTime(closes) }
        return row
    }

    // MARK: One petition

    /// What `?done=` may say after a form (a closed list: never text from the address).
    static let petitionNotices: Set<String> = ["created", "saved", "submitted", "withdrawn", "signed", "unsigned", "subscribed", "unsubscribed"]

    func petitionPage(_ request: Request, _ visitor: Visitor, id: Int64, errors: [String] = [],
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let actor = petitionActor(visitor)
        let view = try await petitions.view(id: id, for: actor)
        let p = view.petition
        let done = request.query("done").flatMap { Self.petitionNotices.contains($0) ? pages.text("petition_done_\($0)", visitor) : nil }
        var ctx: [String: Any] = ["id": p.id, "state": stateName(p.state, visitor), "state_code": p.state.rawValue,
                                  "district": districtName(p.text.districtCode) ?? "", "notice": done ?? "",
                                  "errors": errors, "has_errors": !errors.isEmpty]
        if PetitionActor.seesText(of: p, actor) {
            ctx["title"] = p.text.title; ctx["change"] = p.text.change; ctx["reason"] = p.text.reason; ctx["act"] = p.text.act
        } else {
            ctx["title"] = pages.text("petition_hidden_title", visitor); ctx["withheld"] = true
        }
        if p.state == .rejected, let code = p.rejectionCode {
            ctx["rejection"] = ["code": pages.text("rejection_\(code.rawValue)", visitor), "why": p.publicReason ?? ""]
        }
        if p.state == .hidden { ctx["hidden_reason"] = p.publicReason ?? "" }
        ctx["timeline"] = timeline(p, visitor)
        if let a = p.answer {
            ctx["answer"] = ["decision": pages.text("petition_decision_\(a.decision.rawValue)", visitor), "date": a.date, "text": a.text,
                             "document": a.documentURL ?? "", "published": dateTime(a.publishedAt)]
        }
        let signable = [.open, .closed, .answered].contains(p.state)
        ctx["signable"] = signable
        if signable {
            ctx["count"] = view.counts.total
            ctx["counted"] = view.counted
            ctx["counted_differs"] = view.counted != view.counts.total
            ctx["invalidated"] = view.counts.invalidated
            ctx["thresholds"] = [
                progress(view.counted, of: view.thresholds.response, visitor, label: "petition_response_threshold"),
                progress(view.counted, of: view.thresholds.council, visitor, label: "petition_council_threshold"),
            ]
            let figures = petitions.districtFigures(view.counts, districts: backend.districts.map { ($0.code, $0.name) })
            ctx["districts"] = figures.map { f in
                ["name": f.name ?? f.code, "signatures": f.signatures, "population": f.population.map(String.init) ?? "",
                 "per_1000": f.perThousand.map { String(format: "%.2f", $0) } ?? ""] as [String: Any]
            }
            ctx["has_districts"] = !figures.isEmpty
            ctx["has_populations"] = figures.contains { $0.population != nil }
            ctx["without_district"] = view.counts.withoutDistrict
            ctx["has_map"] = !backend.districts.isEmpty
            ctx["map_alt"] = pages.text("petition_map_alt", visitor)
        }
        if p.state == .collectingSponsors {
            ctx["sponsors"] = ["count": view.sponsors, "needed": petitions.settings.sponsorsNeeded,
                               "link": (backend.settings.publicURL ?? "") + "/petitions/\(p.id)/sponsor"]
        }
        try await addSignerContext(&ctx, p, view, visitor, actor, request)
        ctx["author"] = actor?.wrote(p) == true
        ctx["can_edit"] = actor?.wrote(p) == true && PetitionMove.edit.from.contains(p.state)
        ctx["can_submit"] = actor?.wrote(p) == true && PetitionMove.submit.from.contains(p.state)
        ctx["can_withdraw"] = actor?.wrote(p) == true && PetitionMove.withdraw.from.contains(p.state)
        ctx["moderator"] = actor?.isModerator == true || (visitor.user.map { $0.role == .moderator || $0.role == .admin } ?? false)
        return pages.page("petition", title: ctx["title"] as? String ?? "", ctx, visitor: visitor, request: request, status: status,
                          scripts: ["minimap.js"], leaflet: p.state == .open)
    }

    /// What the visitor can do as a signer: sign (with the form), see and withdraw their
    /// signature, ask for the answer by email; or sign in first.
    func addSignerContext(_ ctx: inout [String: Any], _ p: Petition, _ view: PetitionView, _ visitor: Visitor, _ actor: PetitionActor?,
                          _ request: Request) async throws {
        guard backend.identity != nil else { return }
        let open = p.state == .open
        guard case .resident? = actor, let session = visitor.resident else {
            if open { ctx["sign_in"] = Self.signInPath(level: identity.settings.requiredLevel(for: .petitionSign), next: "/petitions/\(p.id)") }
            return
        }
        if let mine = try await petitions.signature(id: p.id, by: actor!) {
            ctx["my_signature"] = ["at": dateTime(mine.signedAt), "signed_district": districtName(mine.districtCode) ?? "",
                                   "public_name": mine.publicName ?? "", "invalidated": mine.invalidatedAt != nil,
                                   "invalid_reason": mine.invalidationReason ?? "", "can_withdraw": open && mine.invalidatedAt == nil]
        } else if open {
            ctx["sign_form"] = ["residence": session.residence.flatMap(districtName) ?? "", "name": session.resident.name ?? "",
                                "has_email": session.resident.email != nil]
        }
        if ![.answered, .rejected, .hidden, .withdrawn].contains(p.state) {
            ctx["subscription"] = ["on": try await petitions.isSubscribed(id: p.id, by: actor!), "has_email": session.resident.email != nil]
        }
    }

    /// A progress bar's values: the count against a threshold.
    func progress(_ count: Int, of threshold: Int, _ visitor: Visitor, label: String) -> [String: Any] {
        let percent = threshold > 0 ? min(100, count * 100 / threshold) : 100
        return ["label": pages.text(label, visitor), "count": count, "threshold": threshold, "percent": percent,
                "reached": count >= threshold, "max": max(threshold, 1), "value": min(count, max(threshold, 1))]
    }

    func timeline(_ p: Petition, _ visitor: Visitor) -> [[String: Any]] {
        var out: [(String, Date)] = [("petition_event_created", p.createdAt)]
        if let d = p.submittedAt { out.append(("petition_event_submitted", d)) }
        if let d = p.openedAt { out.append(("petition_event_opened", d)) }
        if p.state == .open, let d = p.closesAt { out.append(("petition_event_closes", d)) }
        if let d = p.closedAt { out.append((p.state == .withdrawn ? "petition_event_withdrawn" : p.state == .hidden ? "petition_event_hidden" : "petition_event_closed", d)) }
        if let a = p.answer { out.append(("petition_event_answered", a.publishedAt)) }
        return out.map { ["what": pages.text($0.0, visitor), "at": dateTime($0.1), "iso": ISO8601DateFormatter().string(from: $0.1)] }
    }

    func stateName(_ state: PetitionState, _ visitor: Visitor) -> String { pages.text("petition_state_\(state.rawValue)", visitor) }

    func districtName(_ code: String?) -> String? {
        guard let code else { return nil }
        return backend.districts.first { $0.code == code }?.name ?? code
    }

    // MARK: The map

    /// `/petitions/{id}/map.svg`: the choropleth of signatures per district (per 1,000 residents
    /// when every district's population is configured), in the visitor's language.
    func petitionMap(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let id = try id(context)
        let view = try await petitions.view(id: id, for: petitionActor(visitor))
        guard [.open, .closed, .answered].contains(view.petition.state) else { throw WebFailure(.notFound, .noSuchPage) }
        let figures = petitions.districtFigures(view.counts, districts: backend.districts.map { ($0.code, $0.name) })
        let perThousand = !backend.districts.isEmpty && backend.districts.allSatisfy { petitions.settings.districtPopulations[$0.code] != nil }
        var byCode: [String: PetitionDistrictFigure] = [:]
        for f in figures { byCode[f.code] = f }
        func text(_ key: String) -> String { pages.text(key, visitor) }
        let areas = backend.districts.map { d in
            let f = byCode[d.code]
            let n = f?.signatures ?? 0
            var caption = "\(text("petition_signatures")): \(n)"
            if let per = f?.perThousand { caption += String(format: "; %@: %.2f", text("petition_per_1000_unit"), per) }
            return ChoroplethSVG.Area(code: d.code, name: d.name, geometry: d.geometry,
                                      value: perThousand ? f?.perThousand ?? 0 : Double(n), caption: caption)
        }
        let title = PetitionActor.seesText(of: view.petition, petitionActor(visitor)) ? view.petition.text.title : text("petition_hidden_title")
        let labels = ChoroplethSVG.Labels(title: "\(text("petition_map_title")): \(title)", description: text("petition_map_alt"),
                                          heading: perThousand ? text("petition_per_1000_unit") : text("petition_signatures"),
                                          none: text("petition_map_none"))
        let svg = ChoroplethSVG(decimals: perThousand ? 1 : 0).render(areas, labels: labels)
        return Response(status: .ok, headers: [
            .contentType: "image/svg+xml; charset=utf-8", .cacheControl: "no-cache", .vary: "Cookie, Accept-Language",
            // An SVG opened on its own is a document: nothing in it may run or load.
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'", .init("X-Content-Type-Options")!: "nosniff",
        ], body: .init(byteBuffer: ByteBuffer(string: svg)))
    }
}

extension PetitionActor {
    /// The resident of a session, as one signer (the personal code's digest when known).
    public init(_ session: ResidentSession) {
        self = .resident(id: session.resident.id, signerKey: Petitions.signerKey(residentId: session.resident.id,
                                                                                personalCodeDigest: session.resident.personalCodeDigest))
    }
}
