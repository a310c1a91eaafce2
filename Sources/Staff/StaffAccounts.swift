import Dispatch
import Foundation
import HummingbirdBcrypt
import Store

/// Staff sign-in: bcrypt password hashes, and bearer tokens that expire and can be revoked.
/// Repeated failures for a username pause it (`SignInThrottle`); one value of this type (and so
/// one throttle) serves every way in, the API and the pages.
public struct StaffAccounts: Sendable {
    public let store: any UserStore
    /// How long a token lasts.
    public var tokenLifetime: TimeInterval = 12 * 3600
    /// bcrypt cost: 2^12 rounds, about a quarter of a second, so guessing is slow.
    public var cost: UInt8 = 12
    public let throttle: SignInThrottle

    public init(store: any UserStore, throttle: SignInThrottle = SignInThrottle()) { self.store = store; self.throttle = throttle }

    /// bcrypt runs here, one at a time: a quarter of a second of CPU each, it must not hold one of
    /// the few threads that answer every other request, and a flood of sign-in attempts then costs
    /// the server at most one core.
    private static let hashing = DispatchQueue(label: "miestas.bcrypt", qos: .userInitiated)

    /// What an unknown username's password is checked against (made once, on the hashing queue).
    private static let unknownUserHash = Bcrypt.hash(UUID().uuidString, cost: 12)

    private static func onHashingQueue<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { done in hashing.async { done.resume(returning: work()) } }
    }

    public func add(username: String, role: StaffUser.Role, password: String) async throws(StaffError) -> StaffUser {
        guard username.range(of: #"^[A-Za-z0-9._-]{2,64}$"#, options: .regularExpression) != nil else {
            throw .invalid("a username is 2 to 64 letters, digits, '.', '_' or '-'")
        }
        guard password.count >= 12 else { throw .invalid("the password must have at least 12 characters") }
        let cost = cost
        let hash = await Self.onHashingQueue { Bcrypt.hash(password, cost: cost) }
        do { return try await store.addUser(username: username, role: role, passwordHash: hash) } catch { throw .invalid(error.description) }
    }

    /// A new token for a username and password, or `.badCredentials` (the same for an unknown
    /// user and a wrong password, so the answer tells nothing about which), or `.throttled` while
    /// the username is paused after repeated failures (the password is then not even checked).
    public func signIn(username: String, password: String, at now: Date = Date()) async throws(StaffError) -> (token: String, user: StaffUser, expiresAt: Date) {
        if let wait = throttle.wait(for: username, at: now) { throw .throttled(retryAfter: Int(wait.rounded(.up))) }
        let found: (StaffUser, passwordHash: String)?
        do { found = try await store.userForLogin(username: username) } catch { throw .unavailable(error.description) }
        // An unknown username costs a bcrypt too, so the time taken does not tell it apart.
        // A user who signs in only through an identity provider has no password (an empty hash).
        let hash = found.flatMap { $0.passwordHash.isEmpty ? nil : $0.passwordHash }
        let matches = await Self.onHashingQueue { Bcrypt.verify(password, hash: hash ?? Self.unknownUserHash) } && hash != nil
        guard let (user, _) = found, matches else {
            throttle.failed(username, at: now)
            throw .badCredentials
        }
        throttle.succeeded(username)
        return try await issueToken(for: user, at: now)
    }

    private func issueToken(for user: StaffUser, at now: Date) async throws(StaffError) -> (token: String, user: StaffUser, expiresAt: Date) {
        let token = "st_" + (0..<32).map { _ in UInt8.random(in: 0...255) }.hex
        let expires = now.addingTimeInterval(tokenLifetime)
        do { try await store.storeToken(token, userId: user.id, expiresAt: expires) } catch { throw .unavailable(error.description) }
        return (token, user, expires)
    }

    /// A new token for a staff member an identity provider vouched for, with the role the
    /// configuration maps them to (`IdentitySettings.staff`); `.badCredentials` when that user is
    /// disabled.
    public func signIn(providerUser username: String, role: StaffUser.Role, at now: Date = Date()) async throws(StaffError) -> (token: String, user: StaffUser, expiresAt: Date) {
        let found: StaffUser?
        do { found = try await store.providerUser(username: username, role: role) } catch { throw .unavailable(error.description) }
        guard let user = found else { throw .badCredentials }
        return try await issueToken(for: user, at: now)
    }

    public func user(token: String, at now: Date = Date()) async throws(StaffError) -> StaffUser? {
        do { return try await store.user(token: token, at: now) } catch { throw .unavailable(error.description) }
    }

    public func signOut(token: String) async throws(StaffError) -> Bool {
        do { return try await store.revokeToken(token) } catch { throw .unavailable(error.description) }
    }
}

public enum StaffError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String)
    case badCredentials
    /// Too many failed attempts for this username: try again after this many seconds.
    case throttled(retryAfter: Int)
    case unavailable(String)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        case .badCredentials: "wrong username or password"
        case .throttled(let seconds): "too many failed sign-ins for this username: try again in \(seconds) s"
        case .unavailable(let reason): "sign-in is unavailable: \(reason)"
        }
    }
}
