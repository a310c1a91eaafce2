import Foundation
import Store

/// A resident's session as the pages see it.
public struct ResidentSession: Sendable {
    public var resident: Resident
    public var provider: String
    public var level: AssuranceLevel
    public var expiresAt: Date
    /// What the provider said at sign-in that Miestas keeps only with consent: offered on /me.
    public var offeredName: String?
    public var offeredEmail: String?
    /// For the provider's sign-out.
    public var idToken: String?
    /// Where the provider says the resident lives (its `residence_claim`, e.g. a district code), if
    /// it tells; kept only inside the session, like the offered name.
    public var residence: String?
}

/// Residents' accounts and sessions: made from a verified sign-in, known by (issuer, sub); the
/// personal code only as its digest; name and email only with consent; deleting an account
/// keeps public reports, anonymised.
public struct Residents: Sendable {
    public let store: any ResidentStore
    public let settings: IdentitySettings
    let digest: PersonalCodeDigest?

    public init(store: any ResidentStore, settings: IdentitySettings) {
        self.store = store; self.settings = settings
        digest = settings.personalCodeSecret.map(PersonalCodeDigest.init(secret:))
    }

    private struct SealedSession: Codable { var idToken: String; var name: String?; var email: String?; var residence: String? }
    private static let sessionPurpose = "miestas resident session"

    /// Signs the resident in: their record (added when new, the personal code's digest updated)
    /// and a new session. Answers the cookie value, which only the browser keeps.
    public func startSession(_ signIn: VerifiedSignIn, at now: Date = Date()) async throws(IdentityError) -> (cookie: String, session: ResidentSession) {
        let code = signIn.claims.personalCode.flatMap { PersonalCodeDigest.normalised($0).isEmpty ? nil : $0 }
        let digest = code.flatMap { self.digest?.digest($0) }
        let cookie = Secrets.random()
        do {
            var resident = try await store.signInResident(issuer: signIn.issuer, subject: signIn.claims.subject, personalCodeDigest: digest, at: now)
            // A resident who agreed to keep their name and email gets the provider's current ones.
            if resident.consentAt != nil {
                let name = resident.name == nil ? nil : (signIn.claims.name ?? resident.name)
                let email = resident.email == nil ? nil : (signIn.claims.email ?? resident.email)
                let contact = ResidentContact(name: name, email: email, notifyStatusChanges: resident.notifyStatusChanges, language: resident.language)
                resident = try await store.updateResidentContact(id: resident.id, contact, at: now) ?? resident
            }
            let sealed = Secrets.seal(SealedSession(idToken: signIn.idToken, name: signIn.claims.name, email: signIn.claims.email,
                                                     residence: signIn.claims.residence),
                                      under: cookie, purpose: Self.sessionPurpose)
            let expires = now.addingTimeInterval(settings.sessionLifetime)
            try await store.storeResidentSession(ResidentSessionRecord(tokenHash: Secrets.sha256(cookie), residentId: resident.id,
                                                                       provider: signIn.provider, level: signIn.claims.level.rawValue,
                                                                       createdAt: now, expiresAt: expires, sealed: sealed))
            return (cookie, ResidentSession(resident: resident, provider: signIn.provider, level: signIn.claims.level, expiresAt: expires,
                                            offeredName: signIn.claims.name, offeredEmail: signIn.claims.email, idToken: signIn.idToken,
                                            residence: signIn.claims.residence))
        } catch { throw .unavailable(error.description) }
    }

    /// The session a cookie holds, if it is known and unexpired.
    public func session(cookie: String, at now: Date = Date()) async throws(IdentityError) -> ResidentSession? {
        guard cookie.count == 43 else { return nil }
        let found: (ResidentSessionRecord, Resident)?
        do { found = try await store.residentSession(tokenHash: Secrets.sha256(cookie), at: now) } catch { throw .unavailable(error.description) }
        guard let (record, resident) = found else { return nil }
        let sealed = Secrets.open(record.sealed, under: cookie, purpose: Self.sessionPurpose, as: SealedSession.self)
        return ResidentSession(resident: resident, provider: record.provider, level: AssuranceLevel(rawValue: record.level) ?? .low,
                               expiresAt: record.expiresAt, offeredName: sealed?.name, offeredEmail: sealed?.email, idToken: sealed?.idToken,
                               residence: sealed?.residence)
    }

    /// Ends the session; answers its provider and ID token for the provider's sign-out.
    public func endSession(cookie: String) async throws(IdentityError) -> (provider: String, idToken: String?)? {
        let ended: ResidentSessionRecord?
        do { ended = try await store.endResidentSession(tokenHash: Secrets.sha256(cookie)) } catch { throw .unavailable(error.description) }
        guard let ended else { return nil }
        let sealed = Secrets.open(ended.sealed, under: cookie, purpose: Self.sessionPurpose, as: SealedSession.self)
        return (ended.provider, sealed?.idToken)
    }

    /// Keeps (or forgets) the name and email the provider gave this session, and the choice of
    /// notices by email (which needs a kept email).
    public func keepContact(_ session: ResidentSession, keepName: Bool, keepEmail: Bool, notify: Bool, language: String?,
                            at now: Date = Date()) async throws(IdentityError) -> Resident {
        let name = keepName ? (session.offeredName ?? session.resident.name) : nil
        let email = keepEmail ? (session.offeredEmail ?? session.resident.email) : nil
        let contact = ResidentContact(name: name, email: email, notifyStatusChanges: notify && email != nil, language: language)
        do {
            guard let resident = try await store.updateResidentContact(id: session.resident.id, contact, at: now) else { throw IdentityError.invalidState }
            return resident
        } catch let e as IdentityError { throw e } catch { throw .unavailable("\(error)") }
    }

    /// Deletes the account (sessions, notices, what is kept); the reports stay, anonymised.
    public func deleteAccount(_ session: ResidentSession) async throws(IdentityError) {
        do { _ = try await store.deleteResident(id: session.resident.id) } catch { throw .unavailable(error.description) }
    }

    /// The resident's reports, newest first.
    public func reports(_ session: ResidentSession, limit: Int = 200) async throws(IdentityError) -> [Report] {
        do { return try await store.residentReports(residentId: session.resident.id, limit: limit) } catch { throw .unavailable(error.description) }
    }

    /// Checks that `session` may do `operation`: nothing when no level is needed or it has one at
    /// least as high; `.signInRequired(level)` otherwise (the pages send the resident to sign in
    /// again asking for that level: step-up).
    public func authorize(_ session: ResidentSession?, for operation: IdentityOperation) throws(IdentityError) {
        guard let required = settings.requiredLevel(for: operation) else { return }
        guard let session, session.level >= required else { throw .signInRequired(required) }
    }

    /// The digest a personal code has here (petitions key signatures by it).
    public func personalCodeDigest(_ code: String) -> String? { digest?.digest(code) }
}
