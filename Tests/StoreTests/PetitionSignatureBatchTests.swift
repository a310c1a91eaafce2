import Foundation
import Testing
import TestSupport
@testable import Store

/// Signatures in batches (group commit), alike on both backends: every signature of a batch gets
/// its own outcome in order — added, already (also the second of two in the same batch),
/// wrong state (closed, past its time, a draft), unknown petition — and the counts are exact
/// after a burst of concurrent signers through the writer.
@Suite struct PetitionSignatureBatchTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func petition(_ db: TestStore, open: Bool, closes: TimeInterval = 3_600) async throws -> (Petition, Resident) {
        let r = try await db.store.signInResident(issuer: "i", subject: UUID().uuidString, personalCodeDigest: nil, at: t0)
        var p = try await db.store.createPetition(authorId: r.id, text: PetitionText(title: "T", change: "C", reason: "R", act: "A"), at: t0,
                                                  audit: AuditRecord(planId: nil, actor: "t", action: "petition.create", subject: "petition", at: t0))
        if open {
            p.state = .open; p.closesAt = t0.addingTimeInterval(closes)
            p = try #require(try await db.store.updatePetition(p, expectedRevision: 1, audit: []))
        }
        return (p, r)
    }

    @Test(arguments: TestStores.backends)
    func everySignatureOfABatchGetsItsOwnOutcome(_ backend: StoreBackend) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let (open, r) = try await Self.petition(db, open: true)
        let (draft, _) = try await Self.petition(db, open: false)
        let (short, _) = try await Self.petition(db, open: true, closes: 10)
        func sig(_ p: Int64, _ key: String, at: TimeInterval = 0, district: String? = "D1") -> NewPetitionSignature {
            NewPetitionSignature(petitionId: p, residentId: r.id, signerKey: key, districtCode: district, publicName: nil, at: Self.t0.addingTimeInterval(at))
        }
        _ = try await db.store.sign(sig(open.id, "before"))
        let batch = [sig(open.id, "a"), sig(open.id, "a", district: "D2"), sig(open.id, "before"), sig(draft.id, "a"),
                     sig(999_999, "a"), sig(short.id, "a", at: 20), sig(short.id, "a"), sig(open.id, "b", district: nil)]
        let results = try await db.store.signBatch(batch).map { try $0.get() }
        #expect(results.map(\.outcome) == [.added, .already, .already, .wrongState, .unknownPetition, .wrongState, .added, .added])
        // Each result tells its petition's valid signatures as the batch's commit left them.
        #expect(results.map(\.validSignatures) == [3, 3, 3, 0, 0, 1, 1, 3])
        let counts = try await db.store.signatureCounts(petitionId: open.id)
        #expect(counts.total == 3 && counts.byDistrict == ["D1": 2] && counts.withoutDistrict == 1, "the first of a pair counts: D1, not D2")
        #expect(try await db.store.signBatch([]).isEmpty)
    }

    @Test(arguments: TestStores.backends)
    func aBurstThroughTheWriterIsCountedExactly(_ backend: StoreBackend) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let (p, r) = try await Self.petition(db, open: true)
        let writer = db.store.makeSignatureWriter()
        // 600 signers, every tenth twice at once: 540 distinct people, 60 repeats.
        let results = try await withThrowingTaskGroup(of: PetitionSigningResult.self) { group in
            for i in 0..<600 {
                let key = i % 10 == 9 ? "k\(i - 1)" : "k\(i)"
                group.addTask {
                    try await writer.submit(NewPetitionSignature(petitionId: p.id, residentId: r.id, signerKey: key, districtCode: "D\(i % 4)",
                                                                 publicName: nil, at: Self.t0))
                }
            }
            return try await group.reduce(into: [PetitionSigningResult]()) { $0.append($1) }
        }
        let outcomes = results.map(\.outcome)
        #expect(outcomes.filter { $0 == .added }.count == 540 && outcomes.filter { $0 == .already }.count == 60)
        // Each signature is answered the count its batch's commit left: the batches commit one
        // after another, so exactly c signatures were added by the batches that left a count ≤ c.
        let told = results.filter { $0.outcome == .added }.map(\.validSignatures)
        #expect(told.max() == 540)
        for c in Set(told) { #expect(told.filter { $0 <= c }.count == c, "count \(c)") }
        let counts = try await db.store.signatureCounts(petitionId: p.id)
        #expect(counts.total == 540)
        #expect(writer.totals.batches < 600, "grouped: \(writer.totals.batches) transactions for 600 signatures")
    }
}
