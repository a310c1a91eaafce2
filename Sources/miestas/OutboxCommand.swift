import ArgumentParser
import Foundation
import JSONText
import Mail
import Planning
import Store

/// Where answers to commenters go: the city's SMTP relay. Shared by `serve` (which delivers as
/// answers are published) and `outbox send` (one round, e.g. from cron).
struct SMTPOptions: ParsableArguments {
    @Option(name: .customLong("smtp-host"), help: "The SMTP relay that delivers answers to commenters (e.g. the city's Postfix). Without it, messages wait in the outbox (`miestas outbox list`).")
    var host: String?
    @Option(name: .customLong("smtp-port"), help: "The relay's port.") var port = 25
    @Option(name: .customLong("smtp-from"), help: "The sender address of those messages, e.g. planavimas@kaunas.lt (required with --smtp-host).")
    var from: String?
    @Option(name: .customLong("smtp-helo"), help: "The name this host gives the relay in EHLO. Default: the host name.")
    var helo: String?
    @Option(name: .customLong("smtp-timeout"), help: "Seconds any one step of the SMTP conversation may take.") var timeout = 30.0

    /// The delivery these options describe, or nil when no relay is set.
    func delivery(store: any OutboxStore) throws -> OutboxDelivery? {
        guard let host else {
            if from != nil { throw fail("--smtp-from needs --smtp-host (the relay to send through)") }
            return nil
        }
        guard let from else { throw fail("--smtp-host needs --smtp-from (the sender address of the messages)") }
        guard (1...65_535).contains(port) else { throw fail("--smtp-port must be 1 to 65535") }
        guard timeout > 0, timeout.isFinite else { throw fail("--smtp-timeout must be more than 0 seconds") }
        let sender: MailAddress
        do { sender = try MailAddress(from) } catch { throw fail("--smtp-from: \(error)") }
        let client = SMTPClient(host: host, port: port, heloName: helo ?? ProcessInfo.processInfo.hostName,
                                timeout: .milliseconds(Int64(timeout * 1000)))
        return OutboxDelivery(store: store, client: client, from: sender)
    }
}

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Messages to commenters (one per published answer): list, send, retry.",
        discussion: "`miestas serve --smtp-host ... --smtp-from ...` delivers them as they come; without a relay they wait here.",
        subcommands: [ListOutbox.self, SendOutbox.self, RetryOutbox.self])
}

struct ListOutbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List outbox messages, oldest first, with their delivery state.")
    @Flag(help: "Only messages not yet sent.") var unsent = false
    @Flag(help: "Print every message in full (recipient, subject, body).") var full = false
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let store = try await db.open()
        let messages: [OutboxMessage]
        do { messages = try await store.outbox(unsentOnly: unsent) } catch { throw fail(error) }
        guard !messages.isEmpty else { note("the outbox is empty"); return }
        if full {
            for m in messages {
                print("--- message \(m.id) (comment \(m.commentId.map(String.init) ?? "-"), \(describe(m)))")
                print("To: \(m.recipient)\nSubject: \(m.subject)\n\n\(m.body)\n")
            }
            return
        }
        print(table(header: ["id", "comment", "to", "subject", "created", "state"],
                    rows: messages.map { [String($0.id), $0.commentId.map(String.init) ?? "", $0.recipient, $0.subject,
                                          JSONText.time($0.createdAt), describe($0)] },
                    rightAligned: [0, 1]))
    }

    func describe(_ m: OutboxMessage) -> String {
        switch m.state {
        case .sent: "sent \(m.sentAt.map(JSONText.time) ?? "")"
        case .pending where m.attempts == 0: "waiting"
        case .pending: "retry at \(m.nextAttemptAt.map(JSONText.time) ?? "") after \(m.attempts) tr\(m.attempts == 1 ? "y" : "ies"): \(m.lastError ?? "")"
        case .failed: "failed after \(m.attempts) tr\(m.attempts == 1 ? "y" : "ies"): \(m.lastError ?? "") (`miestas outbox retry \(m.id)`)"
        }
    }
}

struct SendOutbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Deliver the messages due now through the SMTP relay, once, and say what happened.")
    @OptionGroup var db: DatabaseOptions
    @OptionGroup var smtp: SMTPOptions

    func run() async throws {
        let store = try await db.open()
        guard let delivery = try smtp.delivery(store: store) else { throw fail("name the relay: --smtp-host HOST --smtp-from ADDRESS") }
        let round: OutboxDelivery.Round
        do { round = try await delivery.deliverDue() } catch { throw fail(error) }
        print("outbox: \(round.sent) sent, \(round.deferred) to retry later, \(round.failed) failed")
        if round.deferred + round.failed > 0 { note("see `miestas outbox list --unsent` for the reasons") }
    }
}

struct RetryOutbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Make unsent messages due again now: the ids given, or every failed one.")
    @Argument(help: "Message ids (default: every message that failed for good).") var ids: [Int64] = []
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let store = try await db.open()
        let count: Int
        do { count = try await store.requeueOutbox(ids: ids.isEmpty ? nil : ids, at: Date()) } catch { throw fail(error) }
        print("\(count) message\(count == 1 ? "" : "s") due again")
        if !ids.isEmpty && count < ids.count { note("\(ids.count - count) of the ids given are sent already or do not exist") }
    }
}
