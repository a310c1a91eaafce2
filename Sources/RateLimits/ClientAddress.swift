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
        guard !trustedProxies.isEmpty, !forwardedFor.isEmpty, isTrusted(IPAddress(Substring(peer))) else { return peer }
        var leftmost: Substring?
        for header in forwardedFor.reversed() {
            for hop in header.split(separator: ",").reversed() {
                leftmost = hop
                guard let address = IPAddress(hop) else {
                    // Not an address at all (a forged "unknown", garbage): the nearest believable hop is the proxy.
                    return peer
                }
                if !isTrusted(address) { return String(hop.drop { $0 == " " || $0 == "\t" }) }
            }
        }
        // Every hop is one of ours (the request came from inside): the leftmost is the origin.
        return leftmost.map { String($0.drop { $0 == " " || $0 == "\t" }) } ?? peer
    }

    private func isTrusted(_ address: IPAddress?) -> Bool {
        guard let address else { return false }
        return trustedProxies.contains { $0.contains(address) }
    }
}
