import ArgumentParser
import Foundation
import JSONText
import Planning
import Store

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The planning audit log (every transition, moderation, answer and publication).",
        subcommands: [VerifyAudit.self])
}

struct VerifyAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit log's SHA-256 chain: exits non-zero and names the first entry that was changed, removed or reordered.",
        discussion: "On success prints the number of entries and the hash of the last one; keep that hash elsewhere to detect a cut-off tail later.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let store = try db.open()
        let entries: [AuditEntry]
        do { entries = try await store.auditEntries(planId: nil) } catch { throw fail(error) }
        if let broken = AuditChain.verify(entries) {
            throw fail("the audit log is broken at entry \(broken.entryId): \(broken.reason)")
        }
        print("audit log intact: \(entries.count) entr\(entries.count == 1 ? "y" : "ies"), head \(entries.last?.hash ?? AuditChain.genesis)")
    }
}

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Messages to commenters (answers published); no SMTP sender is built in yet.",
        subcommands: [ListOutbox.self])
}

struct ListOutbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List outbox messages, oldest first.")
    @Flag(help: "Only messages not yet sent.") var unsent = false
    @Flag(help: "Print every message in full (recipient, subject, body).") var full = false
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let store = try db.open()
        let messages: [OutboxMessage]
        do { messages = try await store.outbox(unsentOnly: unsent) } catch { throw fail(error) }
        guard !messages.isEmpty else { note("the outbox is empty"); return }
        if full {
            for m in messages {
                print("--- message \(m.id) (comment \(m.commentId.map(String.init) ?? "-"), \(m.sentAt == nil ? "unsent" : "sent"))")
                print("To: \(m.recipient)\nSubject: \(m.subject)\n\n\(m.body)\n")
            }
            return
        }
        print(table(header: ["id", "comment", "to", "subject", "created", "sent"],
                    rows: messages.map { [String($0.id), $0.commentId.map(String.init) ?? "", $0.recipient, $0.subject,
                                          JSONText.time($0.createdAt), $0.sentAt.map(JSONText.time) ?? ""] },
                    rightAligned: [0, 1]))
    }
}
