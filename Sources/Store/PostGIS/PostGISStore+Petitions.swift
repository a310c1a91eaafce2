import Foundation
import Geo
import PostgresNIO

extension PostGISStore {
    static let petitionColumns = """
        id, author_id, title, change_text, reason_text, act, district_code, lon, lat, state, rejection_code, public_reason, created_at,
        submitted_at, opened_at, closes_at, closed_at, answer_text, answer_decision, answer_date, answered_at, revision, updated_at,
        answer_document
        """

    public func createPetition(authorId: Int64, text t: PetitionText, at: Date, audit: AuditRecord) async throws(StoreError) -> Petition {
        try await transaction { c in
            let rows = try await Self.fetch("""
                INSERT INTO petitions (author_id, title, change_text, reason_text, act, district_code, lon, lat, state, created_at, updated_at)
                VALUES (\(authorId), \(t.title), \(t.change), \(t.reason), \(t.act), \(t.districtCode), \(t.longitude), \(t.latitude), 'draft',
                        \(millis(at)), \(millis(at)))
                RETURNING \(unescaped: Self.petitionColumns)
                """, on: c, logger: self.logger, Self.petition)
            guard let p = rows.first else { throw StoreError.database("the petition was not stored") }
            var record = audit
            record.subject = "petition \(p.id)"
            try await Self.appendAudit(record, c, self.logger, origin: self.origin, announcing: nil)
            return p
        }
    }

    public func petition(id: Int64) async throws(StoreError) -> Petition? {
        try await fetchOne("SELECT \(unescaped: Self.petitionColumns) FROM petitions WHERE id = \(id)", Self.petition)
    }

    public func petitions(_ f: PetitionFilter) async throws(StoreError) -> [Petition] {
        let states = f.states?.map(\.rawValue)
        return try await fetch("""
            SELECT \(unescaped: Self.petitionColumns) FROM petitions
            WHERE (\(states == nil) OR state = ANY(\(states ?? [])::text[]))
              AND (\(f.districtCode)::text IS NULL OR district_code = \(f.districtCode))
              AND (\(f.authorId)::bigint IS NULL OR author_id = \(f.authorId))
            ORDER BY id DESC LIMIT \(f.limit) OFFSET \(f.offset)
            """, Self.petition)
    }

    public func updatePetition(_ p: Petition, expectedRevision: Int, audit: [AuditRecord],
                                notices: (@Sendable (PetitionSubscriber) -> NewOutboxMessage)?) async throws(StoreError) -> Petition? {
        try await transaction { c in
            let t = p.text
            let rows = try await Self.fetch("""
                UPDATE petitions SET title = \(t.title), change_text = \(t.change), reason_text = \(t.reason), act = \(t.act),
                       district_code = \(t.districtCode), lon = \(t.longitude), lat = \(t.latitude), state = \(p.state.rawValue),
                       rejection_code = \(p.rejectionCode?.rawValue), public_reason = \(p.publicReason),
                       submitted_at = \(p.submittedAt.map(millis)), opened_at = \(p.openedAt.map(millis)), closes_at = \(p.closesAt.map(millis)),
                       closed_at = \(p.closedAt.map(millis)), answer_text = \(p.answer?.text), answer_decision = \(p.answer?.decision.rawValue),
                       answer_date = \(p.answer?.date), answered_at = \(p.answer.map { millis($0.publishedAt) }),
                       answer_document = \(p.answer?.documentURL), revision = revision + 1, updated_at = \(millis(p.updatedAt))
                WHERE id = \(p.id) AND revision = \(expectedRevision)
                RETURNING \(unescaped: Self.petitionColumns)
                """, on: c, logger: self.logger, Self.petition)
            guard let updated = rows.first else { return nil }
            for record in audit { try await Self.appendAudit(record, c, self.logger, origin: self.origin, announcing: nil) }
            if let notices {
                let subscribers = try await Self.fetch("""
                    SELECT s.petition_id, s.resident_id, s.token, r.email, r.language FROM petition_subscribers s
                    JOIN residents r ON r.id = s.resident_id WHERE s.petition_id = \(p.id) ORDER BY s.resident_id
                    """, on: c, logger: self.logger, Self.subscriber)
                for s in subscribers where !s.email.isEmpty {
                    let m = notices(s)
                    try await c.guardedQuery("""
                        INSERT INTO outbox (resident_id, recipient, subject, body, created_at, next_attempt_at)
                        VALUES (\(s.residentId), \(m.recipient), \(m.subject), \(m.body), \(millis(p.updatedAt)), \(millis(p.updatedAt)))
                        """, logger: self.logger)
                }
            }
            return updated
        }
    }

    static func subscriber(_ row: PostgresRow) throws -> PetitionSubscriber {
        let (petitionId, residentId, token, email, language) = try row.decode((Int64, Int64, String, String?, String?).self)
        return PetitionSubscriber(petitionId: petitionId, residentId: residentId, email: email ?? "", language: language, token: token)
    }

    public func subscribe(petitionId: Int64, residentId: Int64, token: String, at: Date) async throws(StoreError) -> String {
        try await transaction { c in
            try await c.guardedQuery("""
                INSERT INTO petition_subscribers (petition_id, resident_id, token, created_at)
                VALUES (\(petitionId), \(residentId), \(token), \(millis(at))) ON CONFLICT DO NOTHING
                """, logger: self.logger)
            let rows = try await c.guardedQuery("""
                SELECT token FROM petition_subscribers WHERE petition_id = \(petitionId) AND resident_id = \(residentId)
                """, logger: self.logger).collect()
            return try rows.first?.decode(String.self) ?? token
        }
    }

    public func subscription(token: String) async throws(StoreError) -> PetitionSubscriber? {
        try await fetchOne("""
            SELECT s.petition_id, s.resident_id, s.token, r.email, r.language FROM petition_subscribers s
            JOIN residents r ON r.id = s.resident_id WHERE s.token = \(token)
            """, Self.subscriber)
    }

    public func isSubscribed(petitionId: Int64, residentId: Int64) async throws(StoreError) -> Bool {
        try await fetchOne("""
            SELECT EXISTS (SELECT 1 FROM petition_subscribers WHERE petition_id = \(petitionId) AND resident_id = \(residentId))
            """) { try $0.decode(Bool.self) } ?? false
    }

    public func unsubscribe(petitionId: Int64, residentId: Int64) async throws(StoreError) -> Bool {
        try await !write("""
            DELETE FROM petition_subscribers WHERE petition_id = \(petitionId) AND resident_id = \(residentId) RETURNING 1
            """) { _ in () }.isEmpty
    }

    public func addSponsor(petitionId: Int64, residentId: Int64, signerKey: String, at: Date) async throws(StoreError) -> PetitionSigningOutcome {
        try await transaction { c in
            let states = try await c.guardedQuery("SELECT state FROM petitions WHERE id = \(petitionId) FOR SHARE", logger: self.logger).collect()
            guard let state = try states.first?.decode(String.self) else { return .unknownPetition }
            guard state == PetitionState.collectingSponsors.rawValue else { return .wrongState }
            let added = try await c.guardedQuery("""
                INSERT INTO petition_sponsors (petition_id, signer_key, resident_id, created_at)
                VALUES (\(petitionId), \(signerKey), \(residentId), \(millis(at))) ON CONFLICT DO NOTHING RETURNING 1
                """, logger: self.logger).collect()
            return added.isEmpty ? .already : .added
        }
    }

    public func sponsorCount(petitionId: Int64) async throws(StoreError) -> Int {
        try await fetchOne("SELECT count(*) FROM petition_sponsors WHERE petition_id = \(petitionId)") { try $0.decode(Int.self) } ?? 0
    }

    public func isSponsor(petitionId: Int64, signerKey: String) async throws(StoreError) -> Bool {
        try await fetchOne("""
            SELECT EXISTS (SELECT 1 FROM petition_sponsors WHERE petition_id = \(petitionId) AND signer_key = \(signerKey))
            """) { try $0.decode(Bool.self) } ?? false
    }

    /// The writer is a task: the driver awaits the commit on its event loop (see `GroupCommitter`).
    public func makeSignatureWriter() -> GroupCommitter<NewPetitionSignature, PetitionSigningResult> {
        GroupCommitter { [self] batch in await signBatch(batch) }
    }

    public func signBatch(_ batch: [NewPetitionSignature]) async -> [Result<PetitionSigningResult, StoreError>] {
        guard !batch.isEmpty else { return [] }
        do {
            return try await sign(batch).map { .success($0) }
        } catch {
            guard batch.count > 1, case .database = error else { return batch.map { _ in .failure(error) } }
            var results: [Result<PetitionSigningResult, StoreError>] = []
            for s in batch {
                do { results.append(.success(try await sign([s])[0])) } catch { results.append(.failure(error)) }
            }
            return results
        }
    }

    /// The whole batch in one transaction of three statements: the petitions' states under a shared
    /// key lock (moderators' and the clock's changes to a petition wait for the signatures being
    /// added, and signers do not wait for each other), one insert of every signature that may be
    /// added, through `unnest`, whose `RETURNING` says which were new, and the petitions' valid
    /// signatures from the tallies the insert's triggers updated.
    private func sign(_ batch: [NewPetitionSignature]) async throws(StoreError) -> [PetitionSigningResult] {
        let ids = Array(Set(batch.map(\.petitionId)))
        return try await transaction { c in
            let outcomes = try await self.signatures(batch, of: ids, c)
            var valid: [Int64: Int] = [:]
            for try await (id, n) in try await c.guardedQuery(
                "SELECT petition_id, sum(valid)::int8 FROM petition_signature_tallies WHERE petition_id = ANY(\(ids)) GROUP BY 1",
                logger: self.logger
            ).decode((Int64, Int).self) {
                valid[id] = n
            }
            return zip(batch, outcomes).map { PetitionSigningResult($1, validSignatures: valid[$0.petitionId] ?? 0) }
        }
    }

    /// The batch's first two statements (see `sign`), in the caller's transaction; `ids`: its petitions.
    private func signatures(_ batch: [NewPetitionSignature], of ids: [Int64], _ c: PostgresConnection) async throws -> [PetitionSigningOutcome] {
        var petitions: [Int64: (state: String, closesAt: Int64?)] = [:]
        for try await (id, state, closesAt) in try await c.guardedQuery(
            "SELECT id, state, closes_at FROM petitions WHERE id = ANY(\(ids)) FOR KEY SHARE", logger: self.logger
        ).decode((Int64, String, Int64?).self) {
            petitions[id] = (state, closesAt)
        }
        var outcomes = [PetitionSigningOutcome](repeating: .already, count: batch.count)
        var first = Set<SignerOfPetition>()
        var candidates: [Int] = []
        for (i, s) in batch.enumerated() {
            guard let p = petitions[s.petitionId] else { outcomes[i] = .unknownPetition; continue }
            guard p.state == PetitionState.open.rawValue, let closes = p.closesAt, closes > millis(s.at) else { outcomes[i] = .wrongState; continue }
            // The same person twice in one batch: the first one counts, as one after the other would.
            guard first.insert(SignerOfPetition(petitionId: s.petitionId, signerKey: s.signerKey)).inserted else { continue }
            candidates.append(i)
        }
        guard !candidates.isEmpty else { return outcomes }
        let rows = candidates.map { batch[$0] }
        var b = PostgresBindings(capacity: 7)
        b.append(rows.map(\.petitionId)); b.append(rows.map(\.signerKey)); b.append(rows.map(\.residentId))
        b.append(NullableArray(rows.map(\.districtCode))); b.append(NullableArray(rows.map(\.publicName)))
        b.append(rows.map { millis($0.at) }); b.append(rows.map(\.residenceFromProvider))
        var added = Set<SignerOfPetition>()
        for try await (id, key) in try await c.guardedQuery(PostgresQuery(unsafeSQL: """
            INSERT INTO petition_signatures (petition_id, signer_key, resident_id, district_code, public_name, signed_at,
                                             residence_from_provider)
            SELECT * FROM unnest($1::int8[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::int8[], $7::bool[])
            ON CONFLICT DO NOTHING
            RETURNING petition_id, signer_key
            """, binds: b), logger: self.logger).decode((Int64, String).self) {
            added.insert(SignerOfPetition(petitionId: id, signerKey: key))
        }
        for i in candidates where added.contains(SignerOfPetition(petitionId: batch[i].petitionId, signerKey: batch[i].signerKey)) {
            outcomes[i] = .added
        }
        return outcomes
    }

    public func withdrawSignature(petitionId: Int64, signerKey: String, at: Date) async throws(StoreError) -> Bool {
        try await !write("""
            DELETE FROM petition_signatures
            WHERE petition_id = \(petitionId) AND signer_key = \(signerKey) AND invalidated_at IS NULL
              AND EXISTS (SELECT 1 FROM petitions WHERE id = \(petitionId) AND state = 'open' AND closes_at > \(millis(at)))
            RETURNING 1
            """) { _ in () }.isEmpty
    }

    public func signature(petitionId: Int64, signerKey: String) async throws(StoreError) -> PetitionSignature? {
        try await fetchOne("""
            SELECT id, petition_id, district_code, public_name, signed_at, invalidated_at, invalidation_reason
            FROM petition_signatures WHERE petition_id = \(petitionId) AND signer_key = \(signerKey)
            """) { row in
            let c = row.makeRandomAccess()
            return PetitionSignature(id: try c[0].decode(Int64.self), petitionId: try c[1].decode(Int64.self),
                                     districtCode: try c[2].decode(String?.self), publicName: try c[3].decode(String?.self),
                                     signedAt: date(try c[4].decode(Int64.self)), invalidatedAt: try c[5].decode(Int64?.self).map(date),
                                     invalidationReason: try c[6].decode(String?.self))
        }
    }

    /// From the tallies the trigger keeps (migration p7): a dozen rows, however many signatures.
    public func signatureCounts(petitionIds: [Int64]) async throws(StoreError) -> [Int64: PetitionSignatureCounts] {
        guard !petitionIds.isEmpty else { return [:] }
        let rows = try await fetch("""
            SELECT petition_id, district_code, told, valid, invalidated FROM petition_signature_tallies WHERE petition_id = ANY(\(petitionIds))
            """) { try $0.decode((Int64, String, Bool, Int, Int).self) }
        var counts = PetitionSignatureCounts.empty(petitionIds)
        for (id, code, told, valid, invalidated) in rows { counts[id]?.add(tally: code, told: told, valid: valid, invalidated: invalidated) }
        return counts
    }

    public func signatureVelocity(petitionId: Int64) async throws(StoreError) -> [PetitionSignatureHour] {
        try await fetch("""
            SELECT signed_at / 3600000, count(*) FILTER (WHERE invalidated_at IS NULL), count(*) FILTER (WHERE invalidated_at IS NOT NULL)
            FROM petition_signatures WHERE petition_id = \(petitionId) GROUP BY 1 ORDER BY 1
            """) { row in
            let (hour, valid, invalid) = try row.decode((Int64, Int, Int).self)
            return PetitionSignatureHour(hour: date(hour * 3_600_000), valid: valid, invalidated: invalid)
        }
    }

    public func invalidateSignatures(petitionId: Int64, from: Date, to: Date, districtCode: String?, reason: String, at: Date,
                                     audit: AuditRecord) async throws(StoreError) -> Int {
        try await transaction { c in
            let n = try await c.guardedQuery("""
                UPDATE petition_signatures SET invalidated_at = \(millis(at)), invalidation_reason = \(reason)
                WHERE petition_id = \(petitionId) AND invalidated_at IS NULL AND signed_at >= \(millis(from)) AND signed_at < \(millis(to))
                  AND (\(districtCode)::text IS NULL OR district_code = \(districtCode))
                RETURNING 1
                """, logger: self.logger).collect().count
            var record = audit
            var after: [String: JSONValue] = [:]
            if case .object(let o) = record.after { after = o }
            after["invalidated"] = .integer(Int64(n))
            record.after = .object(after)
            try await Self.appendAudit(record, c, self.logger, origin: self.origin, announcing: nil)
            return n
        }
    }

    static func petition(_ row: PostgresRow) throws -> Petition {
        let c = row.makeRandomAccess()
        var answer: PetitionAnswer?
        if let text = try c[17].decode(String?.self), let decision = PetitionDecision(rawValue: try c[18].decode(String?.self) ?? ""),
           let day = try c[19].decode(String?.self), let at = try c[20].decode(Int64?.self) {
            answer = PetitionAnswer(text: text, decision: decision, date: day, publishedAt: date(at), documentURL: try c[23].decode(String?.self))
        }
        return Petition(
            id: try c[0].decode(Int64.self), authorId: try c[1].decode(Int64?.self),
            text: PetitionText(title: try c[2].decode(String.self), change: try c[3].decode(String.self), reason: try c[4].decode(String.self),
                               act: try c[5].decode(String.self), districtCode: try c[6].decode(String?.self),
                               longitude: try c[7].decode(Double?.self), latitude: try c[8].decode(Double?.self)),
            state: PetitionState(rawValue: try c[9].decode(String.self)) ?? .draft,
            rejectionCode: try c[10].decode(String?.self).flatMap(PetitionRejectionCode.init), publicReason: try c[11].decode(String?.self),
            createdAt: date(try c[12].decode(Int64.self)), submittedAt: try c[13].decode(Int64?.self).map(date),
            openedAt: try c[14].decode(Int64?.self).map(date), closesAt: try c[15].decode(Int64?.self).map(date),
            closedAt: try c[16].decode(Int64?.self).map(date), answer: answer, revision: try c[21].decode(Int.self),
            updatedAt: date(try c[22].decode(Int64.self)))
    }
}

/// One person on one petition: the key a second signature collides on.
private struct SignerOfPetition: Hashable {
    let petitionId: Int64
    let signerKey: String
}
