import Foundation
import GRDB
import Planning
import Store
import Testing

/// `miestas audit verify` on a real log, then on copies tampered with behind the store's back
/// (the append-only triggers dropped first, as someone with the database file could).
@Suite(.serialized) struct AuditVerifyTests {
    /// A database with a plan, its consultation opened, and comments: seven audit entries.
    static func makeLog(_ cli: CLI) async throws {
        let store = try SpatiaLiteStore(path: cli.database)
        _ = try await store.addUser(username: "rasa", role: .planner, passwordHash: "-")
        let media = MediaLibrary(directory: URL(fileURLWithPath: cli.database).deletingLastPathComponent().appendingPathComponent("media"))
        let service = Consultations(store: store, users: store, media: media, settings: PlanningSettings(minConsultationDays: 0))
        let planner = PlanActor(username: "rasa", role: .planner)
        let input = try JSONDecoder().decode(PlanInput.self, from: Data("""
            {"title": "Audito planas", "kind": "special",
             "area": {"type": "Polygon", "coordinates": [[[23.93,54.90],[23.94,54.90],[23.94,54.91],[23.93,54.90]]]},
             "consultation": {"start": "\(ISOTime.format(Date().addingTimeInterval(-60)))", "end": "\(ISOTime.format(Date().addingTimeInterval(3_600)))"}}
            """.utf8))
        let plan = try await service.createPlan(input, by: planner)
        _ = try await service.addVersion(planId: plan.id, VersionInput(note: "v1"), by: planner)
        _ = try await service.transition(planId: plan.id, TransitionInput(to: "consultation"), by: planner)
        for i in 0..<4 {
            _ = try await service.submitComment(planId: plan.id, CommentInput(kind: "support", text: "Pritariu \(i)", name: "A", email: "a@example.lt"))
        }
    }

    static func tamper(_ cli: CLI, _ sql: String) throws {
        let db = try DatabaseQueue(path: cli.database)
        try db.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
            try db.execute(sql: sql)
        }
    }

    @Test func anIntactLogVerifies() async throws {
        let cli = CLI()
        try await Self.makeLog(cli)
        let r = try cli.run(["audit", "verify"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("audit log intact: 7 entries"))
        // The store itself refuses to change the log.
        let db = try DatabaseQueue(path: cli.database)
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "UPDATE audit_log SET actor = 'x' WHERE id = 2") } }
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "DELETE FROM audit_log WHERE id = 2") } }
    }

    @Test func anEditedEntryIsNamed() async throws {
        let cli = CLI()
        try await Self.makeLog(cli)
        try Self.tamper(cli, "UPDATE audit_log SET actor = 'mallory' WHERE id = 3")
        let r = try cli.run(["audit", "verify"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("broken at entry 3") && r.stderr.contains("changed"), "\(r.stderr)")
    }

    @Test func anEditedEntryWithARecomputedHashIsFoundAtTheNext() async throws {
        let cli = CLI()
        try await Self.makeLog(cli)
        // Someone who knows the scheme rewrites entry 5 and its hash: entry 6 no longer links.
        let db = try DatabaseQueue(path: cli.database)
        let hash: String = try await db.read { db in
            let entry = try Row.fetchOne(db, sql: "SELECT * FROM audit_log WHERE id = 5")!
            let forged = AuditEntry(id: entry["id"], planId: entry["plan_id"], actor: "mallory", action: entry["action"], subject: entry["subject"],
                                    before: entry["before"], after: entry["after"], atMillis: entry["at"], prevHash: entry["prev_hash"], hash: "")
            return AuditChain.expectedHash(of: forged)
        }
        try Self.tamper(cli, "UPDATE audit_log SET actor = 'mallory', hash = '\(hash)' WHERE id = 5")
        let r = try cli.run(["audit", "verify"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("broken at entry 6"), "\(r.stderr)")
    }

    @Test func aDeletedEntryIsNamed() async throws {
        let cli = CLI()
        try await Self.makeLog(cli)
        try Self.tamper(cli, "DELETE FROM audit_log WHERE id = 4")
        let r = try cli.run(["audit", "verify"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("broken at entry 5") && r.stderr.contains("removed"), "\(r.stderr)")
    }

    @Test func reorderedEntriesAreNamed() async throws {
        let cli = CLI()
        try await Self.makeLog(cli)
        // Swap the contents (hashes included) of entries 6 and 7.
        try Self.tamper(cli, """
            UPDATE audit_log SET id = -6 WHERE id = 6;
            UPDATE audit_log SET id = 6 WHERE id = 7;
            UPDATE audit_log SET id = 7 WHERE id = -6;
            """)
        let r = try cli.run(["audit", "verify"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("broken at entry 6"), "\(r.stderr)")
    }

    @Test func theOutboxListsNothingBeforeAnswers() async throws {
        let cli = CLI()
        try await Self.makeLog(cli)
        let r = try cli.run(["outbox", "list"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("the outbox is empty"))
    }
}
