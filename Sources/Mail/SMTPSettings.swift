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

    public init() {}

    /// What is wrong with these settings, as sentences naming the keys.
    public func problems() -> [String] {
        var problems: [String] = []
        if host == nil, from != nil { problems.append("smtp.from is set but smtp.host is not (the relay to send through)") }
        if host != nil {
            if let from {
                do { _ = try MailAddress(from) } catch { problems.append("smtp.from: \(error)") }
            } else {
                problems.append("smtp.host needs smtp.from (the sender address of the messages)")
            }
        }
        return problems
    }

    /// The client for these settings, or nil when no relay is set. Call `problems()` first.
    public func client() -> (client: SMTPClient, from: MailAddress)? {
        guard let host, let from, let sender = try? MailAddress(from) else { return nil }
        let client = SMTPClient(host: host, port: port, heloName: helo ?? ProcessInfo.processInfo.hostName,
                                timeout: .milliseconds(Int64(timeout * 1000)))
        return (client, sender)
    }
}
