import Foundation

/// An Open311 API key as listed (the key itself is never stored).
public struct APIKey: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var name: String
    /// The first characters of the key, so a person can tell keys apart.
    public var prefix: String
    public var createdAt: Date
    public var revokedAt: Date?
}

/// API keys for POST requests: made, listed, revoked, checked.
public protocol APIKeyStore: Sendable {
    /// Makes a key named `name` and returns it with the only copy of the secret.
    func addAPIKey(name: String) async throws(StoreError) -> (APIKey, secret: String)
    func apiKeys() async throws(StoreError) -> [APIKey]
    /// Revokes the key with this name or id; false if there is none (or it was revoked already).
    func revokeAPIKey(_ nameOrId: String) async throws(StoreError) -> Bool
    /// The key a secret belongs to, if it exists and is not revoked.
    func apiKey(secret: String) async throws(StoreError) -> APIKey?
}
