import Foundation
import Geo
import Messages
import Store

/// Who acts on a petition.
public enum PetitionActor: Sendable, Hashable {
    /// A resident signed in at the level the operation needs; `signerKey` identifies the person
    /// (see `Petitions.signerKey`).
    case resident(id: Int64, signerKey: String)
    /// A staff member with the `moderator` or `admin` role.
    case moderator(username: String)

    var auditName: String {
        switch self {
        case .resident: "resident"
        case .moderator(let name): name
        }
    }

    var residentId: Int64? { if case .resident(let id, _) = self { id } else { nil } }

    /// Whether this is the petition's author (never, once the author's account is gone).
    public func wrote(_ p: Petition) -> Bool {
        guard let author = p.authorId, let id = residentId else { return false }
        return author == id
    }
    public var isModerator: Bool { if case .moderator = self { true } else { false } }

    /// A hidden petition's text is withheld from all but its author and moderators.
    public static func seesText(of p: Petition, _ actor: PetitionActor?) -> Bool {
        p.state != .hidden || actor?.isModerator == true || actor?.wrote(p) == true
    }
}

/// A petition as the service hands it out: with the clock applied, its counts and thresholds.
public struct PetitionView: Sendable, Hashable {
    public var petition: Petition
    public var sponsors: Int
    public var counts: PetitionSignatureCounts
    public var thresholds: PetitionThresholds
    /// The signatures that count toward the thresholds (see `Petitions.counted`).
    public var counted: Int { Petitions.counted(counts, district: petition.text.districtCode) }
    public var responseThresholdReached: Bool { counted >= thresholds.response }
    public var councilThresholdReached: Bool { counted >= thresholds.council }
}

/// E-petitions: the lifecycle and its rules, sponsors, signatures, moderation and answers, over
/// a `PetitionStore`. Every refused move throws `PetitionError.refused` with the reason; an open
/// petition past its closing time is closed (and the closing audited) on the next read.
public struct Petitions: Sendable {
    public let store: any PetitionStore
    public let settings: PetitionSettings
    /// Writes the email that tells a subscriber of the answer (in their language); without one,
    /// subscribers are not written to (a server without identity has none).
    public let answerNotice: (@Sendable (Petition, PetitionSubscriber) -> NewOutboxMessage)?
    /// Signatures go through group commit: many per transaction, each answered after its commit
    /// (one commit per signature capped PostgreSQL near 500 a second here).
    let signatures: GroupCommitter<NewPetitionSignature, PetitionSigningResult>

    public init(store: any PetitionStore, settings: PetitionSettings,
                answerNotice: (@Sendable (Petition, PetitionSubscriber) -> NewOutboxMessage)? = nil) {
        self.store = store; self.settings = settings; self.answerNotice = answerNotice
        signatures = store.makeSignatureWriter()
    }

    /// The key that makes one person one signer: the HMAC of the personal code when the provider
    /// told it (the same through every provider), else the resident's own id.
    public static func signerKey(residentId: Int64, personalCodeDigest: String?) -> String {
        personalCodeDigest.map { "pc:" + $0 } ?? "resident:\(residentId)"
    }

    // MARK: Reading

    /// The petition, closed by the clock when its time is up. Drafts and petitions collecting
    /// sponsors are seen by their author and moderators only (sponsors reach them by id).
    public func petition(id: Int64, for actor: PetitionActor?, at now: Date = Date()) async throws(PetitionError) -> Petition {
        guard let p = try await load(id, at: now) else { throw .notFound }
        if p.state == .draft, !mayManage(p, actor) { throw .notFound }
        return p
    }

    /// The petition with its counts and thresholds.
    public func view(id: Int64, for actor: PetitionActor?, at now: Date = Date()) async throws(PetitionError) -> PetitionView {
        let p = try await petition(id: id, for: actor, at: now)
        do {
            return PetitionView(petition: p, sponsors: try await store.sponsorCount(petitionId: id),
                                counts: try await store.signatureCounts(petitionId: id),
                                thresholds: settings.thresholds(district: p.text.districtCode))
        } catch { throw .store(error) }
    }

    /// The signature counts alone (after a signature, the count to answer with: one read of the tallies).
    public func counts(id: Int64) async throws(PetitionError) -> PetitionSignatureCounts {
        do { return try await store.signatureCounts(petitionId: id) } catch { throw .store(error) }
    }

    /// The counts of the petitions of a list, in one read.
    public func counts(ids: [Int64]) async throws(PetitionError) -> [Int64: PetitionSignatureCounts] {
        do { return try await store.signatureCounts(petitionIds: ids) } catch { throw .store(error) }
    }

    /// Petitions for a list: the public sees those past moderation (and rejected or hidden ones,
    /// as their reasons); an author adds their own; moderators see all.
    public func list(_ filter: PetitionFilter, for actor: PetitionActor?, at now: Date = Date()) async throws(PetitionError) -> [Petition] {
        var f = filter
        f.limit = min(max(f.limit, 1), 500)
        f.offset = max(f.offset, 0)
        let mine = actor?.residentId.map { f.authorId == $0 } ?? false
        if !(actor?.isModerator ?? false), !mine {
            let visible: [PetitionState] = [.open, .closed, .answered, .rejected, .hidden, .withdrawn]
            f.states = (f.states ?? visible).filter(visible.contains)
        }
        let found: [Petition]
        do { found = try await store.petitions(f) } catch { throw .store(error) }
        var out: [Petition] = []
        for p in found {
            if p.state == .open, let closes = p.closesAt, closes <= now, let closed = try await load(p.id, at: now) { out.append(closed) } else { out.append(p) }
        }
        return out
    }

    // MARK: The author

    public func create(_ text: PetitionText, by actor: PetitionActor, at now: Date = Date()) async throws(PetitionError) -> Petition {
        guard let author = actor.residentId else { throw .forbidden(.writtenByResidents) }
        let text = try validated(text)
        do {
            return try await store.createPetition(authorId: author, text: text, at: now, audit: AuditRecord(
                planId: nil, actor: actor.auditName, action: "petition.create", subject: "petition", after: .object(["title": .string(text.title)]), at: now))
        } catch { throw .store(error) }
    }

    public func updateDraft(id: Int64, _ text: PetitionText, by actor: PetitionActor, at now: Date = Date()) async throws(PetitionError) -> Petition {
        let text = try validated(text)
        return try await move(id, .edit, by: actor, at: now, authorOnly: true) { p in p.text = text }
    }

    /// From a draft to collecting sponsors (or straight to moderation when no sponsors are
    /// needed); from collecting sponsors to moderation once enough have sponsored it.
    public func submit(id: Int64, by actor: PetitionActor, at now: Date = Date()) async throws(PetitionError) -> Petition {
        guard let p = try await load(id, at: now) else { throw .notFound }
        guard actor.wrote(p) else {
            if p.state == .draft, !actor.isModerator { throw .notFound }
            throw .forbidden(.onlyAuthorSubmits)
        }
        if p.state == .draft, settings.sponsorsNeeded > 0 {
            return try await move(id, .collectSponsors, by: actor, at: now, authorOnly: true) { _ in }
        }
        try PetitionMove.submit.check(p.state)
        let sponsors: Int
        do { sponsors = try await store.sponsorCount(petitionId: id) } catch { throw .store(error) }
        guard sponsors >= settings.sponsorsNeeded else {
            throw .refused(.sponsorsMissing, ["count": .number(sponsors), "needed": .number(settings.sponsorsNeeded)])
        }
        return try await move(id, .submit, by: actor, at: now, authorOnly: true) { p in p.submittedAt = now }
    }

    public func withdraw(id: Int64, by actor: PetitionActor, at now: Date = Date()) async throws(PetitionError) -> Petition {
        try await move(id, .withdraw, by: actor, at: now, authorOnly: true) { p in if p.state == .open { p.closedAt = now } }
    }

    /// A sponsor, while the petition collects them: not its author, once per person.
    public func sponsor(id: Int64, by actor: PetitionActor, at now: Date = Date()) async throws(PetitionError) -> Int {
        guard case .resident(let residentId, let key) = actor else { throw .forbidden(.sponsorsAreResidents) }
        guard let p = try await load(id, at: now) else { throw .notFound }
        guard !actor.wrote(p) else { throw .refused(.cannotSponsorOwn) }
        let outcome: PetitionSigningOutcome
        do { outcome = try await store.addSponsor(petitionId: id, residentId: residentId, signerKey: key, at: now) } catch { throw .store(error) }
        switch outcome {
        case .added: break
        case .already: throw .refused(.sponsoredAlready)
        case .wrongState: throw .refused(.takesNoSponsors, ["state": .term(p.state)])
        case .unknownPetition: throw .notFound
        }
        do { return try await store.sponsorCount(petitionId: id) } catch { throw .store(error) }
    }

    // MARK: Moderators

    public func approve(id: Int64, by actor: PetitionActor, at now: Date = Date()) async throws(PetitionError) -> Petition {
        let days = min(max(settings.openDays, 1), PetitionSettings.maximumOpenDays)
        return try await move(id, .approve, by: actor, at: now, moderatorOnly: true) { p in
            p.openedAt = now
            p.closesAt = now.addingTimeInterval(Double(days) * 86_400)
            p.rejectionCode = nil; p.publicReason = nil
        }
    }

    public func reject(id: Int64, code: PetitionRejectionCode, reason: String, by actor: PetitionActor,
                       at now: Date = Date()) async throws(PetitionError) -> Petition {
        let reason = try text(reason, "reason", max: settings.maximumReason)
        return try await move(id, .reject, by: actor, at: now, moderatorOnly: true) { p in p.rejectionCode = code; p.publicReason = reason }
    }

    /// Undoes a rejection: the petition waits for moderation again.
    public func unreject(id: Int64, by actor: PetitionActor, at now: Date = Date()) async throws(PetitionError) -> Petition {
        try await move(id, .unreject, by: actor, at: now, moderatorOnly: true) { p in p.rejectionCode = nil; p.publicReason = nil }
    }

    /// Hides unlawful content: the reason is public, the text is not.
    public func hide(id: Int64, reason: String, by actor: PetitionActor, at now: Date = Date()) async throws(PetitionError) -> Petition {
        let reason = try text(reason, "reason", max: settings.maximumReason)
        return try await move(id, .hide, by: actor, at: now, moderatorOnly: true) { p in
            p.publicReason = reason
            if p.state == .open { p.closedAt = now }
        }
    }

    /// The municipality's answer: to a closed petition, or to an open one that reached the
    /// response threshold (which closes it). Subscribers with a kept email are written to in the
    /// same transaction.
    public func answer(id: Int64, text answerText: String, decision: PetitionDecision, date day: String, documentURL: String? = nil,
                       by actor: PetitionActor, at now: Date = Date()) async throws(PetitionError) -> Petition {
        let answerText = try text(answerText, "text", max: settings.maximumText)
        guard Self.isDay(day) else { throw .invalid(.decisionDate) }
        let document = try Self.documentURL(documentURL)
        guard let p = try await load(id, at: now) else { throw .notFound }
        if p.state == .open {
            let counts: PetitionSignatureCounts
            do { counts = try await store.signatureCounts(petitionId: id) } catch { throw .store(error) }
            let needed = settings.thresholds(district: p.text.districtCode).response
            let counted = Self.counted(counts, district: p.text.districtCode)
            guard counted >= needed else {
                throw .refused(.answeredAtThreshold, ["needed": .number(needed), "count": .number(counted)])
            }
        }
        return try await move(id, .answer, by: actor, at: now, moderatorOnly: true, notice: answerNotice) { p in
            if p.closedAt == nil { p.closedAt = now }
            p.answer = PetitionAnswer(text: answerText, decision: decision, date: day, publishedAt: now, documentURL: document)
        }
    }

    /// The answer's document: an absolute http or https address of at most 2,000 characters.
    static func documentURL(_ s: String?) throws(PetitionError) -> String? {
        guard let s = s?.trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty else { return nil }
        guard s.count <= 2_000, !hasNul(s), let url = URL(string: s), let scheme = url.scheme?.lowercased(),
              scheme == "https" || scheme == "http", url.host?.isEmpty == false else {
            throw .invalid(.documentAddress)
        }
        return s
    }

    /// The signatures that count toward a petition's thresholds. A petition about one district
    /// counts only that district's residents where the identity provider told the residence;
    /// a signature whose district came from an address the signer placed (or none) counts, as
    /// nothing better is known of it. A petition of the whole municipality counts every one.
    public static func counted(_ counts: PetitionSignatureCounts, district: String?) -> Int {
        guard let district else { return counts.total }
        let toldElsewhere = counts.providerResidences.reduce(0) { $0 + ($1.key == district ? 0 : $1.value) }
        return counts.total - toldElsewhere
    }

    // MARK: Answer notices

    /// Asks for an email when the petition is answered. Needs an email the resident agreed to
    /// keep (on /me); answers the token that names the subscription in the notice's link.
    public func subscribe(id: Int64, by actor: PetitionActor, email: String?, at now: Date = Date()) async throws(PetitionError) -> String {
        guard let residentId = actor.residentId else { throw .forbidden(.noticesAreForResidents) }
        guard let email, !email.isEmpty else {
            throw .refused(.keepAnEmailFirst)
        }
        let p = try await petition(id: id, for: actor, at: now)
        guard ![.answered, .rejected, .hidden, .withdrawn].contains(p.state) else {
            throw .refused(.willNotBeAnswered, ["state": .term(p.state)])
        }
        do { return try await store.subscribe(petitionId: id, residentId: residentId, token: Self.newToken(), at: now) }
        catch { throw .store(error) }
    }

    public func isSubscribed(id: Int64, by actor: PetitionActor) async throws(PetitionError) -> Bool {
        guard let residentId = actor.residentId else { return false }
        do { return try await store.isSubscribed(petitionId: id, residentId: residentId) } catch { throw .store(error) }
    }

    /// Ends the subscription the notice's link names (the page behind the link asks first, with
    /// a button: mail scanners open links, and must not end anything).
    public func unsubscribe(token: String) async throws(PetitionError) -> PetitionSubscriber {
        guard token.count <= 100, let s = try await subscription(token: token) else { throw .notFound }
        do { _ = try await store.unsubscribe(petitionId: s.petitionId, residentId: s.residentId) } catch { throw .store(error) }
        return s
    }

    public func subscription(token: String) async throws(PetitionError) -> PetitionSubscriber? {
        guard !token.isEmpty, token.count <= 100 else { return nil }
        do { return try await store.subscription(token: token) } catch { throw .store(error) }
    }

    public func unsubscribe(id: Int64, by actor: PetitionActor) async throws(PetitionError) -> Bool {
        guard let residentId = actor.residentId else { throw .forbidden(.noticesAreForResidents) }
        do { return try await store.unsubscribe(petitionId: id, residentId: residentId) } catch { throw .store(error) }
    }

    /// 128 random bits, URL-safe.
    static func newToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(g.next() as UInt64, radix: 16).leftPadded(16) }.joined()
    }

    /// Signatures per hour, for spotting bursts.
    public func velocity(id: Int64, by actor: PetitionActor, at now: Date = Date()) async throws(PetitionError) -> [PetitionSignatureHour] {
        guard actor.isModerator else { throw .forbidden(.velocityIsForModerators) }
        guard try await load(id, at: now) != nil else { throw .notFound }
        do { return try await store.signatureVelocity(petitionId: id) } catch { throw .store(error) }
    }

    /// Invalidates the valid signatures made in [from, to) (of one district, when given),
    /// keeping them with the reason; the counts drop at once.
    public func invalidate(id: Int64, from: Date, to: Date, district: String?, reason: String, by actor: PetitionActor,
                           at now: Date = Date()) async throws(PetitionError) -> Int {
        guard actor.isModerator else { throw .forbidden(.onlyModeratorsInvalidate) }
        let reason = try text(reason, "reason", max: settings.maximumReason)
        guard from < to else { throw .invalid(.fromBeforeTo) }
        if let district, district.isEmpty || district.count > 100 || Self.hasNul(district) { throw .invalid(.districtCode) }
        guard try await load(id, at: now) != nil else { throw .notFound }
        let audit = AuditRecord(planId: nil, actor: actor.auditName, action: "petition.invalidate_signatures", subject: "petition \(id)",
                                after: .object(["from": .string(ISO8601DateFormatter().string(from: from)),
                                                "to": .string(ISO8601DateFormatter().string(from: to)),
                                                "district": district.map(JSONValue.string) ?? .null, "reason": .string(reason)]), at: now)
        do { return try await store.invalidateSignatures(petitionId: id, from: from, to: to, districtCode: district, reason: reason, at: now, audit: audit) }
        catch { throw .store(error) }
    }

    // MARK: Signers

    /// Signs for the resident, once per person (by signer key), while the petition is open.
    /// `residenceFromProvider`: `district` is the residence the identity provider told (see `counted`).
    /// Answers the petition's valid signatures as the commit holding this one left them.
    @discardableResult
    public func sign(id: Int64, by actor: PetitionActor, district: String?, publicName: String?, residenceFromProvider: Bool = false,
                     at now: Date = Date()) async throws(PetitionError) -> Int {
        guard case .resident(let residentId, let key) = actor else { throw .forbidden(.signersAreResidents) }
        var name = publicName?.trimmingCharacters(in: .whitespacesAndNewlines)
        if name?.isEmpty ?? false { name = nil }
        if let name, name.count > 200 || Self.hasNul(name) { throw .invalid(.publicNameTooLong) }
        if let name, let first = name.first, "=+-@".contains(first) { throw .invalid(.publicNameFormula) }
        let signed: PetitionSigningResult
        do {
            signed = try await signatures.submit(NewPetitionSignature(petitionId: id, residentId: residentId, signerKey: key, districtCode: district,
                                                                       publicName: name, at: now, residenceFromProvider: residenceFromProvider))
        } catch let error as StoreError { throw .store(error) } catch { throw .unavailable(.storeFailed, ["detail": .text("\(error)")]) }
        switch signed.outcome {
        case .added: return signed.validSignatures
        case .already: throw .refused(.signedAlready)
        case .unknownPetition: throw .notFound
        case .wrongState:
            let p = try await load(id, at: now)
            guard let p, p.state != .draft else { throw .notFound }
            throw .refused(.takesNoSignatures, ["state": .term(p.state)])
        }
    }

    public func withdrawSignature(id: Int64, by actor: PetitionActor, at now: Date = Date()) async throws(PetitionError) {
        guard case .resident(_, let key) = actor else { throw .forbidden(.signersAreResidents) }
        guard let p = try await load(id, at: now) else { throw .notFound }
        try PetitionMove.close.check(p.state)  // open only
        let removed: Bool
        do { removed = try await store.withdrawSignature(petitionId: id, signerKey: key, at: now) } catch { throw .store(error) }
        guard removed else { throw .refused(.noSignatureToWithdraw) }
    }

    /// The resident's own signature on the petition, if any.
    public func signature(id: Int64, by actor: PetitionActor) async throws(PetitionError) -> PetitionSignature? {
        guard case .resident(_, let key) = actor else { return nil }
        do { return try await store.signature(petitionId: id, signerKey: key) } catch { throw .store(error) }
    }

    // MARK: Rules

    func mayManage(_ p: Petition, _ actor: PetitionActor?) -> Bool {
        guard let actor else { return false }
        return actor.isModerator || actor.wrote(p)
    }

    /// Reads a petition and closes it by the clock when its time is up (audited as "system").
    func load(_ id: Int64, at now: Date) async throws(PetitionError) -> Petition? {
        for _ in 0..<5 {
            let stored: Petition?
            do { stored = try await store.petition(id: id) } catch { throw .store(error) }
            guard var p = stored else { return nil }
            guard p.state == .open, let closes = p.closesAt, closes <= now else { return p }
            let revision = p.revision
            p.state = .closed; p.closedAt = closes; p.updatedAt = now
            let audit = AuditRecord(planId: nil, actor: "system", action: "petition.close", subject: "petition \(id)",
                                    before: .object(["state": .string("open")]), after: .object(["state": .string("closed")]), at: now)
            do { if let closed = try await store.updatePetition(p, expectedRevision: revision, audit: [audit]) { return closed } }
            catch { throw .store(error) }
        }
        throw .unavailable(.keptChanging)
    }

    /// Applies `move` to the petition if its state and the actor allow it, audited, in one write.
    func move(_ id: Int64, _ move: PetitionMove, by actor: PetitionActor, at now: Date, authorOnly: Bool = false,
              moderatorOnly: Bool = false, notice: (@Sendable (Petition, PetitionSubscriber) -> NewOutboxMessage)? = nil,
              _ change: (inout Petition) -> Void) async throws(PetitionError) -> Petition {
        guard let p = try await load(id, at: now) else { throw .notFound }
        if authorOnly {
            guard actor.wrote(p) else {
                if p.state == .draft, !actor.isModerator { throw .notFound }
                throw .forbidden(.onlyAuthor)
            }
        }
        if moderatorOnly, !actor.isModerator { throw .forbidden(.onlyModerator) }
        try move.check(p.state)
        var next = p
        change(&next)
        next.state = move.to
        next.updatedAt = now
        let audit = AuditRecord(planId: nil, actor: actor.auditName, action: "petition.\(move.rawValue)", subject: "petition \(id)",
                                before: .object(["state": .string(p.state.rawValue)]),
                                after: .object(["state": .string(next.state.rawValue), "reason": next.publicReason.map(JSONValue.string) ?? .null]),
                                at: now)
        let saved: Petition?
        do {
            if let notice {
                let written = next
                saved = try await store.updatePetition(next, expectedRevision: p.revision, audit: [audit]) { notice(written, $0) }
            } else {
                saved = try await store.updatePetition(next, expectedRevision: p.revision, audit: [audit])
            }
        } catch { throw .store(error) }
        guard let saved else { throw .refused(.changedMeanwhile) }
        return saved
    }

    func validated(_ t: PetitionText) throws(PetitionError) -> PetitionText {
        var out = t
        out.title = try text(t.title, "title", max: settings.maximumTitle)
        out.change = try text(t.change, "change", max: settings.maximumText)
        out.reason = try text(t.reason, "reason", max: settings.maximumText)
        out.act = try text(t.act, "act", max: settings.maximumTitle)
        if let d = t.districtCode, d.isEmpty || d.count > 100 || Self.hasNul(d) { throw .invalid(.districtCode) }
        switch (t.longitude, t.latitude) {
        case (nil, nil): break
        case (let lon?, let lat?):
            guard lon.isFinite, lat.isFinite, (-180...180).contains(lon), (-90...90).contains(lat) else {
                throw .invalid(.locationRange)
            }
        default: throw .invalid(.locationBoth)
        }
        return out
    }

    func text(_ s: String, _ field: String, max: Int) throws(PetitionError) -> String {
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid(.required, ["field": .field(field)]) }
        guard trimmed.count <= max else { throw .invalid(.tooLong, ["field": .field(field), "max": .number(max)]) }
        guard !Self.hasNul(trimmed) else { throw .invalid(.containsNul, ["field": .field(field)]) }
        return trimmed
    }

    /// PostgreSQL's text cannot hold U+0000: refused alike on both backends.
    public static func hasNul(_ s: String) -> Bool { s.utf8.contains(0) }

    static func isDay(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard s.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        return (1...12).contains(m) && (1...31).contains(d)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
