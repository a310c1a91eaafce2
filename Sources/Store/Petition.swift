import Foundation

/// Where a petition is in its life. The rules of which move is allowed live in `Petitions`.
public enum PetitionState: String, Sendable, CaseIterable, Codable {
    case draft
    case collectingSponsors = "collecting_sponsors"
    case awaitingModeration = "awaiting_moderation"
    case open, closed, answered
    case rejected, hidden, withdrawn
}

/// Why a moderator rejected a petition (shown with a public reason).
public enum PetitionRejectionCode: String, Sendable, CaseIterable, Codable {
    case duplicate
    case notCompetence = "not_competence"
    case notNormativeAct = "not_normative_act"
    case offensive
    case personalData = "personal_data"
    case advertising
    case other
}

/// The municipality's decision in its answer.
public enum PetitionDecision: String, Sendable, CaseIterable, Codable {
    case accepted
    case partlyAccepted = "partly_accepted"
    case rejected
}

/// What the author writes.
public struct PetitionText: Sendable, Hashable {
    public var title: String
    /// What should change.
    public var change: String
    /// Why.
    public var reason: String
    /// The normative act concerned.
    public var act: String
    /// A petition about one district.
    public var districtCode: String?
    /// A place on the map (EPSG:4326).
    public var longitude: Double?
    public var latitude: Double?

    public init(title: String, change: String, reason: String, act: String, districtCode: String? = nil,
                longitude: Double? = nil, latitude: Double? = nil) {
        self.title = title; self.change = change; self.reason = reason; self.act = act; self.districtCode = districtCode
        self.longitude = longitude; self.latitude = latitude
    }
}

/// The municipality's published answer.
public struct PetitionAnswer: Sendable, Hashable {
    public var text: String
    public var decision: PetitionDecision
    /// The date of the decision (a day, as the document gives it: YYYY-MM-DD).
    public var date: String
    public var publishedAt: Date
    /// Where the decision's document is published (an http or https address), if given.
    public var documentURL: String?
    public init(text: String, decision: PetitionDecision, date: String, publishedAt: Date, documentURL: String? = nil) {
        self.text = text; self.decision = decision; self.date = date; self.publishedAt = publishedAt; self.documentURL = documentURL
    }
}

/// A petition as stored. `state` is as stored: an open petition past `closesAt` is closed by
/// `Petitions` on the next read.
public struct Petition: Sendable, Hashable, Identifiable {
    public var id: Int64
    /// The resident who wrote it; nil once they deleted their account (the petition stays).
    public var authorId: Int64?
    public var text: PetitionText
    public var state: PetitionState
    public var rejectionCode: PetitionRejectionCode?
    /// The public reason of a rejection or of hiding.
    public var publicReason: String?
    public var createdAt: Date
    public var submittedAt: Date?
    public var openedAt: Date?
    public var closesAt: Date?
    public var closedAt: Date?
    public var answer: PetitionAnswer?
    /// Grows with every change: a write names the revision it read.
    public var revision: Int
    public var updatedAt: Date

    public init(id: Int64, authorId: Int64?, text: PetitionText, state: PetitionState, rejectionCode: PetitionRejectionCode? = nil,
                publicReason: String? = nil, createdAt: Date, submittedAt: Date? = nil, openedAt: Date? = nil, closesAt: Date? = nil,
                closedAt: Date? = nil, answer: PetitionAnswer? = nil, revision: Int = 1, updatedAt: Date) {
        self.id = id; self.authorId = authorId; self.text = text; self.state = state; self.rejectionCode = rejectionCode
        self.publicReason = publicReason; self.createdAt = createdAt; self.submittedAt = submittedAt; self.openedAt = openedAt
        self.closesAt = closesAt; self.closedAt = closedAt; self.answer = answer; self.revision = revision; self.updatedAt = updatedAt
    }
}

/// A signature to add. `signerKey` identifies the person: the HMAC of the national personal code
/// when the provider gave it (so one person through two providers is one signer), else
/// `resident:<id>`.
public struct NewPetitionSignature: Sendable, Hashable {
    public var petitionId: Int64
    public var residentId: Int64
    public var signerKey: String
    /// The signer's district (from the address they placed, or the provider's claim); never the address.
    public var districtCode: String?
    /// Shown publicly only when the signer chose to.
    public var publicName: String?
    public var at: Date
    /// The district is the residence the identity provider told (not an address the signer
    /// placed): a petition about one district counts such a signature only if it is that district.
    public var residenceFromProvider: Bool

    public init(petitionId: Int64, residentId: Int64, signerKey: String, districtCode: String?, publicName: String?, at: Date,
                residenceFromProvider: Bool = false) {
        self.petitionId = petitionId; self.residentId = residentId; self.signerKey = signerKey; self.districtCode = districtCode
        self.publicName = publicName; self.at = at; self.residenceFromProvider = residenceFromProvider
    }
}

/// A stored signature.
public struct PetitionSignature: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var petitionId: Int64
    public var districtCode: String?
    public var publicName: String?
    public var signedAt: Date
    public var invalidatedAt: Date?
    public var invalidationReason: String?

    public init(id: Int64, petitionId: Int64, districtCode: String?, publicName: String?, signedAt: Date, invalidatedAt: Date?,
                invalidationReason: String?) {
        self.id = id; self.petitionId = petitionId; self.districtCode = districtCode; self.publicName = publicName
        self.signedAt = signedAt; self.invalidatedAt = invalidatedAt; self.invalidationReason = invalidationReason
    }
}

/// Valid signatures: the total and per district (`withoutDistrict` for signers with none).
public struct PetitionSignatureCounts: Sendable, Hashable {
    public var total: Int
    public var byDistrict: [String: Int]
    public var withoutDistrict: Int
    public var invalidated: Int
    /// Of the valid signatures, those whose district is the residence the provider told, per
    /// district ("" for a residence outside every district).
    public var providerResidences: [String: Int]
    public init(total: Int = 0, byDistrict: [String: Int] = [:], withoutDistrict: Int = 0, invalidated: Int = 0,
                providerResidences: [String: Int] = [:]) {
        self.total = total; self.byDistrict = byDistrict; self.withoutDistrict = withoutDistrict; self.invalidated = invalidated
        self.providerResidences = providerResidences
    }
}

extension PetitionSignatureCounts {
    /// Adds `n` valid signatures of one district (nil: none given) as a store's count reads them.
    public mutating func add(district: String?, providerResidence: Bool, _ n: Int) {
        total += n
        if let district { byDistrict[district, default: 0] += n } else { withoutDistrict += n }
        if providerResidence { providerResidences[district ?? "", default: 0] += n }
    }
}

/// Signatures made in one hour (UTC), valid and invalidated.
public struct PetitionSignatureHour: Sendable, Hashable {
    public var hour: Date
    public var valid: Int
    public var invalidated: Int
    public init(hour: Date, valid: Int, invalidated: Int) { self.hour = hour; self.valid = valid; self.invalidated = invalidated }
}

/// A signing's outcome, and the petition's valid signatures as of the commit that wrote it,
/// counted in that transaction: the signer's answer needs no read of its own (one trip to a
/// reader and back per signature; dropping it, with the session lookup's statement cached, made
/// signing 1.5× as fast, BENCHMARKS.md).
public struct PetitionSigningResult: Sendable, Hashable {
    public var outcome: PetitionSigningOutcome
    /// 0 for a petition that does not exist.
    public var validSignatures: Int
    public init(_ outcome: PetitionSigningOutcome, validSignatures: Int) { self.outcome = outcome; self.validSignatures = validSignatures }
}

/// What happened to a signing or sponsoring.
public enum PetitionSigningOutcome: Sendable, Hashable {
    case added
    /// This person (signer key) signed or sponsored it already.
    case already
    /// The petition is not in the state the write needs (or is past its closing time).
    case wrongState
    case unknownPetition
}

/// A resident who asked to be told of the answer; `token` names the subscription in the link of
/// the notice (a page with a button ends it).
public struct PetitionSubscriber: Sendable, Hashable {
    public var petitionId: Int64
    public var residentId: Int64
    public var email: String
    public var language: String?
    public var token: String
    public init(petitionId: Int64, residentId: Int64, email: String, language: String?, token: String) {
        self.petitionId = petitionId; self.residentId = residentId; self.email = email; self.language = language; self.token = token
    }
}

/// Which filters a list of petitions takes.
public struct PetitionFilter: Sendable, Hashable {
    public var states: [PetitionState]?
    public var districtCode: String?
    public var authorId: Int64?
    public var limit: Int
    public var offset: Int
    public init(states: [PetitionState]? = nil, districtCode: String? = nil, authorId: Int64? = nil, limit: Int = 100, offset: Int = 0) {
        self.states = states; self.districtCode = districtCode; self.authorId = authorId; self.limit = limit; self.offset = offset
    }
}

/// Petitions, their sponsors and signatures. Every write is one transaction with its audit
/// entries; writes that depend on what was read name the revision (or state) they expect.
public protocol PetitionStore: Sendable {
    func createPetition(authorId: Int64, text: PetitionText, at: Date, audit: AuditRecord) async throws(StoreError) -> Petition
    func petition(id: Int64) async throws(StoreError) -> Petition?
    /// Newest first.
    func petitions(_ filter: PetitionFilter) async throws(StoreError) -> [Petition]
    /// Writes `petition` (text, state and dates) when its stored revision is still
    /// `expectedRevision`, and answers it with the next revision; nil when another write was first.
    /// With `notices`, the same transaction writes one outbox message per subscriber with a kept
    /// email (the answer's notices: none is lost or sent for a lost write).
    func updatePetition(_ petition: Petition, expectedRevision: Int, audit: [AuditRecord],
                        notices: (@Sendable (PetitionSubscriber) -> NewOutboxMessage)?) async throws(StoreError) -> Petition?

    /// Asks for the answer by email (the resident's kept email at the time of the answer); answers
    /// the subscription's token (the existing one when asked before).
    func subscribe(petitionId: Int64, residentId: Int64, token: String, at: Date) async throws(StoreError) -> String
    /// The subscription named by `token`, with the resident's email as kept now ("" when none).
    func subscription(token: String) async throws(StoreError) -> PetitionSubscriber?
    func isSubscribed(petitionId: Int64, residentId: Int64) async throws(StoreError) -> Bool
    /// Ends a subscription; false when there was none.
    func unsubscribe(petitionId: Int64, residentId: Int64) async throws(StoreError) -> Bool

    /// Adds a sponsor while the petition is `collecting_sponsors`.
    func addSponsor(petitionId: Int64, residentId: Int64, signerKey: String, at: Date) async throws(StoreError) -> PetitionSigningOutcome
    func sponsorCount(petitionId: Int64) async throws(StoreError) -> Int
    /// The signer keys of the sponsors (to refuse the same person signing twice as sponsor).
    func isSponsor(petitionId: Int64, signerKey: String) async throws(StoreError) -> Bool

    /// Adds signatures while their petitions are open and before their closing times, all in one
    /// transaction, one outcome per signature in order (the second of two with the same petition
    /// and signer key in one batch is `.already`). A batch that fails as a whole is tried again
    /// one signature at a time, so one bad signature does not fail the others. Each result carries
    /// its petition's valid signatures as the transaction leaves them.
    func signBatch(_ signatures: [NewPetitionSignature]) async -> [Result<PetitionSigningResult, StoreError>]
    /// Group commit of signatures: each caller is answered after the transaction holding its
    /// signature committed, and signatures arriving meanwhile share the next transaction.
    func makeSignatureWriter() -> GroupCommitter<NewPetitionSignature, PetitionSigningResult>
    /// Removes this signer's valid signature while the petition is open; false when there is none.
    func withdrawSignature(petitionId: Int64, signerKey: String, at: Date) async throws(StoreError) -> Bool
    func signature(petitionId: Int64, signerKey: String) async throws(StoreError) -> PetitionSignature?
    /// The counts of petitions in one read (a list page's, or one petition's), by petition id; a
    /// petition without signatures is there with zero counts.
    func signatureCounts(petitionIds: [Int64]) async throws(StoreError) -> [Int64: PetitionSignatureCounts]
    /// Signatures per hour, oldest first.
    func signatureVelocity(petitionId: Int64) async throws(StoreError) -> [PetitionSignatureHour]
    /// Marks the valid signatures made in [from, to) (and of `districtCode`, when given) invalid
    /// with `reason`, keeping them; answers how many.
    func invalidateSignatures(petitionId: Int64, from: Date, to: Date, districtCode: String?, reason: String, at: Date,
                              audit: AuditRecord) async throws(StoreError) -> Int
}

extension PetitionStore {
    /// One signature in a transaction of its own (imports, tests); the service signs through `makeSignatureWriter`.
    public func sign(_ signature: NewPetitionSignature) async throws(StoreError) -> PetitionSigningOutcome {
        try await signBatch([signature])[0].get().outcome
    }

    /// One petition's counts.
    public func signatureCounts(petitionId: Int64) async throws(StoreError) -> PetitionSignatureCounts {
        try await signatureCounts(petitionIds: [petitionId])[petitionId] ?? PetitionSignatureCounts()
    }

    /// `updatePetition` without notices.
    public func updatePetition(_ petition: Petition, expectedRevision: Int, audit: [AuditRecord]) async throws(StoreError) -> Petition? {
        try await updatePetition(petition, expectedRevision: expectedRevision, audit: audit, notices: nil)
    }

    /// `updatePetition` with the answer's notices.
    public func updatePetition(_ petition: Petition, expectedRevision: Int, audit: [AuditRecord],
                               notice: @escaping @Sendable (PetitionSubscriber) -> NewOutboxMessage) async throws(StoreError) -> Petition? {
        try await updatePetition(petition, expectedRevision: expectedRevision, audit: audit, notices: notice)
    }
}

extension PetitionSignatureCounts {
    /// Adds one tally row (a district, whether the provider told it, valid and invalidated counts).
    mutating func add(tally district: String, told: Bool, valid: Int, invalidated: Int) {
        if valid > 0 { add(district: district.isEmpty ? nil : district, providerResidence: told, valid) }
        self.invalidated += invalidated
    }

    /// Zero counts for every id, to be filled from tally rows.
    static func empty(_ ids: [Int64]) -> [Int64: PetitionSignatureCounts] {
        Dictionary(ids.map { ($0, PetitionSignatureCounts()) }, uniquingKeysWith: { a, _ in a })
    }
}
