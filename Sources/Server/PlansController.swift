import Foundation
import Geo
import Hummingbird
import RateLimits
import JSONText
import Messages
import Planning
import Staff
import Store
import Web

/// The planning API (`/api/v1/plans`, `/api/v1/comments`, `/api/v1/attachments`): translates
/// HTTP to `Consultations` calls and back. Every rule lives in `Planning`; the only thing
/// decided here is the order of the checks: who is asking, may they (401/403), then the body.
struct PlansController: Sendable {
    let consultations: Consultations
    let accounts: StaffAccounts
    /// Comments per client address.
    let limits: ClientLimits
    /// Told after every successful write (the map's planning layers reload).
    var changed: @Sendable () -> Void = {}

    func register(on router: Router<ClientRequestContext>) {
        router.get("api/v1/plans") { request, _ in
            try await guarded(request, .listPlans) { _ in
                let plans = try await consultations.plans()
                return json(PlanDocuments.plans(plans, at: consultations.now))
            }
        }
        router.post("api/v1/plans") { request, _ in
            try await guarded(request, .createPlan) { actor in
                let input = try await decode(PlanInput.self, request, limit: 4 * 1024 * 1024, example: #"{"title": "...", "kind": "detailed", "area": {"type": "Polygon", "coordinates": [...]}, "architects": ["..."], "consultation": {"start": "2026-12-01T09:00:00+02:00", "end": "2026-12-15T17:00:00+02:00"}}"#)
                let plan = try await consultations.createPlan(input, by: actor)
                return json(PlanDocuments.plan(plan, at: consultations.now), status: .created)
            }
        }
        router.get("api/v1/plans/:id") { request, context in
            try await guarded(request, .readPlan) { _ in
                json(PlanDocuments.plan(try await consultations.plan(id: try id(context)), at: consultations.now))
            }
        }
        router.patch("api/v1/plans/:id") { request, context in
            try await guarded(request, .editPlan) { actor in
                let planId = try id(context)
                let patch = try await decode(PlanPatch.self, request, limit: 4 * 1024 * 1024, example: #"{"title": "...", "architects": ["..."]}"#)
                return json(PlanDocuments.plan(try await consultations.update(planId: planId, patch, by: actor), at: consultations.now))
            }
        }
        router.get("api/v1/plans/:id/versions") { request, context in
            try await guarded(request, .listVersions) { _ in
                json(JSONText.array(try await consultations.versions(planId: try id(context)).map(PlanDocuments.version)))
            }
        }
        router.post("api/v1/plans/:id/versions") { request, context in
            try await guarded(request, .addVersion) { actor in
                let planId = try id(context)
                let input = try await decode(VersionInput.self, request, limit: 64 * 1024, example: #"{"note": "what changed"}"#, emptyAllowed: true)
                return json(PlanDocuments.version(try await consultations.addVersion(planId: planId, input, by: actor)), status: .created)
            }
        }
        router.post("api/v1/plans/:id/transitions") { request, context in
            try await guarded(request, .transition) { actor in
                let planId = try id(context)
                let input = try await decode(TransitionInput.self, request, limit: 64 * 1024,
                                             example: #"{"to": "hearing", "date": "2026-12-20T17:00:00+02:00", "place": "City hall"}"#)
                return json(PlanDocuments.plan(try await consultations.transition(planId: planId, input, by: actor), at: consultations.now))
            }
        }
        router.get("api/v1/plans/:id/attachments") { request, context in
            try await guarded(request, .listAttachments) { _ in
                json(JSONText.array(try await consultations.attachments(planId: try id(context)).map(PlanDocuments.attachment)))
            }
        }
        router.post("api/v1/plans/:id/attachments") { request, context in
            try await guarded(request, .uploadAttachment) { actor in
                let planId = try id(context)
                let bytes = try await body(request, limit: consultations.settings.maxAttachmentBytes)
                let a = try await consultations.addAttachment(planId: planId, role: request.parameter("role"), title: request.parameter("title"),
                                                              bytes: bytes, declaredType: request.headers[.contentType], by: actor)
                return json(PlanDocuments.attachment(a), status: .created)
            }
        }
        router.get("api/v1/attachments/:id") { request, context in
            try await guarded(request, .readAttachment) { _ in
                let (a, url) = try await consultations.attachment(id: try id(context))
                return try await file(url, contentType: a.contentType)
            }
        }
        router.get("api/v1/plans/:id/comments") { request, context in
            let all = request.parameter("all") == "true"
            return try await guarded(request, all ? .readAllComments : .readRegister) { actor in
                let planId = try id(context)
                if all {
                    let plan = try await consultations.plan(id: planId)
                    return json(PlanDocuments.register(plan: plan, comments: try await consultations.allComments(planId: planId, by: actor), staff: true))
                }
                return json(try await consultations.publicRegisterJSON(planId: planId))
            }
        }
        router.post("api/v1/plans/:id/comments") { request, context in
            try await guarded(request, .submitComment) { actor in
                let planId = try id(context)
                // Anonymous residents are limited per address; staff entering comments are not.
                if case .resident = actor { try limits.check(.comment, client: limits.client(of: request, context: context)) }
                let limit = consultations.settings.maxCommentAttachmentBytes * 4 / 3 + 128 * 1024
                let input = try await decode(CommentInput.self, request, limit: limit,
                                             example: #"{"kind": "objection", "text": "...", "name": "...", "email": "...", "location": {"type": "Point", "coordinates": [23.9, 54.9]}}"#)
                let c = try await consultations.submitComment(planId: planId, input, by: actor)
                return json(JSONText.object(["id": String(c.id), "status": JSONText.quote(c.status.rawValue), "version": String(c.version)]),
                            status: .created)
            }
        }
        router.get("api/v1/comments/:id/attachment") { request, context in
            try await guarded(request, .readCommentAttachment) { _ in
                let (type, url) = try await consultations.commentAttachment(commentId: try id(context))
                return try await file(url, contentType: type)
            }
        }
        router.post("api/v1/comments/:id/moderation") { request, context in
            try await guarded(request, .moderate) { actor in
                let commentId = try id(context)
                let input = try await decode(ModerationInput.self, request, limit: 64 * 1024,
                                             example: #"{"action": "publish|hide|duplicate|assign", "reason": "...", "duplicate_of": 1, "architect": "..."}"#)
                return json(PlanDocuments.comment(try await consultations.moderate(commentId: commentId, input, by: actor), staff: true))
            }
        }
        router.post("api/v1/comments/:id/answer") { request, context in
            try await guarded(request, .answer) { actor in
                let commentId = try id(context)
                let input = try await decode(AnswerInput.self, request, limit: 128 * 1024,
                                             example: #"{"decision": "accepted|partly_accepted|rejected|not_applicable", "reasoning": "..."}"#)
                let a = try await consultations.answer(commentId: commentId, input, by: actor)
                return json(JSONText.object(["comment_id": String(commentId), "decision": JSONText.quote(a.decision.rawValue),
                                             "reasoning": JSONText.quote(a.reasoning), "architect": JSONText.quote(a.architect),
                                             "status": "\"draft\""]))
            }
        }
        router.post("api/v1/plans/:id/answers/publish") { request, context in
            try await guarded(request, .publishAnswers) { actor in
                let planId = try id(context)
                let input = try await decode(PublishInput.self, request, limit: 1024 * 1024, example: #"{"ids": [1, 2]} or nothing for all"#,
                                             emptyAllowed: true)
                let ids = try await consultations.publishAnswers(planId: planId, ids: input.ids, by: actor)
                return json(JSONText.object(["published": JSONText.array(ids.map(String.init))]))
            }
        }
        router.get("api/v1/plans/:id/report.json") { request, context in
            try await guarded(request, .readReport) { _ in json(try await consultations.report(planId: try id(context)).json) }
        }
        router.get("api/v1/plans/:id/report.csv") { request, context in
            try await guarded(request, .readReport) { _ in
                let planId = try id(context)
                let csv = try await consultations.report(planId: planId).csv
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                       .contentDisposition: "attachment; filename=\"plan-\(planId)-report.csv\""],
                                body: .init(byteBuffer: ByteBuffer(string: csv)))
            }
        }
        router.get("api/v1/plans/:id/report.pdf") { request, context in
            try await guarded(request, .readReport) { _ in
                let planId = try id(context)
                let report = try await consultations.report(planId: planId)
                let pdf = try ReportPDF.render(report)
                return Response(status: .ok, headers: [.contentType: "application/pdf",
                                                       .contentDisposition: "inline; filename=\"plan-\(planId)-report.pdf\""],
                                body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
            }
        }
        router.get("api/v1/plans/:id/audit") { request, context in
            try await guarded(request, .readAudit) { _ in json(PlanDocuments.audit(try await consultations.audit(planId: try id(context)))) }
        }
        router.get("feeds/plans/{id}.atom") { request, context in
            try await guarded(request, .readFeed) { _ in try await feed(request, planId: try id(context)) }
        }
    }

    // MARK: Steps shared by the routes

    /// Who is asking (a resident without a token; 401 for a token that is not valid), whether
    /// the authorization table lets them (401/403), then `body`; planning errors become
    /// problem documents.
    func guarded(_ request: Request, _ action: PlanAction, _ body: (PlanActor) async throws -> Response) async throws -> Response {
        do {
            let actor = try await actor(request)
            try Authorization.check(actor, action)
            let response = try await body(actor)
            if request.method != .get && response.status.code < 300 { changed() }
            return response
        } catch let e as PlanningError {
            throw Problem(e.status, e.description)
        }
    }

    func actor(_ request: Request) async throws -> PlanActor {
        guard let token = StaffAuth.bearer(request) else { return .resident }
        let user: StaffUser?
        do { user = try await accounts.user(token: token) } catch { throw Problem(.serviceUnavailable, error.description) }
        guard let user else { throw Problem(.unauthorized, "the token is unknown, expired or revoked: sign in again (POST /api/v1/auth/token)") }
        return .staff(user)
    }

    func id(_ context: ClientRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else { throw PlanningError.notFound(.noSuchId) }
        return id
    }

    /// The request body, at most `limit` bytes (413 beyond).
    func body(_ request: Request, limit: Int) async throws -> [UInt8] {
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch let e as HTTPResponseError where e.status == .contentTooLarge {
            throw PlanningError.tooLarge(.bodyTooLarge, ["limit": .number(limit)])
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int, example: String, emptyAllowed: Bool = false) async throws -> T {
        let bytes = try await body(request, limit: limit)
        let data = bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) && emptyAllowed ? Data("{}".utf8) : Data(bytes)
        do { return try JSONDecoder().decode(T.self, from: data) } catch let e as DecodingError {
            throw PlanningError.invalid(.jsonExpected, ["example": .text(example), "detail": .text(e.readableDescription)])
        } catch {
            throw PlanningError.invalid(.jsonExpectedNoDetail, ["example": .text(example)])
        }
    }

    func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A stored file: content-addressed, so it never changes and may be cached for a year.
    func file(_ url: URL, contentType: String) async throws -> Response {
        let data = try await withCheckedThrowingContinuation { (done: CheckedContinuation<Data, Error>) in
            DispatchQueue.global().async { done.resume(with: Result { try Data(contentsOf: url) }) }
        }
        return Response(status: .ok, headers: [.contentType: contentType, .contentLength: String(data.count),
                                               .cacheControl: "public, max-age=31536000, immutable",
                                               .init("X-Content-Type-Options")!: "nosniff"],
                        body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}
