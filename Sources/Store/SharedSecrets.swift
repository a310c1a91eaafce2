/// Secrets every server of one database must share, made at random on first use: what signs
/// the pages' form tokens, so a form one server drew is accepted by another behind the same
/// load balancer (and by the same server after a restart).
public protocol SharedSecretStore: Sendable {
    /// The 32 random bytes called `name`, made now if there are none yet (by whichever server
    /// asks first; the others read the same).
    func sharedSecret(_ name: String) async throws(StoreError) -> [UInt8]
}

extension SharedSecretStore {
    static func newSecret() -> [UInt8] { (0..<32).map { _ in UInt8.random(in: 0...255) } }
}
