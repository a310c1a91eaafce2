import Foundation
import Geo
import Hummingbird
import Identity
import Messages
import Petitions
import RateLimits
import Store

/// Residents' petition forms: writing and editing a draft, submitting, withdrawing, sponsoring
/// (through the link the author shares: a page with a button, never an act on GET), signing with
/// an optional public name and a place that gives the district, withdrawing a signature, and
/// asking for the answer by email. Each checks the sign-in level `identity.required_levels` names
/// (a step-up sign-in otherwise) and hands the rest to `Petitions`.
extension WebPages {
    func registerPetitionForms(on router: Router<ClientRequestContext>) {
        guard backend.identity != nil else { return }
        router.get("petitions/new", use: page { request, _, visitor in
            _ = try resident(visitor, for: .petitionCreate)
            return petitionForm(request, visitor, values: PetitionFormValues())
        })
        router.post("petitions", use: form(createPetition))
        router.get("petitions/:id/edit", use: page { request, context, visitor in
            let actor = PetitionActor(try resident(visitor, for: .petitionCreate))
            let p = try await petitions.petition(id: try id(context), for: actor)
            guard actor.wrote(p), PetitionMove.edit.from.contains(p.state) else {
                throw PetitionError.refused(.onlyAuthorEditsDrafts)
            }
            return petitionForm(request, visitor, values: PetitionFormValues(p.text), id: p.id)
        })
        router.post("petitions/:id/edit", use: form(editPetition))
        router.post("petitions/:id/submit", use: form { request, context, visitor, _ in
            try await authorMove(request, context, visitor, done: "petition_done_submitted") { id, actor in try await petitions.submit(id: id, by: actor) }
        })
        router.post("petitions/:id/withdraw", use: form { request, context, visitor, _ in
            try await authorMove(request, context, visitor, done: "petition_done_withdrawn") { id, actor in try await petitions.withdraw(id: id, by: actor) }
        })
        router.get("petitions/:id/sponsor", use: page(sponsorPage))
        router.post("petitions/:id/sponsor", use: form(sponsorPetition))
        router.post("petitions/:id/sign", use: form(signPetition))
        router.post("petitions/:id/signature/withdraw", use: form(withdrawPetitionSignature))
        router.post("petitions/:id/subscription", use: form(petitionSubscription))
    }

    // MARK: Writing

    func petitionForm(_ request: Request, _ visitor: Visitor, values: PetitionFormValues, id: Int64? = nil, errors: [String] = [],
                      status: HTTPResponse.Status = .ok) -> Response {
        let s = petitions.settings
        let ctx: [String: Any] = [
            "action": id.map { "/petitions/\($0)/edit" } ?? "/petitions", "editing": id != nil, "id": id ?? 0,
            "form": ["title": values.title, "change": values.change, "reason": values.reason, "act": values.act,
                     "lat": values.lat, "long": values.long],
            "districts": backend.districts.map { ["code": $0.code, "name": $0.name, "selected": $0.code == values.district] as [String: Any] },
            "max_title": s.maximumTitle, "max_text": s.maximumText, "sponsors_needed": s.sponsorsNeeded,
            "errors": errors, "has_errors": !errors.isEmpty,
        ]
        let title = pages.text(id == nil ? "petition_new_title" : "petition_edit_title", visitor)
        return pages.page("petition-form", title: title, ctx, visitor: visitor, request: request, status: status,
                          scripts: ["minimap.js"], leaflet: true)
    }

    func createPetition(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let actor = PetitionActor(try resident(visitor, for: .petitionCreate))
        let values = PetitionFormValues(form)
        do {
            let p = try await petitions.create(try values.text(), by: actor)
            return pages.redirect("/petitions/\(p.id)?done=created", visitor: visitor)
        } catch {
            guard case .invalid(let reason) = error else { throw error }
            return petitionForm(request, visitor, values: values, errors: [pages.text(reason, visitor)], status: .badRequest)
        }
    }

    func editPetition(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let id = try id(context)
        let actor = PetitionActor(try resident(visitor, for: .petitionCreate))
        let values = PetitionFormValues(form)
        do {
            _ = try await petitions.updateDraft(id: id, try values.text(), by: actor)
            return pages.redirect("/petitions/\(id)?done=saved", visitor: visitor)
        } catch {
            guard case .invalid(let reason) = error else { throw error }
            return petitionForm(request, visitor, values: values, id: id, errors: [pages.text(reason, visitor)], status: .badRequest)
        }
    }

    func authorMove(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, done: String,
                    _ move: @Sendable (Int64, PetitionActor) async throws -> Petition) async throws -> Response {
        let id = try id(context)
        let actor = PetitionActor(try resident(visitor, for: .petitionCreate))
        _ = try await move(id, actor)
        return pages.redirect("/petitions/\(id)?done=\(done.dropFirst("petition_done_".count))", visitor: visitor)
    }

    // MARK: Sponsoring

    /// The link the author shares: the petition and a button. Sponsoring happens on the POST.
    func sponsorPage(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let id = try id(context)
        let actor = PetitionActor(try resident(visitor, for: .petitionSign))
        let view = try await petitions.view(id: id, for: actor)
        let p = view.petition
        guard PetitionActor.seesText(of: p, actor) else { throw PetitionError.notFound }
        let ctx: [String: Any] = [
            "id": p.id, "title": p.text.title, "change": p.text.change, "reason": p.text.reason, "act": p.text.act,
            "collecting": p.state == .collectingSponsors, "state": stateName(p.state, visitor),
            "count": view.sponsors, "needed": petitions.settings.sponsorsNeeded, "done": request.query("done") != nil,
            "author": actor.wrote(p), "already": try await petitions.store.isSponsor(petitionId: id, signerKey: signerKey(actor)),
        ]
        return pages.page("petition-sponsor", title: pages.text("petition_sponsor_title", visitor), ctx, visitor: visitor, request: request)
    }

    func sponsorPetition(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let id = try id(context)
        let actor = PetitionActor(try resident(visitor, for: .petitionSign))
        try limitSignature(request, context)
        _ = try await petitions.sponsor(id: id, by: actor)
        return pages.redirect("/petitions/\(id)/sponsor?done=1", visitor: visitor)
    }

    func signerKey(_ actor: PetitionActor) -> String { if case .resident(_, let key) = actor { key } else { "" } }

    // MARK: Signing

    func signPetition(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let id = try id(context)
        let session = try resident(visitor, for: .petitionSign)
        let actor = PetitionActor(session)
        let notify = form["notify"] == "1"
        do {
            if notify, session.resident.email == nil { throw PetitionError.refused(.keepAnEmailFirst) }
            let location = try Self.coordinate(lat: form["lat"], long: form["long"])
            let place = try SignerDistrict.place(residence: session.residence, location: location,
                                                 districtCodes: Set(backend.districts.map(\.code)), locate: { backend.intake.locator.locate($0)?.code })
            try limitSignature(request, context)
            try await petitions.sign(id: id, by: actor, district: place.code, publicName: form["show_name"] == "1" ? form["public_name"] : nil,
                                     residenceFromProvider: place.fromProvider)
        } catch let error as PetitionError {
            guard case .invalid(let reason) = error else { throw error }
            return try await petitionPage(request, visitor, id: id, errors: [pages.text(reason, visitor)], status: .badRequest)
        }
        if notify { _ = try await petitions.subscribe(id: id, by: actor, email: session.resident.email) }
        return pages.redirect("/petitions/\(id)?done=signed", visitor: visitor)
    }

    func withdrawPetitionSignature(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let id = try id(context)
        try await petitions.withdrawSignature(id: id, by: PetitionActor(try resident(visitor, for: .petitionSign)))
        return pages.redirect("/petitions/\(id)?done=unsigned", visitor: visitor)
    }

    func petitionSubscription(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let id = try id(context)
        let session = try resident(visitor, for: .petitionSign)
        if form["notify"] == "1" {
            _ = try await petitions.subscribe(id: id, by: PetitionActor(session), email: session.resident.email)
            return pages.redirect("/petitions/\(id)?done=subscribed", visitor: visitor)
        }
        _ = try await petitions.unsubscribe(id: id, by: PetitionActor(session))
        return pages.redirect("/petitions/\(id)?done=unsubscribed", visitor: visitor)
    }

    /// Signatures and sponsorships, per address and per network (429 with Retry-After).
    func limitSignature(_ request: Request, _ context: ClientRequestContext) throws {
        do { try backend.limits.checkSignature(client: backend.limits.client(of: request, context: context)) } catch {
            backend.rateLimited(error.write)
            throw error
        }
    }

    /// A place typed or clicked on the map: both numbers or neither.
    static func coordinate(lat: String?, long: String?) throws(PetitionError) -> Coordinate? {
        let lat = lat?.trimmingCharacters(in: .whitespaces) ?? "", long = long?.trimmingCharacters(in: .whitespaces) ?? ""
        if lat.isEmpty, long.isEmpty { return nil }
        guard let y = Double(lat.replacingOccurrences(of: ",", with: ".")), let x = Double(long.replacingOccurrences(of: ",", with: ".")) else {
            throw .invalid(.locationNumbers)
        }
        return Coordinate(x, y)
    }
}

/// What the author typed, to show it again when something is wrong.
struct PetitionFormValues {
    var title = "", change = "", reason = "", act = "", lat = "", long = ""
    var district: String?

    init() {}

    init(_ t: PetitionText) {
        title = t.title; change = t.change; reason = t.reason; act = t.act; district = t.districtCode
        lat = t.latitude.map { String($0) } ?? ""; long = t.longitude.map { String($0) } ?? ""
    }

    init(_ form: WebForm) {
        title = form["title"] ?? ""; change = form["change"] ?? ""; reason = form["reason"] ?? ""; act = form["act"] ?? ""
        lat = form["lat"] ?? ""; long = form["long"] ?? ""
        district = form["district"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func text() throws(PetitionError) -> PetitionText {
        let place = try WebPages.coordinate(lat: lat, long: long)
        return PetitionText(title: title, change: change, reason: reason, act: act, districtCode: district, longitude: place?.x, latitude: place?.y)
    }
}
