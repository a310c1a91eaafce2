import Foundation
import Testing
import TestSupport
@testable import Store

/// A resident who deletes their account takes their drafts and subscriptions with them; their
/// public petitions, sponsorships and signatures stay (counted, one per person), without the link
/// to the account. Alike on both backends (both keep foreign keys).
@Suite struct PetitionResidentDeletionTests {
    typealias T = PetitionStoreTests

    @Test(arguments: TestStores.backends)
    func deletingAnAccountKeepsPublicPetitionsAndSignatures(_ backend: StoreBackend) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let s = db.store
        let author = try await s.signInResident(issuer: "i", subject: "author", personalCodeDigest: "d1", at: T.t0)
        let other = try await s.signInResident(issuer: "i", subject: "other", personalCodeDigest: "d2", at: T.t0)
        let draft = try await s.createPetition(authorId: author.id, text: T.text, at: T.t0, audit: T.audit("petition.create"))
        var open = try await s.createPetition(authorId: author.id, text: T.text, at: T.t0, audit: T.audit("petition.create"))
        open.state = .open; open.openedAt = T.t0; open.closesAt = T.t0.addingTimeInterval(86_400)
        open = try #require(try await s.updatePetition(open, expectedRevision: 1, audit: [T.audit("petition.approve")]))
        var theirs = try await s.createPetition(authorId: other.id, text: T.text, at: T.t0, audit: T.audit("petition.create"))
        theirs.state = .open; theirs.openedAt = T.t0; theirs.closesAt = T.t0.addingTimeInterval(86_400)
        theirs = try #require(try await s.updatePetition(theirs, expectedRevision: 1, audit: [T.audit("petition.approve")]))
        #expect(try await s.sign(NewPetitionSignature(petitionId: theirs.id, residentId: author.id, signerKey: "pc:d1", districtCode: "D1",
                                                      publicName: nil, at: T.t0)) == .added)
        _ = try await s.subscribe(petitionId: theirs.id, residentId: author.id, token: "0123456789abcdef0123456789abcdef", at: T.t0)

        #expect(try await s.deleteResident(id: author.id))
        #expect(try await s.petition(id: draft.id) == nil, "a draft was never public")
        let kept = try #require(try await s.petition(id: open.id))
        #expect(kept.authorId == nil && kept.state == .open)
        #expect(try await s.signatureCounts(petitionId: theirs.id).byDistrict == ["D1": 1], "the signature still counts")
        #expect(try await s.signature(petitionId: theirs.id, signerKey: "pc:d1") != nil, "and still keeps the person from signing twice")
        #expect(try await s.subscription(token: "0123456789abcdef0123456789abcdef") == nil)
    }
}
