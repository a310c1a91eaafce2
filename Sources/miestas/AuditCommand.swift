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
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let store = try await options.open()
        let entries: [AuditEntry]
        do { entries = try await store.auditEntries(planId: nil) } catch { throw fail(error) }
        if let broken = AuditChain.verify(entries) {
            throw fail("the audit log is broken at entry \(broken.entryId): \(broken.reason)")
        }
        print("audit log intact: \(entries.count) entr\(entries.count == 1 ? "y" : "ies"), head \(entries.last?.hash ?? AuditChain.genesis)")
    }
}
