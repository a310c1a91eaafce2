import Foundation
import Testing
import TestSupport
@testable import Store

/// `PetitionStore`, alike on both backends: writes name the revision they read, one signature per
/// signer key, counts exact per district, invalidation keeps the rows, and the migration keeps
/// staff users while it adds the `moderator` role.
@Suite struct PetitionStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let text = PetitionText(title: "T", change: "C", reason: "R", act: "A")

    static func audit(_ action: String) -> AuditRecord { AuditRecord(planId: nil, actor: "test", action: action, subject: "petition", at: t0) }

    @Test(arguments: TestStores.backends)
    func updatesNameTheRevisionTheyRead(_ backend: StoreBackend) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let head = try await db.store.changeFeedHead()
        let author = try await db.store.signInResident(issuer: "i", subject: "a", personalCodeDigest: nil, at: Self.t0)
        let p = try await db.store.createPetition(authorId: author.id, text: Self.text, at: Self.t0, audit: Self.audit("petition.create"))
        #expect(p.state == .draft && p.revision == 1 && p.authorId == author.id)
        var next = p
        next.state = .open; next.openedAt = Self.t0; next.closesAt = Self.t0.addingTimeInterval(86_400)
        next.answer = PetitionAnswer(text: "Yes", decision: .partlyAccepted, date: "2027-01-01", publishedAt: Self.t0)
        let saved = try #require(try await db.store.updatePetition(next, expectedRevision: 1, audit: [Self.audit("petition.approve")]))
        #expect(saved.revision == 2 && saved.state == .open && saved.closesAt == Self.t0.addingTimeInterval(86_400))
        #expect(saved.answer?.decision == .partlyAccepted && saved.answer?.date == "2027-01-01")
        // A second writer that read revision 1 loses, and nothing of it is written or audited.
        var stale = p
        stale.state = .rejected
        #expect(try await db.store.updatePetition(stale, expectedRevision: 1, audit: [Self.audit("petition.reject")]) == nil)
        #expect(try await db.store.petition(id: p.id)?.state == .open)
        #expect(try await db.store.auditEntries(planId: nil).map(\.action) == ["petition.create", "petition.approve"])
        #expect(try await db.store.auditEntries(planId: nil).first?.subject == "petition \(p.id)")
        let listed = try await db.store.petitions(PetitionFilter(states: [.open]))
        #expect(listed.map(\.id) == [p.id])
        #expect(try await db.store.petitions(PetitionFilter(states: [.draft])).isEmpty)
        #expect(try await db.store.petitions(PetitionFilter(states: [])).isEmpty)
        #expect(try await db.store.petitions(PetitionFilter(authorId: author.id + 1)).isEmpty)
        // Petitions are read from the store on every request: their audited writes announce
        // nothing to other servers (they once rang every server's plan refresh). A key made
        // afterwards marks the end, so everything the petition wrote is readable once it shows.
        _ = try await db.store.addAPIKey(name: "marker")
        var changes: [Change] = []
        let clock = ContinuousClock(), start = clock.now
        repeat {
            changes = try await db.store.changes(after: head, limit: 100)
            if !changes.contains(where: { $0.kind == .apiKeys }) { try await Task.sleep(for: .milliseconds(20)) }
        } while !changes.contains(where: { $0.kind == .apiKeys }) && clock.now - start < .seconds(10)
        #expect(changes.map(\.kind) == [.apiKeys])
    }

    @Test(arguments: TestStores.backends)
    func oneSignaturePerSignerKeyAndExactCounts(_ backend: StoreBackend) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let r = try await db.store.signInResident(issuer: "i", subject: "a", personalCodeDigest: "d", at: Self.t0)
        let p = try await db.store.createPetition(authorId: r.id, text: Self.text, at: Self.t0, audit: Self.audit("petition.create"))
        func sig(_ key: String, _ district: String?, _ at: Date = Self.t0) -> NewPetitionSignature {
            NewPetitionSignature(petitionId: p.id, residentId: r.id, signerKey: key, districtCode: district, publicName: nil, at: at)
        }
        #expect(try await db.store.sign(sig("k0", "D1")) == .wrongState, "a draft takes no signatures")
        #expect(try await db.store.sign(NewPetitionSignature(petitionId: 999, residentId: r.id, signerKey: "k", districtCode: nil, publicName: nil,
                                                             at: Self.t0)) == .unknownPetition)
        var open = p
        open.state = .open; open.closesAt = Self.t0.addingTimeInterval(3600)
        _ = try await db.store.updatePetition(open, expectedRevision: 1, audit: [])
        for i in 0..<50 { #expect(try await db.store.sign(sig("k\(i)", i % 5 == 0 ? nil : "D\(i % 3)")) == .added) }
        #expect(try await db.store.sign(sig("k7", "D2")) == .already)
        #expect(try await db.store.sign(sig("late", "D1", Self.t0.addingTimeInterval(3600))) == .wrongState, "not at the closing time")
        var counts = try await db.store.signatureCounts(petitionId: p.id)
        let expected = (0..<50).filter { $0 % 5 != 0 }.reduce(into: [String: Int]()) { $0["D\($1 % 3)", default: 0] += 1 }
        #expect(counts.total == 50 && counts.withoutDistrict == 10 && counts.byDistrict == expected)
        // A list's counts in one read: the same figures, and zero for a petition without signatures.
        let listed = try await db.store.signatureCounts(petitionIds: [p.id, 999_999])
        #expect(listed == [p.id: counts, 999_999: PetitionSignatureCounts()])
        #expect(try await db.store.signatureCounts(petitionIds: []).isEmpty)
        #expect(try await db.store.withdrawSignature(petitionId: p.id, signerKey: "k1", at: Self.t0))
        #expect(try await !db.store.withdrawSignature(petitionId: p.id, signerKey: "k1", at: Self.t0))
        let n = try await db.store.invalidateSignatures(petitionId: p.id, from: Self.t0, to: Self.t0.addingTimeInterval(1), districtCode: "D2",
                                                        reason: "r", at: Self.t0, audit: Self.audit("petition.invalidate_signatures"))
        counts = try await db.store.signatureCounts(petitionId: p.id)
        #expect(n == expected["D2"]! && counts.total == 49 - n && counts.invalidated == n && counts.byDistrict["D2"] == nil)
        #expect(try await db.store.signature(petitionId: p.id, signerKey: "k2")?.invalidationReason == "r")
        #expect(try await db.store.signatureVelocity(petitionId: p.id) == [PetitionSignatureHour(hour: Self.t0, valid: 49 - n, invalidated: n)])
        #expect(try await db.store.auditEntries(planId: nil).last?.after.contains("\"invalidated\":\(n)") == true)
        // Sponsors: while collecting, once per key.
        #expect(try await db.store.addSponsor(petitionId: p.id, residentId: r.id, signerKey: "s", at: Self.t0) == .wrongState)
    }

    @Test(arguments: TestStores.backends)
    func theModeratorRoleIsStored(_ backend: StoreBackend) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let before = try await db.store.addUser(username: "ona", role: .admin, passwordHash: "x")
        let moderator = try await db.store.addUser(username: "mod", role: .moderator, passwordHash: "x")
        #expect(try await db.store.users().map(\.role) == [before.role, moderator.role])
        #expect(try await db.store.appliedMigrations().last == (backend == .spatiaLite ? "v16-petition-tallies" : "p7-petition-tallies"))
    }
}
