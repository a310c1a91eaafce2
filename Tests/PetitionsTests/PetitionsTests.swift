import Foundation
import Testing
import TestSupport
@testable import Petitions
import Store

/// The lifecycle's rules, sponsors, signatures and invalidation through `Petitions`, on both backends.
@Suite struct PetitionsTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let text = PetitionText(title: "More benches", change: "Put benches on Vilniaus g.", reason: "Older people need rest",
                                   act: "Decision No. 1-23", districtCode: "D1", longitude: 25.28, latitude: 54.69)

    struct World {
        /// Kept for the test's length: its folder goes when it does.
        let db: TestStore
        var store: any MiestasStore { db.store }
        let petitions: Petitions
        let author: PetitionActor
        let residents: [PetitionActor]
        let moderator = PetitionActor.moderator(username: "mod")
    }

    static func world(_ backend: StoreBackend, sponsors: Int = 2, _ change: (inout PetitionSettings) -> Void = { _ in }) async throws -> World? {
        guard let db = try await TestStores.make(backend) else { return nil }
        var settings = PetitionSettings()
        settings.sponsorsNeeded = sponsors
        settings.openDays = 30
        settings.thresholds = PetitionThresholds(response: 3, council: 5)
        change(&settings)
        var actors: [PetitionActor] = []
        for i in 0..<8 {
            let r = try await db.store.signInResident(issuer: "https://idp.example", subject: "s\(i)", personalCodeDigest: "digest\(i)", at: t0)
            actors.append(.resident(id: r.id, signerKey: Petitions.signerKey(residentId: r.id, personalCodeDigest: r.personalCodeDigest)))
        }
        return World(db: db, petitions: Petitions(store: db.store, settings: settings), author: actors[0], residents: Array(actors.dropFirst()))
    }

    /// A petition opened at t0 with the sponsors it needs.
    static func opened(_ w: World) async throws -> Petition {
        let p = try await w.petitions.create(text, by: w.author, at: t0)
        _ = try await w.petitions.submit(id: p.id, by: w.author, at: t0)
        for r in w.residents.prefix(w.petitions.settings.sponsorsNeeded) { _ = try await w.petitions.sponsor(id: p.id, by: r, at: t0) }
        _ = try await w.petitions.submit(id: p.id, by: w.author, at: t0)
        return try await w.petitions.approve(id: p.id, by: w.moderator, at: t0)
    }

    func refused(_ body: () async throws -> Void) async -> String? {
        do { try await body(); return nil } catch {
            if let e = error as? PetitionError, case .refused(let reason) = e { return reason.description }
            return "not refused but \(error)"
        }
    }

    @Test(arguments: TestStores.backends)
    func theWholeLifecycleWithItsAuditTrail(_ backend: StoreBackend) async throws {
        guard let w = try await Self.world(backend) else { return }
        let draft = try await w.petitions.create(Self.text, by: w.author, at: Self.t0)
        #expect(draft.state == .draft && draft.text.title == "More benches")
        // A draft is the author's and the moderators' only.
        await #expect(throws: PetitionError.notFound) { _ = try await w.petitions.petition(id: draft.id, for: w.residents[0], at: Self.t0) }
        await #expect(throws: PetitionError.notFound) { _ = try await w.petitions.petition(id: draft.id, for: nil, at: Self.t0) }
        var edited = Self.text; edited.title = "Benches"
        #expect(try await w.petitions.updateDraft(id: draft.id, edited, by: w.author, at: Self.t0).text.title == "Benches")
        let collecting = try await w.petitions.submit(id: draft.id, by: w.author, at: Self.t0)
        #expect(collecting.state == .collectingSponsors)
        let early = await refused { _ = try await w.petitions.submit(id: draft.id, by: w.author, at: Self.t0) }
        #expect(early?.contains("0 of the 2 sponsors") == true, "\(early ?? "")")
        #expect(try await w.petitions.sponsor(id: draft.id, by: w.residents[0], at: Self.t0) == 1)
        #expect(await refused { _ = try await w.petitions.sponsor(id: draft.id, by: w.residents[0], at: Self.t0) } != nil, "sponsors once")
        #expect(await refused { _ = try await w.petitions.sponsor(id: draft.id, by: w.author, at: Self.t0) } != nil, "not the author")
        #expect(try await w.petitions.sponsor(id: draft.id, by: w.residents[1], at: Self.t0) == 2)
        #expect(try await w.petitions.submit(id: draft.id, by: w.author, at: Self.t0).state == .awaitingModeration)
        let open = try await w.petitions.approve(id: draft.id, by: w.moderator, at: Self.t0)
        #expect(open.state == .open && open.closesAt == Self.t0.addingTimeInterval(30 * 86_400))
        for r in w.residents.prefix(3) { try await w.petitions.sign(id: open.id, by: r, district: "D1", publicName: nil, at: Self.t0) }
        let view = try await w.petitions.view(id: open.id, for: nil, at: Self.t0)
        #expect(view.counts.total == 3 && view.counts.byDistrict == ["D1": 3] && view.responseThresholdReached && !view.councilThresholdReached)
        let answered = try await w.petitions.answer(id: open.id, text: "We agree", decision: .accepted, date: "2027-01-15", by: w.moderator,
                                                    at: Self.t0.addingTimeInterval(60))
        #expect(answered.state == .answered && answered.answer?.decision == .accepted && answered.closedAt != nil)
        let actions = try await w.store.auditEntries(planId: nil).filter { $0.subject == "petition \(open.id)" }.map(\.action)
        #expect(actions == ["petition.create", "petition.edit", "petition.collect_sponsors", "petition.submit", "petition.approve", "petition.answer"])
    }

    @Test(arguments: TestStores.backends)
    func everyRefusedMoveSaysWhy(_ backend: StoreBackend) async throws {
        guard let w = try await Self.world(backend, sponsors: 0) else { return }
        let p = try await w.petitions.create(Self.text, by: w.author, at: Self.t0)
        let now = Self.t0
        // Moves that need another state.
        #expect(await refused { _ = try await w.petitions.approve(id: p.id, by: w.moderator, at: now) }?.contains("draft cannot be approved") == true)
        #expect(await refused { _ = try await w.petitions.unreject(id: p.id, by: w.moderator, at: now) } != nil)
        // A draft is not found by a signer.
        await #expect(throws: PetitionError.notFound) { try await w.petitions.sign(id: p.id, by: w.residents[0], district: nil, publicName: nil, at: now) }
        #expect(try await w.petitions.submit(id: p.id, by: w.author, at: now).state == .awaitingModeration, "no sponsors needed")
        #expect(await refused { _ = try await w.petitions.updateDraft(id: p.id, Self.text, by: w.author, at: now) }?.contains("cannot be edited") == true)
        #expect(await refused { try await w.petitions.sign(id: p.id, by: w.residents[0], district: nil, publicName: nil, at: now) }?
            .contains("awaiting_moderation takes no signatures") == true)
        let rejected = try await w.petitions.reject(id: p.id, code: .notCompetence, reason: "The state decides this", by: w.moderator, at: now)
        #expect(rejected.state == .rejected && rejected.rejectionCode == .notCompetence && rejected.publicReason == "The state decides this")
        #expect(await refused { _ = try await w.petitions.approve(id: p.id, by: w.moderator, at: now) } != nil)
        #expect(await refused { _ = try await w.petitions.withdraw(id: p.id, by: w.author, at: now) } != nil)
        // A rejection is undone.
        #expect(try await w.petitions.unreject(id: p.id, by: w.moderator, at: now).state == .awaitingModeration)
        _ = try await w.petitions.approve(id: p.id, by: w.moderator, at: now)
        #expect(await refused { _ = try await w.petitions.answer(id: p.id, text: "x", decision: .rejected, date: "2027-01-01", by: w.moderator, at: now) }?
            .contains("once it has 3 signatures") == true)
        let hidden = try await w.petitions.hide(id: p.id, reason: "Unlawful content", by: w.moderator, at: now)
        #expect(hidden.state == .hidden && hidden.publicReason == "Unlawful content")
        #expect(await refused { _ = try await w.petitions.hide(id: p.id, reason: "again", by: w.moderator, at: now) } != nil)
        // Who may: residents do not moderate, moderators do not author.
        let other = try await w.petitions.create(Self.text, by: w.author, at: now)
        await #expect(throws: PetitionError.forbidden(.onlyModerator)) {
            _ = try await w.petitions.approve(id: other.id, by: w.author, at: now)
        }
        await #expect(throws: PetitionError.notFound) { _ = try await w.petitions.submit(id: other.id, by: w.residents[0], at: now) }
        await #expect(throws: PetitionError.forbidden(.writtenByResidents)) {
            _ = try await w.petitions.create(Self.text, by: w.moderator, at: now)
        }
        await #expect(throws: PetitionError.invalid(.required, ["field": .field("title")])) {
            var t = Self.text; t.title = "  "
            _ = try await w.petitions.create(t, by: w.author, at: now)
        }
        await #expect(throws: PetitionError.invalid(.tooLong, ["field": .field("title"), "max": .number(200)])) {
            var t = Self.text; t.title = String(repeating: "x", count: 201)
            _ = try await w.petitions.create(t, by: w.author, at: now)
        }
        #expect(try await w.petitions.withdraw(id: other.id, by: w.author, at: now).state == .withdrawn)
    }

    @Test(arguments: TestStores.backends)
    func onePersonSignsOnceThroughAnyProviderAndMayWithdraw(_ backend: StoreBackend) async throws {
        guard let w = try await Self.world(backend) else { return }
        let p = try await Self.opened(w)
        // The same personal code through another provider: another resident, the same digest.
        let twin = try await w.store.signInResident(issuer: "https://other-idp.example", subject: "x", personalCodeDigest: "digest5", at: Self.t0)
        let twinActor = PetitionActor.resident(id: twin.id, signerKey: Petitions.signerKey(residentId: twin.id, personalCodeDigest: "digest5"))
        try await w.petitions.sign(id: p.id, by: w.residents[4], district: "D2", publicName: "Ona", at: Self.t0)
        let again = await refused { try await w.petitions.sign(id: p.id, by: twinActor, district: "D2", publicName: nil, at: Self.t0) }
        #expect(again?.contains("signed this petition already") == true)
        #expect(try await w.petitions.view(id: p.id, for: nil, at: Self.t0).counts.total == 1)
        #expect(try await w.petitions.signature(id: p.id, by: twinActor)?.publicName == "Ona", "the twin is the same signer")
        try await w.petitions.withdrawSignature(id: p.id, by: twinActor, at: Self.t0)
        #expect(try await w.petitions.view(id: p.id, for: nil, at: Self.t0).counts.total == 0)
        #expect(await refused { try await w.petitions.withdrawSignature(id: p.id, by: twinActor, at: Self.t0) } != nil)
        try await w.petitions.sign(id: p.id, by: twinActor, district: nil, publicName: nil, at: Self.t0)
        let counts = try await w.petitions.view(id: p.id, for: nil, at: Self.t0).counts
        #expect(counts.total == 1 && counts.withoutDistrict == 1 && counts.byDistrict.isEmpty)
        await #expect(throws: PetitionError.invalid(.publicNameFormula)) {
            try await w.petitions.sign(id: p.id, by: w.residents[6], district: nil, publicName: "=cmd()", at: Self.t0)
        }
    }

    @Test(arguments: TestStores.backends)
    func theClockClosesAnOpenPetitionOnTheNextReadAndAuditsIt(_ backend: StoreBackend) async throws {
        guard let w = try await Self.world(backend) else { return }
        let p = try await Self.opened(w)
        let closes = try #require(p.closesAt)
        try await w.petitions.sign(id: p.id, by: w.residents[5], district: nil, publicName: nil, at: closes.addingTimeInterval(-1))
        #expect(try await w.petitions.petition(id: p.id, for: nil, at: closes.addingTimeInterval(-1)).state == .open)
        let late = await refused { try await w.petitions.sign(id: p.id, by: w.residents[6], district: nil, publicName: nil, at: closes) }
        #expect(late?.contains("closed takes no signatures") == true, "\(late ?? "")")
        let closed = try await w.petitions.petition(id: p.id, for: nil, at: closes.addingTimeInterval(5))
        #expect(closed.state == .closed && closed.closedAt == closes)
        // Reading again records nothing more.
        _ = try await w.petitions.list(PetitionFilter(), for: nil, at: closes.addingTimeInterval(10))
        let closings = try await w.store.auditEntries(planId: nil).filter { $0.action == "petition.close" }
        #expect(closings.count == 1 && closings[0].actor == "system")
        #expect(AuditChain.verify(try await w.store.auditEntries(planId: nil)) == nil)
        #expect(try await w.petitions.view(id: p.id, for: nil, at: closes).counts.total == 1)
        #expect(await refused { try await w.petitions.withdrawSignature(id: p.id, by: w.residents[5], at: closes) } != nil)
    }

    @Test(arguments: TestStores.backends)
    func bulkInvalidationKeepsTheSignaturesAndRecountsAtOnce(_ backend: StoreBackend) async throws {
        guard let w = try await Self.world(backend) else { return }
        let p = try await Self.opened(w)
        let hour = 3600.0
        let start = Self.t0.addingTimeInterval(2 * hour)
        for (i, r) in w.residents.enumerated() {
            try await w.petitions.sign(id: p.id, by: r, district: i % 2 == 0 ? "D1" : "D2", publicName: nil, at: start.addingTimeInterval(Double(i) * 600))
        }
        // 7 signatures: 6 in the first hour from `start`, 1 in the next.
        let velocity = try await w.petitions.velocity(id: p.id, by: w.moderator, at: start)
        #expect(velocity.map(\.valid).reduce(0, +) == 7)
        await #expect(throws: PetitionError.forbidden(.velocityIsForModerators)) { _ = try await w.petitions.velocity(id: p.id, by: w.author) }
        let n = try await w.petitions.invalidate(id: p.id, from: start, to: start.addingTimeInterval(hour), district: "D1", reason: "a burst from one network",
                                                 by: w.moderator, at: start.addingTimeInterval(2 * hour))
        #expect(n == 3)  // residents 0, 2, 4 (D1) signed within the hour; 6 (D1) at +60 min
        let counts = try await w.petitions.view(id: p.id, for: nil, at: start).counts
        #expect(counts.total == 4 && counts.invalidated == 3 && counts.byDistrict == ["D1": 1, "D2": 3])
        let kept = try #require(try await w.petitions.signature(id: p.id, by: w.residents[0]))
        #expect(kept.invalidatedAt != nil && kept.invalidationReason == "a burst from one network")
        #expect(await refused { try await w.petitions.sign(id: p.id, by: w.residents[0], district: nil, publicName: nil, at: start) } != nil,
                "an invalidated signer cannot sign again")
        #expect(await refused { try await w.petitions.withdrawSignature(id: p.id, by: w.residents[0], at: start) } != nil)
        let audit = try await w.store.auditEntries(planId: nil).last
        #expect(audit?.action == "petition.invalidate_signatures" && audit?.after.contains("\"invalidated\":3") == true)
    }

    @Test func districtThresholdsOverrideTheMunicipalitysForThatDistrict() {
        var s = PetitionSettings()
        s.thresholds = PetitionThresholds(response: 1000, council: 2000)
        s.districtThresholds = ["D1": PetitionThresholds(response: 100, council: 300)]
        #expect(s.thresholds(district: "D1").response == 100)
        #expect(s.thresholds(district: "D2").council == 2000 && s.thresholds(district: nil).response == 1000)
    }

    @Test func theMoveTableIsTheLifecycle() throws {
        #expect(PetitionMove.approve.from == [.awaitingModeration] && PetitionMove.approve.to == .open)
        #expect(PetitionMove.unreject.from == [.rejected] && PetitionMove.unreject.to == .awaitingModeration)
        for terminal in [PetitionState.withdrawn, .hidden] {
            #expect(PetitionMove.allCases.allSatisfy { !$0.from.contains(terminal) }, "\(terminal) is final")
        }
        #expect(throws: PetitionError.self) { try PetitionMove.close.check(.draft) }
        #expect(Petitions.isDay("2027-01-15") && !Petitions.isDay("2027-13-01") && !Petitions.isDay("15.01.2027"))
    }
}
