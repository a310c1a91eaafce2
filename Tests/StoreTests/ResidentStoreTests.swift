import Foundation
import Geo
import GRDB
import Testing
import TestSupport
@testable import Store

/// Residents, sessions and sign-ins under way, alike on both backends.
@Suite struct ResidentStoreTests {
    @Test(arguments: TestStores.backends)
    func aResidentIsKnownByIssuerAndSubjectAndKeepsTheDigestItWasGiven(_ backend: StoreBackend) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let a = try await db.store.signInResident(issuer: "https://a.example", subject: "u1", personalCodeDigest: "d1", at: t0)
        let again = try await db.store.signInResident(issuer: "https://a.example", subject: "u1", personalCodeDigest: nil, at: t0.addingTimeInterval(60))
        #expect(again.id == a.id && again.personalCodeDigest == "d1" && again.lastSignInAt == t0.addingTimeInterval(60))
        #expect(again.createdAt == t0 && again.name == nil && again.email == nil && again.consentAt == nil)
        // The same person through another provider: another resident, the same digest.
        let b = try await db.store.signInResident(issuer: "https://b.example", subject: "u1", personalCodeDigest: "d1", at: t0)
        #expect(b.id != a.id)
        #expect(try await db.store.residents(personalCodeDigest: "d1").map(\.id) == [a.id, b.id])
    }

    @Test(arguments: TestStores.backends)
    func contactIsKeptOnlyWithConsentAndNoticesNeedAnEmail(_ backend: StoreBackend) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let now = Date()
        let r = try await db.store.signInResident(issuer: "i", subject: "s", personalCodeDigest: nil, at: now)
        var kept = try #require(try await db.store.updateResidentContact(id: r.id, .init(name: "Ona", email: nil, notifyStatusChanges: true, language: "lt"), at: now))
        #expect(kept.name == "Ona" && kept.consentAt != nil && !kept.notifyStatusChanges, "no email, no notices")
        kept = try #require(try await db.store.updateResidentContact(id: r.id, .init(name: nil, email: "o@example.lt", notifyStatusChanges: true, language: "en"), at: now))
        #expect(kept.name == nil && kept.email == "o@example.lt" && kept.notifyStatusChanges && kept.language == "en")
        kept = try #require(try await db.store.updateResidentContact(id: r.id, .init(name: nil, email: nil, notifyStatusChanges: true, language: nil), at: now))
        #expect(kept.consentAt == nil && kept.email == nil && !kept.notifyStatusChanges)
        #expect(try await db.store.updateResidentContact(id: 999, .init(name: "x", email: nil, notifyStatusChanges: false, language: nil), at: now) == nil)
    }

    @Test(arguments: TestStores.backends)
    func sessionsExpireAndEndOnce(_ backend: StoreBackend) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let now = Date(timeIntervalSince1970: 1_800_000_000)  // whole milliseconds, as stored
        let r = try await db.store.signInResident(issuer: "i", subject: "s", personalCodeDigest: nil, at: now)
        let session = ResidentSessionRecord(tokenHash: "h1", residentId: r.id, provider: "p", level: "substantial", createdAt: now,
                                            expiresAt: now.addingTimeInterval(60), sealed: [1, 2, 3])
        try await db.store.storeResidentSession(session)
        let found = try #require(try await db.store.residentSession(tokenHash: "h1", at: now))
        #expect(found.0 == session && found.1.id == r.id)
        #expect(try await db.store.residentSession(tokenHash: "h1", at: now.addingTimeInterval(61)) == nil)
        #expect(try await db.store.endResidentSession(tokenHash: "h1") == session)
        #expect(try await db.store.endResidentSession(tokenHash: "h1") == nil)
        #expect(try await db.store.residentSession(tokenHash: "h1", at: now) == nil)
    }

    @Test(arguments: TestStores.backends)
    func aLoginTransactionIsTakenOnceBeforeItExpiresAndTheirNumberIsCapped(_ backend: StoreBackend) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func transaction(_ state: String, expires: TimeInterval = 600) -> LoginTransaction {
            LoginTransaction(stateHash: state, browserHash: "b", provider: "p", level: "low", purpose: "resident", next: "/me", sealed: [9],
                             createdAt: now, expiresAt: now.addingTimeInterval(expires))
        }
        #expect(try await db.store.storeLoginTransaction(transaction("s1"), maximumPending: 2, at: now))
        #expect(try await db.store.storeLoginTransaction(transaction("s2", expires: 1), maximumPending: 2, at: now))
        #expect(try await !db.store.storeLoginTransaction(transaction("s3"), maximumPending: 2, at: now), "two wait already")
        // Once s2 expired it is swept, which makes room.
        #expect(try await db.store.storeLoginTransaction(transaction("s3"), maximumPending: 2, at: now.addingTimeInterval(2)))
        #expect(try await db.store.takeLoginTransaction(stateHash: "s1", at: now) == transaction("s1"))
        #expect(try await db.store.takeLoginTransaction(stateHash: "s1", at: now) == nil, "a state works once")
        #expect(try await db.store.takeLoginTransaction(stateHash: "s3", at: now.addingTimeInterval(601)) == nil, "expired")
        #expect(try await db.store.takeLoginTransaction(stateHash: "s3", at: now) == nil, "an expired one is gone too")
    }

    @Test(arguments: TestStores.backends)
    func deletingAResidentKeepsTheirReportsAnonymised(_ backend: StoreBackend) async throws {
        guard let db = try await TestStores.make(backend) else { return }
        let now = Date()
        let r = try await db.store.signInResident(issuer: "i", subject: "s", personalCodeDigest: "d", at: now)
        let other = try await db.store.signInResident(issuer: "i", subject: "t", personalCodeDigest: nil, at: now)
        let mine = NewReport(serviceCode: "pothole", description: "hole", location: Coordinate(23.9, 54.9),
                             contact: ReporterContact(email: "ona@example.lt", firstName: "Ona"), source: "web", residentId: r.id)
        var theirs = mine
        theirs.residentId = other.id
        let stored = await db.store.insertReports([mine, theirs, NewReport(serviceCode: "pothole", location: Coordinate(23.9, 54.9))])
        let ids = try stored.map { try $0.get().id }
        #expect(try await db.store.residentReports(residentId: r.id, limit: 10).map(\.id) == [ids[0]])
        #expect(try await db.store.report(id: ids[0])?.details.residentId == r.id)
        try await db.store.storeResidentSession(.init(tokenHash: "h", residentId: r.id, provider: "p", level: "low", createdAt: now,
                                                      expiresAt: now.addingTimeInterval(60), sealed: []))
        try await db.store.enqueueResidentNotice(residentId: r.id, recipient: "ona@example.lt", subject: "s", body: "b", at: now)
        #expect(try await db.store.outbox(unsentOnly: true).count == 1)
        #expect(try await db.store.deleteResident(id: r.id))
        #expect(try await db.store.resident(id: r.id) == nil)
        #expect(try await db.store.residentSession(tokenHash: "h", at: now) == nil)
        #expect(try await db.store.outbox(unsentOnly: false).isEmpty)
        let kept = try #require(try await db.store.report(id: ids[0]))
        #expect(kept.details.residentId == nil && kept.details.contact == ReporterContact() && kept.details.description == "hole")
        #expect(try await db.store.report(id: ids[1])?.details.residentId == other.id, "another resident's report is untouched")
        #expect(try await !db.store.deleteResident(id: r.id))
    }
}
