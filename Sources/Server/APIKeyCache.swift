import Foundation
import Store
import Synchronization

/// Remembers valid API keys for a few seconds, so that intake does not read the database for
/// every request. A revoked key stops working within `lifetime` (5 seconds); unknown keys are
/// never remembered, so a new key works at once.
final class APIKeyCache: Sendable {
    let store: any APIKeyStore
    let lifetime: TimeInterval
    private let valid = Mutex<[String: Date]>([:])

    init(store: any APIKeyStore, lifetime: TimeInterval = 5) { self.store = store; self.lifetime = lifetime }

    /// Forgets every remembered key (another server made or revoked one).
    func clear() { valid.withLock { $0.removeAll() } }

    func isValid(_ secret: String, now: Date = Date()) async throws -> Bool {
        if let until = valid.withLock({ $0[secret] }), until > now { return true }
        guard try await store.apiKey(secret: secret) != nil else {
            valid.withLock { _ = $0.removeValue(forKey: secret) }
            return false
        }
        valid.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }  // a bound, whatever clients send
            cache[secret] = now.addingTimeInterval(lifetime)
        }
        return true
    }
}
