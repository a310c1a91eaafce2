import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Delivers messages to one mail relay over SMTP (RFC 5321): the city's own relay (Postfix,
/// Exchange, ...) that takes mail from this host and handles onward delivery, TLS and
/// authentication with the outside world. Plain SMTP without authentication: point it only at
/// a relay on the same host or the city's internal network.
public struct SMTPClient: Sendable {
    public var host: String
    public var port: Int
    /// The name this host gives in EHLO.
    public var heloName: String
    /// How long any one step (connecting, each reply) may take.
    public var timeout: Duration

    public init(host: String, port: Int = 25, heloName: String, timeout: Duration = .seconds(30)) {
        self.host = host; self.port = port; self.heloName = heloName; self.timeout = timeout
    }

    /// Sends `messages` over one connection and answers each one's outcome, in order. A message
    /// the server refuses does not stop the others; a lost connection fails those not yet sent.
    public func send(_ messages: [MailMessage]) async -> [Result<Void, MailError>] {
        guard !messages.isEmpty else { return [] }
        var outcomes: [Result<Void, MailError>] = []
        do {
            let channel = try await connect()
            let watchdog = Watchdog(channel: channel.channel, timeout: timeout)
            defer { watchdog.stop() }
            try await channel.executeThenClose { inbound, outbound in
                var session = Session(lines: ReplyLines(inbound.makeAsyncIterator()), outbound: outbound, watchdog: watchdog)
                try await session.expect("the greeting", 220)
                do { try await session.command("EHLO \(heloName)", expect: 250) } catch MailError.refused(_, 500..<600, _) {
                    try await session.command("HELO \(heloName)", expect: 250)
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

    private func connect() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(timeout.nanoseconds))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
        } catch {
            throw MailError.connection("cannot connect to the mail server \(host):\(port): \(error)")
        }
    }
}

/// One SMTP conversation: commands out, replies (possibly multi-line) in.
private struct Session {
    var lines: ReplyLines
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let watchdog: Watchdog

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

    mutating func command(_ line: String, expect codes: Int...) async throws {
        try await write(line + "\r\n")
        try await expect(line.split(separator: ":").first.map(String.init) ?? line, codes)
    }

    mutating func expect(_ what: String, _ codes: Int...) async throws { try await expect(what, codes) }

    /// Reads one reply ("250-..." lines, then "250 ..."); a code not in `codes` throws `.refused`.
    private mutating func expect(_ what: String, _ codes: [Int]) async throws {
        var text: [String] = []
        while true {
            guard let line = try await lines.next() else {
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
            return
        }
    }

    private func write(_ text: String) async throws {
        do { try await outbound.write(ByteBuffer(string: text)) } catch {
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
