import Foundation

/// A resident known through an identity provider: (issuer, subject) is who they are to Miestas.
public struct Resident: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var issuer: String
    public var subject: String
    /// HMAC-SHA256 of the national personal code under the server's secret (hex), when the
    /// provider told it: the same person through two providers has the same digest.
    public var personalCodeDigest: String?
    /// Kept only with consent (`consentAt`).
    public var name: String?
    public var email: String?
    public var consentAt: Date?
    /// Email the resident when one of their reports changes status (needs an email).
    public var notifyStatusChanges: Bool
    /// The language of the pages they last used ("lt", "en"): their notices are written in it.
    public var language: String?
    public var createdAt: Date
    public var lastSignInAt: Date

    public init(id: Int64, issuer: String, subject: String, personalCodeDigest: String?, name: String?, email: String?, consentAt: Date?,
                notifyStatusChanges: Bool, language: String?, createdAt: Date, lastSignInAt: Date) {
        self.id = id; self.issuer = issuer; self.subject = subject; self.personalCodeDigest = personalCodeDigest
        self.name = name; self.email = email; self.consentAt = consentAt; self.notifyStatusChanges = notifyStatusChanges
        self.language = language; self.createdAt = createdAt; self.lastSignInAt = lastSignInAt
    }
}

/// What the resident agreed to keep: nil name and email (no consent) clear them.
public struct ResidentContact: Sendable, Hashable {
    public var name: String?
    public var email: String?
    public var notifyStatusChanges: Bool
    public var language: String?
    public init(name: String?, email: String?, notifyStatusChanges: Bool, language: String?) {
        self.name = name; self.email = email; self.notifyStatusChanges = notifyStatusChanges; self.language = language
    }
}

/// A resident's session as stored: the hash of its cookie, never the cookie.
public struct ResidentSessionRecord: Sendable, Hashable {
    public var tokenHash: String
    public var residentId: Int64
    /// The provider's id in the configuration.
    public var provider: String
    /// The eIDAS level the sign-in reached ("low", "substantial", "high").
    public var level: String
    public var createdAt: Date
    public var expiresAt: Date
    /// The ID token and the provider's claims shown on /me, encrypted under the cookie.
    public var sealed: [UInt8]

    public init(tokenHash: String, residentId: Int64, provider: String, level: String, createdAt: Date, expiresAt: Date, sealed: [UInt8]) {
        self.tokenHash = tokenHash; self.residentId = residentId; self.provider = provider; self.level = level
        self.createdAt = createdAt; self.expiresAt = expiresAt; self.sealed = sealed
    }
}

/// A sign-in under way, from the redirect to the provider until its callback (once).
public struct LoginTransaction: Sendable, Hashable {
    public var stateHash: String
    /// The hash of the browser's own random seed: only the browser that started it may finish it.
    public var browserHash: String
    public var provider: String
    public var level: String
    /// "resident" or "staff".
    public var purpose: String
    /// Where to go afterwards (a path on this site, checked when it was made).
    public var next: String
    /// The nonce and the PKCE verifier, encrypted under the state.
    public var sealed: [UInt8]
    public var createdAt: Date
    public var expiresAt: Date

    public init(stateHash: String, browserHash: String, provider: String, level: String, purpose: String, next: String, sealed: [UInt8],
                createdAt: Date, expiresAt: Date) {
        self.stateHash = stateHash; self.browserHash = browserHash; self.provider = provider; self.level = level; self.purpose = purpose
        self.next = next; self.sealed = sealed; self.createdAt = createdAt; self.expiresAt = expiresAt
    }
}

/// Residents, their sessions and what links them to reports and notices.
public protocol ResidentStore: Sendable {
    /// The resident (issuer, subject), added when new; records the sign-in time and the personal
    /// code's digest the provider now gives (a nil digest keeps the one stored).
    func signInResident(issuer: String, subject: String, personalCodeDigest: String?, at: Date) async throws(StoreError) -> Resident
    func resident(id: Int64) async throws(StoreError) -> Resident?
    /// Every resident with this personal code's digest (one person through several providers).
    func residents(personalCodeDigest: String) async throws(StoreError) -> [Resident]
    /// Replaces what the resident agreed to keep; `consentAt` is set when a name or email is kept
    /// and cleared when neither is. Nil when there is no such resident.
    func updateResidentContact(id: Int64, _ contact: ResidentContact, at: Date) async throws(StoreError) -> Resident?
    /// Deletes the resident, their sessions and notices, in one transaction; their reports stay,
    /// without the link to them or the contact details typed into them. False when unknown.
    func deleteResident(id: Int64) async throws(StoreError) -> Bool

    func storeResidentSession(_ session: ResidentSessionRecord) async throws(StoreError)
    /// The unexpired session with this token hash and its resident.
    func residentSession(tokenHash: String, at: Date) async throws(StoreError) -> (ResidentSessionRecord, Resident)?
    /// Ends a session and answers it (its sealed ID token is what the provider's sign-out needs).
    func endResidentSession(tokenHash: String) async throws(StoreError) -> ResidentSessionRecord?

    /// The resident's reports, newest first.
    func residentReports(residentId: Int64, limit: Int) async throws(StoreError) -> [Report]
    /// Queues a message to a resident in the outbox (delivered with the others).
    func enqueueResidentNotice(residentId: Int64, recipient: String, subject: String, body: String, at: Date) async throws(StoreError)
}

/// Sign-ins under way. Kept in the database so the callback may reach any instance of Miestas.
public protocol LoginTransactionStore: Sendable {
    /// Stores a new sign-in after removing expired ones; false (and nothing stored) when
    /// `maximumPending` unexpired ones wait already.
    func storeLoginTransaction(_ transaction: LoginTransaction, maximumPending: Int, at: Date) async throws(StoreError) -> Bool
    /// Removes and answers the sign-in with this state hash, if it is there and unexpired: a state
    /// works once, whatever happens next.
    func takeLoginTransaction(stateHash: String, at: Date) async throws(StoreError) -> LoginTransaction?
}

/// Sealed data is kept as base64 text in both backends (and so copies between them as it is).
func unbase64(_ text: String) -> [UInt8] { Data(base64Encoded: text).map(Array.init) ?? [] }
