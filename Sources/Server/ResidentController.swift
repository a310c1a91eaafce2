import Foundation
import Hummingbird
import Identity
import RateLimits

/// `GET /api/v1/me`: what Miestas keeps about the resident whose session cookie comes with the
/// request, the JSON twin of the `/me` page. Shows how an API operation needs a level: without a
/// session at the level `account` requires, a 401 problem names that level and where to sign in
/// (`required_level`, `sign_in`), the same step-up the pages do by redirecting.
struct ResidentController: Sendable {
    let identity: IdentityServices?

    func register(on router: Router<ClientRequestContext>) {
        router.get("api/v1/me") { request, _ in try await me(request) }
    }

    /// The resident allowed to do `operation`, or the problem that says what is missing.
    static func resident(_ request: Request, _ identity: IdentityServices?, for operation: IdentityOperation) async throws -> ResidentSession {
        guard let identity else { throw Problem(.notFound, "residents cannot sign in here: no identity provider is configured") }
        var session: ResidentSession?
        if let cookie = cookie(request, "miestas_resident") {
            do { session = try await identity.residents.session(cookie: cookie) } catch { throw Problem(.serviceUnavailable, error.description) }
        }
        // `authorize` only refuses with `.signInRequired`; its level is what the session lacks.
        let needed: AssuranceLevel? = identity.settings.requiredLevel(for: operation)
        guard let session, (try? identity.residents.authorize(session, for: operation)) != nil else {
            throw Self.stepUp(needed ?? .low, request)
        }
        return session
    }

    /// The 401 of a step-up: the level needed, and where to sign in at it.
    static func stepUp(_ level: AssuranceLevel, _ request: Request) -> Problem {
        var problem = Problem(.unauthorized, IdentityError.signInRequired(level).description)
        let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F"
        problem.extensions = ["required_level": .string(level.rawValue), "sign_in": .string("/signin?level=\(level.rawValue)&next=\(next)")]
        return problem
    }

    static func cookie(_ request: Request, _ name: String) -> String? {
        for part in (request.headers[.cookie] ?? "").split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == name { return kv[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    func me(_ request: Request) async throws -> Response {
        let session = try await Self.resident(request, identity, for: .account)
        let r = session.resident
        func optional(_ s: String?) -> JSONScalar { s.map(JSONScalar.string) ?? .null }
        let time = ISO8601DateFormatter()
        var response = jsonResponse([
            "issuer": JSONScalar.string(r.issuer), "subject": .string(r.subject), "provider": .string(session.provider),
            "level": .string(session.level.rawValue), "personal_code_digest_kept": .bool(r.personalCodeDigest != nil),
            "name": optional(r.name), "email": optional(r.email), "consent_at": optional(r.consentAt.map(time.string)),
            "notify_status_changes": .bool(r.notifyStatusChanges), "created_at": .string(time.string(from: r.createdAt)),
        ])
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
