import Hummingbird
import NIOCore

/// Hummingbird's request context plus the connection's peer address, which per-client limits
/// need (`ClientRequestContext` does not keep it).
public struct ClientRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text ("127.0.0.1", "::1"); nil on a Unix socket or in tests.
    public var peerAddress: String? { remoteAddress?.ipAddress }
}

extension ClientLimits {
    /// The client a request comes from: its peer, or `X-Forwarded-For` from a trusted proxy.
    public func client(of request: Request, context: ClientRequestContext) -> String {
        addresses.client(peer: context.peerAddress, forwardedFor: request.headers[values: .init("X-Forwarded-For")!])
    }
}
