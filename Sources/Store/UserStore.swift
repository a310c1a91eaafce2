import Foundation

/// A staff member. (Residents are `Resident`s, known through an identity provider.)
public struct StaffUser: Sendable, Hashable, Identifiable {
    public enum Role: String, Sendable, CaseIterable, Codable { case staff, planner, architect, moderator, admin }
    public var id: Int64
    public var username: String
    public var role: Role
    public var createdAt: Date
    public var disabledAt: Date?
}

/// Staff users and their bearer tokens. Passwords arrive already hashed (bcrypt, in `Staff`).
public protocol UserStore: Sendable {
    func addUser(username: String, role: StaffUser.Role, passwordHash: String) async throws(StoreError) -> StaffUser
    func users() async throws(StoreError) -> [StaffUser]
    /// The user and their password hash, for a login; nil if unknown or disabled.
    func userForLogin(username: String) async throws(StoreError) -> (StaffUser, passwordHash: String)?
    func storeToken(_ token: String, userId: Int64, expiresAt: Date) async throws(StoreError)
    /// The user a token belongs to, if the token is known, unexpired and unrevoked.
    func user(token: String, at now: Date) async throws(StoreError) -> StaffUser?
    func revokeToken(_ token: String) async throws(StoreError) -> Bool
    /// The enabled user signing in through an identity provider, with the role the configuration
    /// gives them: added without a password when new (an empty hash matches no password), the
    /// role updated when it changed. Nil when the user is disabled.
    func providerUser(username: String, role: StaffUser.Role) async throws(StoreError) -> StaffUser?
}
