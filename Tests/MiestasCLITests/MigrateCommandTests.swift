import Foundation
import Geo
import Planning
import Store
import Testing
import TestSupport

/// `miestas migrate`: a SpatiaLite database with a bit of everything goes into PostgreSQL and
/// back, and every table reads the same at each end; the audit chain verifies on the target.
@Suite(.serialized) struct MigrateCommandTests {
    /// Districts, the catalogue, staff with a token, an API key, reports with history, a plan with
    /// a version, an attachment (and its file), comments, a published answer (and its outbox
    /// message) and the audit log they all wrote.
    static func fill(_ cli: CLI) async throws -> SpatiaLiteStore {
        #expect(try cli.run(["districts", "import", "Data/demo/kaunas-seniunijos.geojson"]).status == 0)
        #expect(try cli.run(["services", "import", "Data/services.json"]).status == 0)
        try await AuditVerifyTests.makeLog(cli)
        let store = try SpatiaLiteStore(path: cli.database)
        let user = try await store.addUser(username: "jonas", role: .architect, passwordHash: "$2b$12$x")
        try await store.storeToken("st_token", userId: user.id, expiresAt: Date().addingTimeInterval(3600))
        _ = try await store.addAPIKey(name: "app")
        var batch: [NewReport] = []
        for i in 0..<30 {
            let step = Double(i) * 1e-3
            let external: String? = i % 2 == 0 ? "ext-\(i)" : nil
            batch.append(NewReport(serviceCode: "pothole", description: "Duobė \(i)", attributes: ["depth": ["\(i)"]],
                                   location: Coordinate(23.90 + step, 54.89 + step), districtCode: "centro",
                                   requestedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(i)),
                                   contact: ReporterContact(email: "r@example.lt"), externalId: external, source: "test"))
        }
        let reports = await store.insertReports(batch)
        let first = try reports[0].get()
        _ = try await store.applyUpdate(reportId: first.id, expected: .open, status: .closed, resolution: .fixed, reopened: false,
                                        note: "Užtaisyta", userId: user.id, at: Date(timeIntervalSince1970: 1_700_100_000))
        let plan = try #require(try await store.plans().first)
        let file = try store.media.store(Array("%PDF-1.4 plan".utf8), fileExtension: "pdf")
        _ = try await store.addAttachment(planId: plan.id, role: .document, title: "Sprendiniai", file: file, contentType: "application/pdf",
                                          size: 13, createdBy: "rasa", audit: AuditRecord(planId: plan.id, actor: "rasa", action: "attach",
                                                                                           subject: "plan \(plan.id)", at: Date()))
        let comment = try #require(try await store.comments(planId: plan.id, publishedOnly: false, includeHidden: true).first)
        var revision = try #require(try await store.plan(id: plan.id)).revision
        try await store.saveAnswer(commentId: comment.id, answer: CommentAnswer(decision: .accepted, reasoning: "Taip", architect: "jonas",
                                                                               draftedAt: Date()),
                                   expectedRevision: revision, audit: AuditRecord(planId: plan.id, actor: "jonas", action: "answer", subject: "comment", at: Date()))
        revision += 1
        try await store.publishAnswers(planId: plan.id, commentIds: [comment.id], at: Date(), expectedRevision: revision,
                                       audit: [AuditRecord(planId: plan.id, actor: "rasa", action: "publish", subject: "answers", at: Date())],
                                       outbox: [NewOutboxMessage(commentId: comment.id, recipient: "a@example.lt", subject: "Atsakymas", body: "Taip")])
        // A resident's petition with a sponsor and a signature.
        let ona = try await store.signInResident(issuer: "https://idp.example", subject: "ona", personalCodeDigest: "d1", at: Date())
        let petition = try await store.createPetition(authorId: ona.id, text: PetitionText(title: "Daugiau suoliukų", change: "Pastatyti",
                                                                                             reason: "Pavargstame", act: "Tvarkos taisyklės"),
                                                      at: Date(), audit: AuditRecord(planId: nil, actor: "resident \(ona.id)", action: "petition created",
                                                                                     subject: "petition", at: Date()))
        _ = try await store.addSponsor(petitionId: petition.id, residentId: ona.id, signerKey: "pc:d1", at: Date())
        _ = try await store.sign(NewPetitionSignature(petitionId: petition.id, residentId: ona.id, signerKey: "pc:d1", districtCode: "centro",
                                                      publicName: nil, at: Date()))
        return store
    }

    /// Everything a reader of either store can see, table by table.
    static func contents(_ s: any MiestasStore) async throws -> [AnyHashable] {
        var out: [AnyHashable] = []
        out.append(try await s.districts())
        out.append(try await s.services())
        out.append(try await s.users())
        out.append(try await s.apiKeys())
        out.append(try await s.user(token: "st_token", at: Date())?.username)
        let reports = try await s.reports(ReportQuery(limit: 10_000))
        out.append(reports)
        for r in reports { out.append(try await s.updates(reportId: r.id)) }
        for p in try await s.plans() {
            out.append(p)
            out.append(try await s.versions(planId: p.id))
            out.append(try await s.attachments(planId: p.id))
            out.append(try await s.comments(planId: p.id, publishedOnly: false, includeHidden: true))
        }
        for p in try await s.petitions(PetitionFilter()) {
            out.append(p)
            out.append(try await s.signatureCounts(petitionId: p.id))
        }
        out.append(try await s.outbox(unsentOnly: false))
        out.append(try await s.auditEntries(planId: nil))
        for table in StoreTables.all { out.append("\(table.name) \(try await s.rowCount(table))") }
        return out
    }

    /// Part by part, so a failure shows the part that differs.
    static func expectSame(_ copy: [AnyHashable], _ original: [AnyHashable]) {
        #expect(copy.count == original.count)
        for (a, b) in zip(copy, original) { #expect(a == b) }
    }

    @Test func copiesIntoPostgreSQLAndBackWithNothingLost() async throws {
        guard let postgres = try await TestStores.databaseURL() else { return }
        let cli = CLI()
        let source = try await Self.fill(cli)
        let original = try await Self.contents(source)
        let folder = URL(fileURLWithPath: cli.database).deletingLastPathComponent()
        let sharedMedia = folder.appendingPathComponent("shared-media").path

        let there = try cli.run(["migrate", "--from", cli.database, "--to", postgres, "--to-media", sharedMedia], withDatabase: false)
        #expect(there.status == 0, "\(there.stderr)")
        #expect(there.stdout.contains("1 media files; audit log intact"))
        #expect(there.stderr.contains("reports: 30/30"))
        let verified = try cli.run(["audit", "verify", "--database", postgres], withDatabase: false)
        #expect(verified.status == 0, "\(verified.stderr)")
        let target = try await openStore(postgres, options: StoreOptions(mediaDirectory: URL(fileURLWithPath: sharedMedia)))
        Self.expectSame(try await Self.contents(target), original)
        let file = try #require(try await target.attachments(planId: try await target.plans()[0].id).first).file
        #expect(target.media.file(named: file) != nil)
        // New rows continue after the copied ids.
        let next = try await target.insertReports([NewReport(serviceCode: "pothole", location: Coordinate(23.9, 54.9), source: "test")])
        #expect(try next[0].get().id == 31)

        let again = try cli.run(["migrate", "--from", cli.database, "--to", postgres], withDatabase: false)
        #expect(again.status != 0 && again.stderr.contains("not empty"))

        let back = folder.appendingPathComponent("back/db.sqlite").path
        let home = try cli.run(["migrate", "--from", postgres, "--to", back, "--from-media", sharedMedia], withDatabase: false)
        #expect(home.status == 0, "\(home.stderr)")
        let returned = try SpatiaLiteStore(path: back)
        let expected = try await Self.contents(target)  // with the report added in PostgreSQL
        Self.expectSame(try await Self.contents(returned), expected)
        #expect(returned.media.file(named: file) != nil)
        #expect(try cli.run(["audit", "verify", "--database", back], withDatabase: false).status == 0)
        await target.close()
    }
}
