import Foundation

/// Which address a request comes from, for per-client limits.
///
/// Behind a reverse proxy every request arrives from the proxy, and the client's address is in
/// `X-Forwarded-For`, which anyone can also write. So the header is believed only when the direct
/// peer is a configured proxy, and then read from the right: each hop a trusted proxy appended is
/// skipped, and the first address not in the list is the client (entries to its left were written
/// by the client itself and prove nothing).
public struct ClientAddressResolver: Sendable {
    public let trustedProxies: [IPRange]

    public init(trustedProxies: [IPRange] = []) { self.trustedProxies = trustedProxies }

    /// The client's address: `peer` (the socket's), or the right one from `forwardedFor`.
    public func client(peer: String?, forwardedFor: [String]) -> String {
        let peer = peer ?? "unknown"
        guard isTrusted(peer), !forwardedFor.isEmpty else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !isTrusted(hop) {
            // Not an address at all (a forged "unknown", garbage): the nearest believable hop is the proxy.
            return IPRange.bytes(of: hop) == nil ? peer : hop
        }
        // Every hop is one of ours (the request came from inside): the leftmost is the origin.
        return hops.first ?? peer
    }

    private func isTrusted(_ address: String) -> Bool { trustedProxies.contains { $0.contains(address) } }
}
