import Foundation
import HummingbirdBcrypt
import Store

/// Staff sign-in: bcrypt password hashes, and bearer tokens that expire and can be revoked.
public struct StaffAccounts: Sendable {
    public let store: any UserStore
    /// How long a token lasts.
    public var tokenLifetime: TimeInterval = 12 * 3600
    /// bcrypt cost: 2^12 rounds, about a quarter of a second, so guessing is slow.
    public var cost: UInt8 = 12

    public init(store: any UserStore) { self.store = store }

    public func add(username: String, role: StaffUser.Role, password: String) async throws(StaffError) -> StaffUser {
        guard username.range(of: #"^[A-Za-z0-9._-]{2,64}$"#, options: .regularExpression) != nil else {
            throw .invalid("a username is 2 to 64 letters, digits, '.', '_' or '-'")
        }
        guard password.count >= 12 else { throw .invalid("the password must have at least 12 characters") }
        let hash = Bcrypt.hash(password, cost: cost)
        do { return try await store.addUser(username: username, role: role, passwordHash: hash) } catch { throw .invalid(error.description) }
    }

    /// A new token for a username and password, or `.badCredentials` (the same for an unknown
    /// user and a wrong password, so the answer tells nothing about which).
    public func signIn(username: String, password: String, at now: Date = Date()) async throws(StaffError) -> (token: String, user: StaffUser, expiresAt: Date) {
        let found: (StaffUser, passwordHash: String)?
        do { found = try await store.userForLogin(username: username) } catch { throw .unavailable(error.description) }
        guard let (user, hash) = found, Bcrypt.verify(password, hash: hash) else { throw .badCredentials }
        let token = "st_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let expires = now.addingTimeInterval(tokenLifetime)
        do { try await store.storeToken(token, userId: user.id, expiresAt: expires) } catch { throw .unavailable(error.description) }
        return (token, user, expires)
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
    case unavailable(String)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        case .badCredentials: "wrong username or password"
        case .unavailable(let reason): "sign-in is unavailable: \(reason)"
        }
    }
}
