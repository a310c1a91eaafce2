import ArgumentParser
import Config
import Foundation
import JSONText
import Mail
import Planning
import Store

/// The SMTP flags of `serve` and `outbox send`: shorthands for the `[smtp]` settings, which win
/// over the file and the environment.
struct SMTPOptions: ParsableArguments {
    @Option(name: .customLong("smtp-host"), help: "The SMTP relay that delivers answers to commenters (smtp.host). Without one, messages wait in the outbox (`miestas outbox list`).")
    var host: String?
    @Option(name: .customLong("smtp-port"), help: "The relay's port (smtp.port; default 25).") var port: String?
    @Option(name: .customLong("smtp-from"), help: "The sender address of those messages, e.g. planavimas@example.org (smtp.from; required with a relay).")
    var from: String?
    @Option(name: .customLong("smtp-helo"), help: "The name this host gives the relay in EHLO (smtp.helo). Default: the host name.")
    var helo: String?
    @Option(name: .customLong("smtp-timeout"), help: "Seconds any one step of the SMTP conversation may take (smtp.timeout_s; default 30).") var timeout: String?

    var flags: [(key: String, value: String?, flag: String)] {
        [("smtp.host", host, "--smtp-host"), ("smtp.port", port, "--smtp-port"), ("smtp.from", from, "--smtp-from"),
         ("smtp.helo", helo, "--smtp-helo"), ("smtp.timeout_s", timeout, "--smtp-timeout")]
    }
}

extension SMTPSettings {
    /// The delivery these settings describe, or nil when no relay is set.
    func delivery(store: any OutboxStore) -> OutboxDelivery? {
        client().map { OutboxDelivery(store: store, client: $0.client, from: $0.from) }
    }
}

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Messages to commenters (one per published answer): list, send, retry.",
        discussion: "`miestas serve` delivers them as they come when [smtp] names a relay; without one they wait here.",
        subcommands: [ListOutbox.self, SendOutbox.self, RetryOutbox.self])
}

struct ListOutbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List outbox messages, oldest first, with their delivery state.")
    @Flag(help: "Only messages not yet sent.") var unsent = false
    @Flag(help: "Print every message in full (recipient, subject, body).") var full = false
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let store = try await options.open()
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
    @OptionGroup var options: SettingsOptions
    @OptionGroup var smtp: SMTPOptions

    func run() async throws {
        let settings = try options.load(smtp.flags)
        let store = try await options.open(settings)
        guard let delivery = settings.smtp.delivery(store: store) else {
            throw fail("name the relay: smtp.host and smtp.from in the configuration, or --smtp-host HOST --smtp-from ADDRESS")
        }
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
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let store = try await options.open()
        let count: Int
        do { count = try await store.requeueOutbox(ids: ids.isEmpty ? nil : ids, at: Date()) } catch { throw fail(error) }
        print("\(count) message\(count == 1 ? "" : "s") due again")
        if !ids.isEmpty && count < ids.count { note("\(ids.count - count) of the ids given are sent already or do not exist") }
    }
}
