import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real SMTP server for tests: Debian's aiosmtpd (`python3-aiosmtpd`, installed by
/// Tools/bootstrap) on a free local port, storing what it receives in a Maildir; messages are
/// read back through Python's own `email` parser, so what a test checks is what a mail client sees.
public final class LocalSMTPServer: @unchecked Sendable {
    public let port: Int
    public let maildir: URL
    private let process: Process
    static let python = "/usr/bin/python3"

    /// A relay that speaks TLS (STARTTLS required before anything, or TLS from the start) and
    /// takes mail only after AUTH with these credentials; its certificate is for `localhost`.
    public struct Secured: Sendable {
        public enum Mode: String, Sendable { case starttls, tls }
        public var mode: Mode
        public var username: String
        public var password: String
        public init(mode: Mode, username: String, password: String) { self.mode = mode; self.username = username; self.password = password }
    }

    /// The PEM certificate a secured server presents (self-signed: trust it as the authority).
    public private(set) var certificate: URL?

    /// `maxSize`: the largest message accepted (SIZE, RFC 1870); larger ones get a 552.
    /// `onPort`: a given port instead of a free one. `secured`: TLS and AUTH (see `Secured`).
    public init(maxSize: Int? = nil, onPort: Int? = nil, secured: Secured? = nil) throws {
        port = try onPort ?? Self.freePort()
        maildir = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-maildir-\(UUID().uuidString)")
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        if let secured {
            let (cert, key) = try Self.selfSignedCertificate(in: maildir.appendingPathExtension("tls"))
            certificate = cert
            process.arguments = ["-c", Self.securedServer, String(port), maildir.path, secured.mode.rawValue, cert.path, key.path,
                                 secured.username, secured.password]
        } else {
            process.arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)"] + (maxSize.map { ["-s", String($0)] } ?? [])
                + ["-c", "aiosmtpd.handlers.Mailbox", maildir.path]
        }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        guard Self.waitUntilListening(process, port: port, seconds: 20) else {
            stop()
            throw SMTPServerError("aiosmtpd did not start on port \(port) (is python3-aiosmtpd installed? run Tools/bootstrap)")
        }
    }

    /// Waits until something accepts connections on `port`; false when `process` ended or the
    /// time ran out first.
    static func waitUntilListening(_ process: Process, port: Int, seconds: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !accepts(port: port) {
            guard process.isRunning, Date() < deadline else { return false }
            usleep(50_000)
        }
        return true
    }

    public struct Received: Decodable, Sendable {
        public var from: String, to: String, subject: String, body: String
        public var messageID: String, autoSubmitted: String, contentType: String
        public var longestLine: Int
    }

    /// Every message received so far, oldest first.
    public func messages() throws -> [Received] {
        let script = """
            import email, email.policy, json, mailbox, sys
            box = mailbox.Maildir(sys.argv[1], factory=None, create=True)
            out = []
            for key in box.keys():
                raw = box.get_bytes(key)
                m = email.message_from_bytes(raw, policy=email.policy.default)
                out.append(dict(from_=str(m["From"]), to=str(m["To"]), subject=str(m["Subject"]), body=m.get_content(),
                                messageID=str(m["Message-ID"]), autoSubmitted=str(m["Auto-Submitted"]),
                                contentType=m.get_content_type(), longestLine=max(len(l) for l in raw.split(b"\\n")),
                                date=m["Date"].datetime.timestamp()))
            out.sort(key=lambda d: d["date"])
            print(json.dumps(out))
            """
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: Self.python)
        reader.arguments = ["-c", script, maildir.path]
        let pipe = Pipe()
        reader.standardOutput = pipe
        try reader.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        guard reader.terminationStatus == 0 else { throw SMTPServerError("reading the Maildir failed") }
        struct Row: Decodable {
            var from_: String, to: String, subject: String, body: String, messageID: String, autoSubmitted: String, contentType: String
            var longestLine: Int
        }
        return try JSONDecoder().decode([Row].self, from: data).map {
            Received(from: $0.from_, to: $0.to, subject: $0.subject, body: $0.body, messageID: $0.messageID,
                     autoSubmitted: $0.autoSubmitted, contentType: $0.contentType, longestLine: $0.longestLine)
        }
    }

    public func stop() {
        // aiosmtpd ignores SIGTERM while its loop runs.
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: maildir)
        try? FileManager.default.removeItem(at: maildir.appendingPathExtension("tls"))
    }

    deinit { stop() }

    /// A port nobody listens on right now (the kernel's pick for port 0).
    /// aiosmtpd with TLS and an authenticator, as a script (its command line has neither).
    static let securedServer = """
        import signal, ssl, sys, time
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Mailbox
        from aiosmtpd.smtp import AuthResult, LoginPassword
        port, maildir, mode, cert, key, user, password = sys.argv[1:]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        def authenticate(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login == user.encode() and data.password == password.encode()
            return AuthResult(success=ok, handled=False)  # unhandled: aiosmtpd answers 535 itself
        options = dict(hostname="127.0.0.1", port=int(port), authenticator=authenticate, auth_required=True)
        if mode == "starttls":
            controller = Controller(Mailbox(maildir), tls_context=context, require_starttls=True, auth_require_tls=True, **options)
        else:
            controller = Controller(Mailbox(maildir), ssl_context=context, auth_require_tls=False, **options)
        controller.start()
        signal.sigwait([signal.SIGTERM, signal.SIGINT])
        """

    /// A key and a self-signed certificate for `localhost` (openssl).
    static func selfSignedCertificate(in folder: URL) throws -> (URL, URL) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let cert = folder.appendingPathComponent("cert.pem"), key = folder.appendingPathComponent("key.pem")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-out", cert.path, "-days", "2",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw SMTPServerError("openssl could not make a test certificate") }
        return (cert, key)
    }

    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw SMTPServerError("no free local port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

public struct SMTPServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
