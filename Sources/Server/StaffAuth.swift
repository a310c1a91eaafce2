import Foundation
import Hummingbird
import RateLimits
import Staff
import Store

/// Bearer-token sign-in for the staff API.
struct StaffAuth: Sendable {
    let accounts: StaffAccounts
    /// Sign-in attempts per client address.
    let limits: ClientLimits

    /// The signed-in staff member, who must have one of `roles`: 401 without a valid token,
    /// 403 with the wrong role.
    func require(_ request: Request, roles: Set<StaffUser.Role>) async throws -> StaffUser {
        guard let token = Self.bearer(request) else {
            throw Problem(.unauthorized, "sign in: send Authorization: Bearer <token> (POST /api/v1/auth/token gives one)")
        }
        let user: StaffUser?
        do { user = try await accounts.user(token: token) } catch { throw Problem(.serviceUnavailable, error.description) }
        guard let user else { throw Problem(.unauthorized, "the token is unknown, expired or revoked: sign in again") }
        guard roles.contains(user.role) else {
            throw Problem(.forbidden, "a \(user.role.rawValue) may not do this; it takes: \(roles.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        return user
    }

    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    struct Credentials: Decodable { var username: String; var password: String }

    func register(on router: Router<ClientRequestContext>) {
        router.post("api/v1/auth/token") { request, context in
            try limits.check(.signIn, client: limits.client(of: request, context: context))
            let body = try await request.body.collect(upTo: 16 * 1024)
            guard let credentials = try? JSONDecoder().decode(Credentials.self, from: Data(buffer: body)) else {
                throw Problem(.badRequest, "send JSON {\"username\": \"...\", \"password\": \"...\"}")
            }
            let session: (token: String, user: StaffUser, expiresAt: Date)
            do {
                session = try await accounts.signIn(username: credentials.username, password: credentials.password)
            } catch let error as StaffError {
                switch error {
                case .badCredentials: throw Problem(.unauthorized, error.description)
                case .throttled(let seconds): throw Problem(.tooManyRequests, error.description, headers: [.retryAfter: String(seconds)])
                case .invalid, .unavailable: throw Problem(.serviceUnavailable, error.description)
                }
            } catch { throw Problem(.serviceUnavailable, "\(error)") }
            return jsonResponse(["token": JSONScalar.string(session.token), "role": .string(session.user.role.rawValue),
                                 "expires_at": .string(ISO8601DateFormatter().string(from: session.expiresAt))])
        }
        router.delete("api/v1/auth/token") { request, _ in
            guard let token = Self.bearer(request) else { throw Problem(.unauthorized, "send the token to revoke as Authorization: Bearer <token>") }
            _ = try? await accounts.signOut(token: token)
            return Response(status: .noContent)
        }
    }
}
