import Foundation

/// The mail relay Miestas sends through (answers to commenters, notices to residents). Without a
/// host, messages wait in the outbox (`miestas outbox list`).
public struct SMTPSettings: Sendable {
    /// The relay (the city's Postfix, Exchange, ...).
    public var host: String?
    public var port = 25
    /// The sender address of every message, e.g. `planavimas@example.org`.
    public var from: String?
    /// The name this host gives in EHLO. nil: the host name.
    public var helo: String?
    /// Seconds any one step of the conversation may take.
    public var timeout = 30.0
    /// Plain, STARTTLS (submission, 587) or TLS from the start (465).
    public var security = SMTPClient.Security.none
    /// AUTH PLAIN credentials, when the relay asks for them (sent only over TLS, or to this host).
    public var username: String?
    public var password: String?
    /// A PEM file of authorities to trust for the relay's certificate instead of the system's.
    public var caFile: String?

    public init() {}

    /// What is wrong with these settings, as sentences naming the keys.
    public func problems() -> [String] {
        var problems: [String] = []
        if host == nil, from != nil { problems.append("smtp.from is set but smtp.host is not (the relay to send through)") }
        if let host {
            if let from {
                do { _ = try MailAddress(from) } catch { problems.append("smtp.from: \(error)") }
            } else {
                problems.append("smtp.host needs smtp.from (the sender address of the messages)")
            }
            if (username == nil) != (password == nil) { problems.append("smtp.username and smtp.password go together") }
            if username != nil, security == .none, !SMTPClient.isLoopback(host) {
                problems.append("smtp.password would cross the network unencrypted: set smtp.security to starttls or tls")
            }
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) { problems.append("smtp.ca_file: cannot read \(caFile)") }
        return problems
    }

    /// The client for these settings, or nil when no relay is set. Call `problems()` first.
    public func client() -> (client: SMTPClient, from: MailAddress)? {
        guard let host, let from, let sender = try? MailAddress(from) else { return nil }
        let credentials = username.flatMap { user in password.map { (user, $0) } }
        let client = SMTPClient(host: host, port: port, heloName: helo ?? ProcessInfo.processInfo.hostName,
                                timeout: .milliseconds(Int64(timeout * 1000)), security: security, credentials: credentials,
                                trustedCertificates: caFile)
        return (client, sender)
    }
}
