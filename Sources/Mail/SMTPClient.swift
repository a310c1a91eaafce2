import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// Delivers messages to one mail relay over SMTP (RFC 5321): the city's own relay (Postfix,
/// Exchange, a provider's submission port) that handles onward delivery. The connection is plain
/// (a relay on this host or the city's network), upgraded with STARTTLS (RFC 3207, submission on
/// 587) or TLS from the start (465, RFC 8314); with credentials it signs in with AUTH PLAIN
/// (RFC 4954), and only over TLS unless the relay is on this host.
public struct SMTPClient: Sendable {
    public enum Security: String, Sendable, CaseIterable {
        case none, starttls, tls
    }

    public var host: String
    public var port: Int
    /// The name this host gives in EHLO.
    public var heloName: String
    /// How long any one step (connecting, each reply) may take.
    public var timeout: Duration
    public var security: Security
    public var credentials: (username: String, password: String)?
    /// A PEM file of certificate authorities to trust instead of the system's (a city's own CA).
    public var trustedCertificates: String?

    public init(host: String, port: Int = 25, heloName: String, timeout: Duration = .seconds(30), security: Security = .none,
                credentials: (username: String, password: String)? = nil, trustedCertificates: String? = nil) {
        self.host = host; self.port = port; self.heloName = heloName; self.timeout = timeout
        self.security = security; self.credentials = credentials; self.trustedCertificates = trustedCertificates
    }

    /// Sends `messages` over one connection and answers each one's outcome, in order. A message
    /// the server refuses does not stop the others; a lost connection fails those not yet sent.
    public func send(_ messages: [MailMessage]) async -> [Result<Void, MailError>] {
        guard !messages.isEmpty else { return [] }
        var outcomes: [Result<Void, MailError>] = []
        do {
            let tls = security == .none ? nil : try tlsContext()
            let tlsFailure = TLSFailure()
            let channel = try await connect(tls: security == .tls ? tls : nil, failure: tlsFailure)
            let watchdog = Watchdog(channel: channel.channel, timeout: timeout)
            defer { watchdog.stop() }
            try await channel.executeThenClose { inbound, outbound in
                var session = Session(lines: ReplyLines(inbound.makeAsyncIterator()), outbound: outbound, watchdog: watchdog, tlsFailure: tlsFailure)
                try await session.expect("the greeting", 220)
                var extensions = try await session.hello(heloName)
                if security == .starttls, let tls {
                    guard extensions.contains("STARTTLS") else {
                        throw MailError.refused(command: "STARTTLS", code: 502, text: "the mail server does not offer STARTTLS")
                    }
                    try await session.command("STARTTLS", expect: 220)
                    // TLS goes in front of everything, nearest the socket; the conversation starts again (RFC 3207).
                    let name = serverName
                    do {
                        try await channel.channel.eventLoop.submit {
                            try channel.channel.pipeline.syncOperations.addHandlers(
                                [try NIOSSLClientHandler(context: tls, serverHostname: name), TLSFailure.Recorder(tlsFailure)], position: .first)
                        }.get()
                    } catch {
                        throw MailError.connection("cannot start TLS with the mail server: \(error)")
                    }
                    extensions = try await session.hello(heloName)
                }
                if let credentials {
                    guard security != .none || Self.isLoopback(host) else {
                        throw MailError.refused(command: "AUTH", code: 538, text: "Miestas sends a password only over TLS: set smtp.security to starttls or tls")
                    }
                    guard extensions.contains(where: { $0.hasPrefix("AUTH") && $0.contains("PLAIN") }) else {
                        throw MailError.refused(command: "AUTH", code: 504, text: "the mail server offers no AUTH PLAIN")
                    }
                    let token = Data(("\u{0}" + credentials.username + "\u{0}" + credentials.password).utf8).base64EncodedString()
                    try await session.command("AUTH PLAIN \(token)", expect: 235, logged: "AUTH PLAIN")
                }
                for message in messages {
                    do {
                        try await session.deliver(message)
                        outcomes.append(.success(()))
                    } catch let error as MailError where !isConnectionLoss(error) {
                        outcomes.append(.failure(error))
                        try await session.command("RSET", expect: 250)
                    }
                }
                try? await session.command("QUIT", expect: 221)
            }
        } catch {
            let why = (error as? MailError) ?? .connection("mail server \(host):\(port): \(error)")
            outcomes += Array(repeating: .failure(why), count: messages.count - outcomes.count)
        }
        return outcomes
    }

    private func isConnectionLoss(_ error: MailError) -> Bool {
        if case .connection = error { return true } else { return false }
    }

    /// `tls`: TLS from the start (implicit TLS), its handler first in the pipeline.
    private func connect(tls: NIOSSLContext?, failure: TLSFailure) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let name = serverName
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(timeout.nanoseconds))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandlers(try NIOSSLClientHandler(context: tls, serverHostname: name), TLSFailure.Recorder(failure))
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw MailError.connection("cannot connect to the mail server \(host):\(port): \(error)")
        }
    }

    /// TLS that checks the relay's certificate and name against the system's authorities, or
    /// the configured ones.
    private func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let trustedCertificates { configuration.trustRoots = .file(trustedCertificates) }
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw MailError.connection("cannot set up TLS for the mail server \(host): \(error)")
        }
    }

    /// The name the certificate must carry (none is sent for an address).
    private var serverName: String? { IPAddressCheck.isAddress(host) ? nil : host }

    static func isLoopback(_ host: String) -> Bool { ["localhost", "127.0.0.1", "::1"].contains(host.lowercased()) }
}

/// One SMTP conversation: commands out, replies (possibly multi-line) in.
private struct Session {
    var lines: ReplyLines
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let watchdog: Watchdog
    /// Why TLS failed, if it did: a closed connection is then reported as that.
    let tlsFailure: TLSFailure

    mutating func deliver(_ message: MailMessage) async throws {
        try await command("MAIL FROM:<\(message.from)>", expect: 250)
        try await command("RCPT TO:<\(message.to)>", expect: 250, 251)
        try await command("DATA", expect: 354)
        // Dot-stuffing (RFC 5321 4.5.2): a line starting with "." gets another one.
        var data = message.text.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        if !data.hasSuffix("\r\n") { data += "\r\n" }
        try await write(data + ".\r\n")
        try await expect("the message", 250)
    }

    /// `logged`: how the command is named in errors (never the password of an AUTH line).
    mutating func command(_ line: String, expect codes: Int..., logged: String? = nil) async throws {
        try await write(line + "\r\n")
        _ = try await expect(logged ?? line.split(separator: ":").first.map(String.init) ?? line, codes)
    }

    mutating func expect(_ what: String, _ codes: Int...) async throws { _ = try await expect(what, codes) }

    /// EHLO (HELO for an old server); answers the extensions offered, in capitals ("STARTTLS", "AUTH PLAIN LOGIN").
    mutating func hello(_ name: String) async throws -> [String] {
        do {
            try await write("EHLO \(name)\r\n")
            return try await expect("EHLO", [250]).dropFirst().map { $0.uppercased() }
        } catch MailError.refused(_, 500..<600, _) {
            try await command("HELO \(name)", expect: 250)
            return []
        }
    }

    /// Reads one reply ("250-..." lines, then "250 ..."); a code not in `codes` throws `.refused`.
    /// Answers the reply's lines without their codes.
    @discardableResult
    private mutating func expect(_ what: String, _ codes: [Int]) async throws -> [String] {
        var text: [String] = []
        while true {
            guard let line = try await lines.next() else {
                if let tls = tlsFailure.error { throw MailError.connection("TLS with the mail server failed: \(tls)") }
                throw MailError.connection(watchdog.fired ? "the mail server did not answer \(what) in time"
                                                          : "the mail server closed the connection before answering \(what)")
            }
            watchdog.touch()
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                throw MailError.connection("the mail server's reply to \(what) is not SMTP: \(line.prefix(80).debugDescription)")
            }
            text.append(String(line.dropFirst(4)))
            if line.count > 3 && line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
            guard codes.contains(code) else { throw MailError.refused(command: what, code: code, text: text.joined(separator: " ")) }
            return text
        }
    }

    private func write(_ text: String) async throws {
        do { try await outbound.write(ByteBuffer(string: text)) } catch {
            if let tls = tlsFailure.error { throw MailError.connection("TLS with the mail server failed: \(tls)") }
            // The watchdog closed the connection: say that it timed out, not that it broke.
            if watchdog.fired { throw MailError.connection("the mail server did not answer in time") }
            throw MailError.connection("the connection to the mail server broke: \(error)")
        }
        watchdog.touch()
    }
}

/// Splits the inbound bytes into CRLF- (or LF-) terminated lines, refusing absurdly long ones.
private struct ReplyLines {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending: [UInt8] = []
    static let maxLine = 4096

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

    mutating func next() async throws -> String? {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<end])
                pending.removeFirst(end + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard pending.count <= Self.maxLine else { throw MailError.connection("the mail server sent a line over \(Self.maxLine) bytes") }
            guard let buffer = try await iterator.next() else { return nil }
            pending += buffer.readableBytesView
        }
    }
}

/// Closes the connection when no byte has moved for `timeout`, which ends any read waiting on it.
private final class Watchdog: Sendable {
    private let state = NIOLockedValueBox<(last: ContinuousClock.Instant, fired: Bool)>((.now, false))
    private let task: Task<Void, Never>

    init(channel: Channel, timeout: Duration) {
        let state = self.state
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                let expired = state.withLockedValue { s in
                    if ContinuousClock.now - s.last > timeout { s.fired = true }
                    return s.fired
                }
                if expired { channel.close(promise: nil); return }
            }
        }
    }

    var fired: Bool { state.withLockedValue { $0.fired } }
    func touch() { state.withLockedValue { $0.last = .now } }
    func stop() { task.cancel() }
}

private extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

/// Whether a host is written as an IP address (no TLS server name is sent for one).
enum IPAddressCheck {
    static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

/// The first error TLS raised on a connection (a certificate nobody vouches for, a name that does
/// not match), kept so that the conversation's next failure can say so instead of "closed".
final class TLSFailure: Sendable {
    private let box = NIOLockedValueBox<Error?>(nil)
    var error: Error? { box.withLockedValue { $0 } }

    /// Sits right behind the TLS handler and records what it raises.
    final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = NIOAny
        let failure: TLSFailure
        init(_ failure: TLSFailure) { self.failure = failure }
        func errorCaught(context: ChannelHandlerContext, error: Error) {
            failure.box.withLockedValue { if $0 == nil { $0 = error } }
            context.fireErrorCaught(error)
        }
    }
}
