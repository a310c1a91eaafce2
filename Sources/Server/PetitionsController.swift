import CSV
import Districts
import Foundation
import Geo
import Hummingbird
import Identity
import JSONText
import Petitions
import RateLimits
import Staff
import Store

/// The e-petitions JSON API under `/api/petitions`: translates HTTP to `Petitions` and back.
/// Residents act through their session cookie at the level `identity.required_levels` names
/// (`petition.create` to write, `petition.sign` to sponsor and sign); moderators and admins
/// through a staff bearer token.
struct PetitionsController: Sendable {
    let petitions: Petitions
    let identity: IdentityServices?
    let accounts: StaffAccounts
    let limits: ClientLimits
    let locator: DistrictLocator
    /// The site's public address for the feed's links (else the request's host).
    let publicURL: String?

    static let bodyLimit = 64 * 1024

    func register(on router: Router<ClientRequestContext>) {
        router.get("api/petitions") { request, _ in try await list(request) }
        router.post("api/petitions") { request, _ in try await create(request) }
        router.get("api/petitions/:id") { request, context in try await one(request, context) }
        router.put("api/petitions/:id") { request, context in try await update(request, context) }
        router.post("api/petitions/:id/submit") { request, context in
            try await authorMove(request, context) { id, actor in try await petitions.submit(id: id, by: actor) }
        }
        router.post("api/petitions/:id/withdraw") { request, context in
            try await authorMove(request, context) { id, actor in try await petitions.withdraw(id: id, by: actor) }
        }
        router.post("api/petitions/:id/sponsors") { request, context in try await sponsor(request, context) }
        router.post("api/petitions/:id/moderation") { request, context in try await moderate(request, context) }
        router.post("api/petitions/:id/answer") { request, context in try await answer(request, context) }
        router.post("api/petitions/:id/signatures") { request, context in try await sign(request, context) }
        router.delete("api/petitions/:id/signatures/mine") { request, context in try await withdrawSignature(request, context) }
        router.get("api/petitions/:id/districts") { request, context in try await districts(request, context, csv: false) }
        router.get("api/petitions/:id/districts.csv") { request, context in try await districts(request, context, csv: true) }
        router.get("api/petitions/:id/velocity") { request, context in try await velocity(request, context) }
        router.post("api/petitions/:id/invalidations") { request, context in try await invalidate(request, context) }
        router.post("api/petitions/:id/subscription") { request, context in try await subscribe(request, context) }
        router.delete("api/petitions/:id/subscription") { request, context in try await unsubscribe(request, context) }
        router.get("feeds/petitions.atom") { request, _ in try await feed(request) }
        router.get("open-data/petitions.json") { _, _ in try await openData(.json) }
        router.get("open-data/petitions.csv") { _, _ in try await openData(.petitionsCSV) }
        router.get("open-data/petition-districts.csv") { _, _ in try await openData(.districtsCSV) }
    }

    // MARK: Routes

    func list(_ request: Request) async throws -> Response {
        let actor = try await optionalActor(request)
        var filter = PetitionFilter()
        if let states = request.parameter("state") {
            var parsed: [PetitionState] = []
            for name in states.split(separator: ",") {
                guard let s = PetitionState(rawValue: String(name)) else {
                    throw Problem(.badRequest, "state: one or more of \(PetitionState.allCases.map(\.rawValue).joined(separator: ", ")), comma-separated")
                }
                parsed.append(s)
            }
            filter.states = parsed
        }
        if let d = request.parameter("district") {
            guard d.count <= 100, !Petitions.hasNul(d) else { throw Problem(.badRequest, "district: at most 100 characters, no NUL") }
            filter.districtCode = d
        }
        if let mine = request.parameter("mine") {
            guard mine == "true" || mine == "false" else { throw Problem(.badRequest, "mine: true or false") }
            if mine == "true" {
                guard case .resident(let id, _)? = actor else { throw Problem(.unauthorized, "mine=true needs a resident's session") }
                filter.authorId = id
            }
        }
        filter.limit = try intParameter(request, "limit", 1...500) ?? 100
        filter.offset = try intParameter(request, "offset", 0...1_000_000) ?? 0
        let found = try await run { try await petitions.list(filter, for: actor) }
        return jsonResponse(PetitionList(count: found.count, petitions: found.map { PetitionJSON($0, for: actor, view: nil) }))
    }

    func create(_ request: Request) async throws -> Response {
        let actor = try await resident(request, .petitionCreate)
        let input = try await decode(PetitionInput.self, request)
        let p = try await run { try await petitions.create(input.text, by: actor) }
        return jsonResponse(PetitionJSON(p, for: actor, view: nil), status: .created)
    }

    func one(_ request: Request, _ context: ClientRequestContext) async throws -> Response {
        let id = try id(context)
        let actor = try await optionalActor(request)
        let view = try await run { try await petitions.view(id: id, for: actor) }
        var json = PetitionJSON(view.petition, for: actor, view: view)
        json.sponsors_needed = petitions.settings.sponsorsNeeded
        if let actor, let mine = try await run({ try await petitions.signature(id: id, by: actor) }) {
            json.my_signature = PetitionSignatureJSON(signed_at: isoTime(mine.signedAt), district: mine.districtCode, public_name: mine.publicName,
                                              invalidated: mine.invalidatedAt != nil)
        }
        if case .resident? = actor { json.notify_answer = try await run { try await petitions.isSubscribed(id: id, by: actor!) } }
        var response = jsonResponse(json)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func update(_ request: Request, _ context: ClientRequestContext) async throws -> Response {
        let id = try id(context)
        let actor = try await resident(request, .petitionCreate)
        let input = try await decode(PetitionInput.self, request)
        let p = try await run { try await petitions.updateDraft(id: id, input.text, by: actor) }
        return jsonResponse(PetitionJSON(p, for: actor, view: nil))
    }

    func authorMove(_ request: Request, _ context: ClientRequestContext,
                    _ body: @Sendable (Int64, PetitionActor) async throws -> Petition) async throws -> Response {
        let id = try id(context)
        let actor = try await resident(request, .petitionCreate)
        let p = try await run { try await body(id, actor) }
        return jsonResponse(PetitionJSON(p, for: actor, view: nil))
    }

    func sponsor(_ request: Request, _ context: ClientRequestContext) async throws -> Response {
        let id = try id(context)
        let actor = try await resident(request, .petitionSign)
        try limit(request, context)
        let count = try await run { try await petitions.sponsor(id: id, by: actor) }
        return jsonResponse(["sponsors": JSONScalar.int(count), "sponsors_needed": .int(petitions.settings.sponsorsNeeded)], status: .created)
    }

    func moderate(_ request: Request, _ context: ClientRequestContext) async throws -> Response {
        let id = try id(context)
        let actor = try await moderator(request)
        let input = try await decode(PetitionModerationInput.self, request)
        let p: Petition
        switch input.action {
        case "approve": p = try await run { try await petitions.approve(id: id, by: actor) }
        case "reject":
            guard let name = input.code, let code = PetitionRejectionCode(rawValue: name) else {
                throw Problem(.badRequest, "code: one of \(PetitionRejectionCode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            p = try await run { try await petitions.reject(id: id, code: code, reason: input.reason ?? "", by: actor) }
        case "unreject": p = try await run { try await petitions.unreject(id: id, by: actor) }
        case "hide": p = try await run { try await petitions.hide(id: id, reason: input.reason ?? "", by: actor) }
        default: throw Problem(.badRequest, "action: approve, reject, unreject or hide")
        }
        return jsonResponse(PetitionJSON(p, for: actor, view: nil))
    }

    func answer(_ request: Request, _ context: ClientRequestContext) async throws -> Response {
        let id = try id(context)
        let actor = try await moderator(request)
        let input = try await decode(PetitionAnswerInput.self, request)
        guard let decision = PetitionDecision(rawValue: input.decision) else {
            throw Problem(.badRequest, "decision: one of \(PetitionDecision.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let p = try await run {
            try await petitions.answer(id: id, text: input.text, decision: decision, date: input.date, documentURL: input.document, by: actor)
        }
        return jsonResponse(PetitionJSON(p, for: actor, view: nil))
    }

    func sign(_ request: Request, _ context: ClientRequestContext) async throws -> Response {
        let id = try id(context)
        let (actor, session) = try await residentSession(request, .petitionSign)
        let input = try await decode(PetitionSignatureInput.self, request, emptyAllowed: true)
        if input.notify_answer == true, session.resident.email == nil {
            throw Problem(.conflict, "keep an email address on your page (/me) first: the answer is sent there")
        }
        let place = try await run {
            try SignerDistrict.place(residence: session.residence, location: input.location.map { Coordinate($0.longitude, $0.latitude) },
                                     districtCodes: Set(locator.districts.map(\.code)), locate: { locator.locate($0)?.code })
        }
        try limit(request, context)
        let count = try await run {
            try await petitions.sign(id: id, by: actor, district: place.code, publicName: input.public_name, residenceFromProvider: place.fromProvider)
        }
        var subscribed = false
        if input.notify_answer == true {
            _ = try await run { try await petitions.subscribe(id: id, by: actor, email: session.resident.email) }
            subscribed = true
        }
        return jsonResponse(["signed": JSONScalar.bool(true), "district": place.code.map(JSONScalar.string) ?? .null,
                             "district_source": place.source.map(JSONScalar.string) ?? .null,
                             "notify_answer": .bool(subscribed), "signature_count": .int(count)], status: .created)
    }

    func withdrawSignature(_ request: Request, _ context: ClientRequestContext) async throws -> Response {
        let id = try id(context)
        let actor = try await resident(request, .petitionSign)
        try await run { try await petitions.withdrawSignature(id: id, by: actor) }
        return Response(status: .noContent)
    }

    func districts(_ request: Request, _ context: ClientRequestContext, csv: Bool) async throws -> Response {
        let id = try id(context)
        let actor = try await optionalActor(request)
        let view = try await run { try await petitions.view(id: id, for: actor) }
        let rows = petitions.districtFigures(view.counts, districts: locator.districts.map { ($0.code, $0.name) })
            .map(PetitionDistrictCountJSON.init)
        if csv {
            var text = CSV.line(["district_code", "district_name", "signatures", "population", "per_1000"]) + "\r\n"
            for r in rows {
                text += CSV.line([r.code, r.name ?? "", String(r.signatures), r.population.map(String.init) ?? "", r.per_1000.map(PetitionDistrictCountJSON.show) ?? ""]) + "\r\n"
            }
            text += CSV.line(["", "(no district given)", String(view.counts.withoutDistrict), "", ""]) + "\r\n"
            return csvResponse(text, filename: "petition-\(id)-districts.csv")
        }
        return jsonResponse(PetitionDistrictCounts(petition_id: id, total: view.counts.total, without_district: view.counts.withoutDistrict,
                                           invalidated: view.counts.invalidated, districts: rows))
    }

    func velocity(_ request: Request, _ context: ClientRequestContext) async throws -> Response {
        let id = try id(context)
        let actor = try await moderator(request)
        let hours = try await run { try await petitions.velocity(id: id, by: actor) }
        return jsonResponse(PetitionVelocityJSON(petition_id: id, hours: hours.map { PetitionHourJSON(hour: isoTime($0.hour), valid: $0.valid, invalidated: $0.invalidated) }))
    }

    func invalidate(_ request: Request, _ context: ClientRequestContext) async throws -> Response {
        let id = try id(context)
        let actor = try await moderator(request)
        let input = try await decode(PetitionInvalidationInput.self, request)
        let parser = ISO8601DateFormatter()
        guard let from = parser.date(from: input.from), let to = parser.date(from: input.to) else {
            throw Problem(.badRequest, "from, to: ISO 8601 times such as 2026-12-03T07:00:00Z")
        }
        let n = try await run { try await petitions.invalidate(id: id, from: from, to: to, district: input.district, reason: input.reason, by: actor) }
        let view = try await run { try await petitions.view(id: id, for: actor) }
        return jsonResponse(["invalidated": JSONScalar.int(n), "signature_count": .int(view.counts.total)])
    }

    /// `POST /api/petitions/{id}/subscription`: email me the answer (to the email kept on /me).
    func subscribe(_ request: Request, _ context: ClientRequestContext) async throws -> Response {
        let id = try id(context)
        let (actor, session) = try await residentSession(request, .petitionSign)
        _ = try await run { try await petitions.subscribe(id: id, by: actor, email: session.resident.email) }
        return jsonResponse(["petition_id": JSONScalar.int(Int(id)), "notify_answer": .bool(true), "email": .string(session.resident.email ?? "")])
    }

    func unsubscribe(_ request: Request, _ context: ClientRequestContext) async throws -> Response {
        let id = try id(context)
        let actor = try await resident(request, .petitionSign)
        _ = try await run { try await petitions.unsubscribe(id: id, by: actor) }
        return Response(status: .noContent)
    }

    enum OpenDataForm { case json, petitionsCSV, districtsCSV }

    /// The open-data export: every public petition (past moderation; a hidden one without its
    /// text) with its dates, answer, counts and signatures per district. No personal data: no
    /// author, no signer, no public name, no signing time.
    func openData(_ form: OpenDataForm) async throws -> Response {
        var all: [Petition] = []
        while true {
            let page = try await run { try await petitions.list(PetitionFilter(limit: 500, offset: all.count), for: nil) }
            all += page
            if page.count < 500 || all.count >= 100_000 { break }
        }
        let districts = locator.districts.map { ($0.code, $0.name) }
        var rows: [PetitionOpenDataJSON] = []
        let allCounts = try await run { try await petitions.counts(ids: all.map(\.id)) }
        for p in all.reversed() {
            let counts = allCounts[p.id] ?? PetitionSignatureCounts()
            rows.append(PetitionOpenDataJSON(p, counts: counts, thresholds: petitions.settings.thresholds(district: p.text.districtCode),
                                             districts: petitions.districtFigures(counts, districts: districts).map(PetitionDistrictCountJSON.init)))
        }
        let headers: HTTPFields = [.cacheControl: "public, max-age=60"]
        switch form {
        case .json:
            var response = jsonResponse(PetitionOpenData(generated_at: isoTime(Date()), petitions: rows))
            response.headers[.cacheControl] = "public, max-age=60"
            return response
        case .petitionsCSV:
            var text = CSV.line(["id", "state", "title", "act", "district", "created_at", "opened_at", "closes_at", "closed_at", "signatures",
                                 "counted_signatures", "invalidated", "response_threshold", "council_threshold", "decision", "decision_date",
                                 "answered_at", "document"]) + "\r\n"
            for r in rows {
                text += CSV.line([String(r.id), r.state, r.title ?? "", r.act ?? "", r.district ?? "", r.created_at, r.opened_at ?? "",
                                  r.closes_at ?? "", r.closed_at ?? "", String(r.signatures), String(r.counted_signatures), String(r.invalidated),
                                  String(r.response_threshold), String(r.council_threshold), r.answer?.decision ?? "", r.answer?.date ?? "",
                                  r.answer?.published_at ?? "", r.answer?.document ?? ""]) + "\r\n"
            }
            return csvResponse(text, filename: "petitions.csv", headers: headers)
        case .districtsCSV:
            var text = CSV.line(["petition_id", "district_code", "district_name", "signatures", "population", "per_1000"]) + "\r\n"
            for r in rows {
                for d in r.districts {
                    text += CSV.line([String(r.id), d.code, d.name ?? "", String(d.signatures), d.population.map(String.init) ?? "",
                                      d.per_1000.map(PetitionDistrictCountJSON.show) ?? ""]) + "\r\n"
                }
                text += CSV.line([String(r.id), "", "(no district given)", String(r.without_district), "", ""]) + "\r\n"
            }
            return csvResponse(text, filename: "petition-districts.csv", headers: headers)
        }
    }

    func csvResponse(_ text: String, filename: String, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = "text/csv; charset=utf-8"
        h[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `GET /feeds/petitions.atom`: petitions opened for signatures and answers published, newest first.
    func feed(_ request: Request) async throws -> Response {
        let found = try await run { try await petitions.list(PetitionFilter(states: [.open, .closed, .answered], limit: 200), for: nil) }
        var items: [(at: Date, id: Int64, kind: String, title: String, text: String)] = []
        for p in found {
            if let opened = p.openedAt { items.append((opened, p.id, "opened", "Open for signatures: \(p.text.title)", p.text.change)) }
            if let a = p.answer {
                items.append((a.publishedAt, p.id, "answered", "Answered (\(a.decision.rawValue.replacingOccurrences(of: "_", with: " "))): \(p.text.title)", a.text))
            }
        }
        items.sort { ($0.at, $0.id) > ($1.at, $1.id) }
        let base = publicURL ?? "http://\(request.head.authority ?? "localhost")"
        let selfURL = "\(base)/feeds/petitions.atom"
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" + #"<feed xmlns="http://www.w3.org/2005/Atom">"#
        xml += "<id>\(XML.escape(selfURL))</id><title>Miestas: petitions</title>"
        xml += "<updated>\(JSONText.time(items.first?.at ?? Date(timeIntervalSince1970: 0)))</updated>"
        xml += #"<link rel="self" type="application/atom+xml" href="\#(XML.escape(selfURL))"/>"#
        xml += "<author><name>Miestas</name></author>"
        for e in items.prefix(100) {
            let link = "\(base)/api/petitions/\(e.id)"
            xml += "<entry><id>\(XML.escape("\(link)#\(e.kind)"))</id><title>\(XML.escape(e.title))</title><updated>\(JSONText.time(e.at))</updated>"
            xml += #"<link rel="alternate" href="\#(XML.escape(link))"/><content type="text">\#(XML.escape(e.text))</content></entry>"#
        }
        xml += "</feed>\n"
        return Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    // MARK: Who asks

    /// A resident at the level `operation` needs (401 naming the level otherwise).
    func resident(_ request: Request, _ operation: IdentityOperation) async throws -> PetitionActor {
        try await residentSession(request, operation).actor
    }

    /// The same, with the session (its kept email, the residence the provider told).
    func residentSession(_ request: Request, _ operation: IdentityOperation) async throws -> (actor: PetitionActor, session: ResidentSession) {
        if StaffAuth.bearer(request) != nil, identity == nil || ResidentController.cookie(request, "miestas_resident") == nil {
            throw Problem(.forbidden, "staff tokens cannot write or sign petitions: residents do, signed in through an identity provider")
        }
        let session = try await ResidentController.resident(request, identity, for: operation)
        return (.resident(id: session.resident.id, signerKey: Petitions.signerKey(residentId: session.resident.id,
                                                                                 personalCodeDigest: session.resident.personalCodeDigest)), session)
    }

    /// A staff member with the `moderator` or `admin` role.
    func moderator(_ request: Request) async throws -> PetitionActor {
        let user = try await StaffAuth(accounts: accounts, limits: limits).require(request, roles: [.moderator, .admin])
        return .moderator(username: user.username)
    }

    /// Whoever the request says it is, if anyone: a moderator by token, a resident by session.
    func optionalActor(_ request: Request) async throws -> PetitionActor? {
        if let token = StaffAuth.bearer(request) {
            let user: StaffUser?
            do { user = try await accounts.user(token: token) } catch { throw Problem(.serviceUnavailable, error.description) }
            guard let user else { throw Problem(.unauthorized, "the token is unknown, expired or revoked: sign in again") }
            return user.role == .moderator || user.role == .admin ? .moderator(username: user.username) : nil
        }
        guard let identity, let cookie = ResidentController.cookie(request, "miestas_resident") else { return nil }
        let session: ResidentSession?
        do { session = try await identity.residents.session(cookie: cookie) } catch { throw Problem(.serviceUnavailable, error.description) }
        return session.map { .resident(id: $0.resident.id, signerKey: Petitions.signerKey(residentId: $0.resident.id,
                                                                                         personalCodeDigest: $0.resident.personalCodeDigest)) }
    }

    /// Signatures and sponsorships per address and per network (429 with Retry-After).
    func limit(_ request: Request, _ context: ClientRequestContext) throws {
        try limits.checkSignature(client: limits.client(of: request, context: context))
    }

    // MARK: Helpers

    func run<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as PetitionError {
            switch error {
            case .notFound: throw Problem(.notFound, error.description)
            case .invalid: throw Problem(.badRequest, error.description)
            case .refused: throw Problem(.conflict, error.description)
            case .forbidden: throw Problem(.forbidden, error.description)
            case .unavailable: throw Problem(.serviceUnavailable, error.description)
            }
        }
    }

    func id(_ context: ClientRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else { throw Problem(.notFound, "no such petition") }
        return id
    }

    func intParameter(_ request: Request, _ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = request.parameter(name) else { return nil }
        guard let n = Int(text), range.contains(n) else { throw Problem(.badRequest, "\(name): a whole number \(range.lowerBound)...\(range.upperBound)") }
        return n
    }

    func decode<T: Decodable>(_ type: T.Type, _ request: Request, emptyAllowed: Bool = false) async throws -> T {
        var buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: Self.bodyLimit) } catch let e as HTTPResponseError where e.status == .contentTooLarge {
            throw Problem(.contentTooLarge, "the body is larger than \(Self.bodyLimit) bytes")
        }
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        let blank = bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        do { return try JSONDecoder().decode(T.self, from: blank && emptyAllowed ? Data("{}".utf8) : Data(bytes)) } catch {
            throw Problem(.badRequest, "send a JSON object as /openapi.json describes it (\(error is DecodingError ? "a field is missing or of the wrong type" : "not JSON"))")
        }
    }
}

func isoTime(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

// MARK: JSON shapes

struct PetitionLocationInput: Decodable { var longitude: Double; var latitude: Double }

struct PetitionInput: Decodable {
    var title: String
    var change: String
    var reason: String
    var act: String
    var district: String?
    var location: PetitionLocationInput?
    var text: PetitionText {
        PetitionText(title: title, change: change, reason: reason, act: act, districtCode: district,
                     longitude: location?.longitude, latitude: location?.latitude)
    }
}

struct PetitionModerationInput: Decodable { var action: String; var code: String?; var reason: String? }
struct PetitionAnswerInput: Decodable { var text: String; var decision: String; var date: String; var document: String? }
struct PetitionSignatureInput: Decodable { var public_name: String?; var location: PetitionLocationInput?; var notify_answer: Bool? }
struct PetitionInvalidationInput: Decodable { var from: String; var to: String; var district: String?; var reason: String }

struct PetitionSignatureJSON: Encodable { var signed_at: String; var district: String?; var public_name: String?; var invalidated: Bool }
struct PetitionLocationJSON: Encodable { var longitude: Double; var latitude: Double }
struct PetitionAnswerJSON: Encodable {
    var text: String; var decision: String; var date: String; var published_at: String; var document: String?
    init(_ a: PetitionAnswer) {
        text = a.text; decision = a.decision.rawValue; date = a.date; published_at = isoTime(a.publishedAt); document = a.documentURL
    }
}
struct PetitionRejectionJSON: Encodable { var code: String; var reason: String? }

struct PetitionJSON: Encodable {
    var id: Int64
    var state: String
    var title: String?
    var change: String?
    var reason: String?
    var act: String?
    var district: String?
    var location: PetitionLocationJSON?
    var mine: Bool
    var rejection: PetitionRejectionJSON?
    var hidden_reason: String?
    var created_at: String
    var submitted_at: String?
    var opened_at: String?
    var closes_at: String?
    var closed_at: String?
    var answer: PetitionAnswerJSON?
    var sponsors: Int?
    var sponsors_needed: Int?
    var signature_count: Int?
    /// The signatures that count toward the thresholds: a petition about one district leaves out
    /// signers the identity provider places in another district.
    var counted_signatures: Int?
    var response_threshold: Int?
    var council_threshold: Int?
    var response_threshold_reached: Bool?
    var council_threshold_reached: Bool?
    var my_signature: PetitionSignatureJSON?
    /// For the resident asking: whether they asked for an email with the answer.
    var notify_answer: Bool?

    /// A hidden petition's text is withheld from all but its author and moderators.
    init(_ p: Petition, for actor: PetitionActor?, view: PetitionView?) {
        id = p.id; state = p.state.rawValue
        mine = actor?.wrote(p) ?? false
        if PetitionActor.seesText(of: p, actor) {
            title = p.text.title; change = p.text.change; reason = p.text.reason; act = p.text.act
            if let lon = p.text.longitude, let lat = p.text.latitude { location = PetitionLocationJSON(longitude: lon, latitude: lat) }
        }
        district = p.text.districtCode
        if p.state == .rejected, let code = p.rejectionCode { rejection = PetitionRejectionJSON(code: code.rawValue, reason: p.publicReason) }
        if p.state == .hidden { hidden_reason = p.publicReason }
        created_at = isoTime(p.createdAt); submitted_at = p.submittedAt.map(isoTime); opened_at = p.openedAt.map(isoTime)
        closes_at = p.closesAt.map(isoTime); closed_at = p.closedAt.map(isoTime)
        answer = p.answer.map(PetitionAnswerJSON.init)
        if let view {
            sponsors = view.sponsors; signature_count = view.counts.total; counted_signatures = view.counted
            response_threshold = view.thresholds.response; council_threshold = view.thresholds.council
            response_threshold_reached = view.responseThresholdReached; council_threshold_reached = view.councilThresholdReached
        }
    }
}

struct PetitionList: Encodable { var count: Int; var petitions: [PetitionJSON] }
struct PetitionDistrictCountJSON: Encodable {
    var code: String; var name: String?; var signatures: Int; var population: Int?; var per_1000: Double?
    init(_ f: PetitionDistrictFigure) {
        code = f.code; name = f.name; signatures = f.signatures; population = f.population
        per_1000 = f.perThousand.map { ($0 * 100).rounded() / 100 }
    }
    static func show(_ v: Double) -> String { String(format: "%.2f", v) }
}
struct PetitionDistrictCounts: Encodable {
    var petition_id: Int64; var total: Int; var without_district: Int; var invalidated: Int; var districts: [PetitionDistrictCountJSON]
}
struct PetitionHourJSON: Encodable { var hour: String; var valid: Int; var invalidated: Int }
struct PetitionVelocityJSON: Encodable { var petition_id: Int64; var hours: [PetitionHourJSON] }

/// One petition in the open-data export: no personal data.
struct PetitionOpenDataJSON: Encodable {
    var id: Int64; var state: String; var title: String?; var change: String?; var reason: String?; var act: String?
    var district: String?; var created_at: String; var opened_at: String?; var closes_at: String?; var closed_at: String?
    var rejection: PetitionRejectionJSON?; var hidden_reason: String?
    var signatures: Int; var counted_signatures: Int; var invalidated: Int; var without_district: Int
    var response_threshold: Int; var council_threshold: Int
    var answer: PetitionAnswerJSON?
    var districts: [PetitionDistrictCountJSON]

    init(_ p: Petition, counts: PetitionSignatureCounts, thresholds: PetitionThresholds, districts: [PetitionDistrictCountJSON]) {
        let shown = PetitionJSON(p, for: nil, view: nil)
        id = p.id; state = shown.state; title = shown.title; change = shown.change; reason = shown.reason; act = shown.act
        district = shown.district; created_at = shown.created_at; opened_at = shown.opened_at; closes_at = shown.closes_at
        closed_at = shown.closed_at; rejection = shown.rejection; hidden_reason = shown.hidden_reason; answer = shown.answer
        signatures = counts.total; counted_signatures = Petitions.counted(counts, district: p.text.districtCode)
        invalidated = counts.invalidated; without_district = counts.withoutDistrict
        response_threshold = thresholds.response; council_threshold = thresholds.council
        self.districts = districts
    }
}

struct PetitionOpenData: Encodable { var generated_at: String; var petitions: [PetitionOpenDataJSON] }

