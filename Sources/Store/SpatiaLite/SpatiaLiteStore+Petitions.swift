import Foundation
import Geo
import GRDB

extension SpatiaLiteStore {
    public func createPetition(authorId: Int64, text t: PetitionText, at: Date, audit: AuditRecord) async throws(StoreError) -> Petition {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO petitions (author_id, title, change_text, reason_text, act, district_code, lon, lat, state, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)
                """, arguments: [authorId, t.title, t.change, t.reason, t.act, t.districtCode, t.longitude, t.latitude, millis(at), millis(at)])
            let id = db.lastInsertedRowID
            var record = audit
            record.subject = "petition \(id)"
            try Self.appendAudit(record, db, origin: self.origin, announcing: nil)
            return Self.petition(try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM petitions WHERE id = ?"), arguments: [id])!)
        }
    }

    public func petition(id: Int64) async throws(StoreError) -> Petition? {
        try await read { db in try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM petitions WHERE id = ?"), arguments: [id]).map(Self.petition) }
    }

    public func petitions(_ f: PetitionFilter) async throws(StoreError) -> [Petition] {
        try await read { db in
            var clauses: [String] = [], arguments: [(any DatabaseValueConvertible)?] = []
            if let states = f.states {
                clauses.append("state IN (\(states.isEmpty ? "NULL" : states.map { _ in "?" }.joined(separator: ", ")))")
                arguments += states.map(\.rawValue)
            }
            if let d = f.districtCode { clauses.append("district_code = ?"); arguments.append(d) }
            if let a = f.authorId { clauses.append("author_id = ?"); arguments.append(a) }
            let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            arguments += [f.limit, f.offset]
            return try Row.fetchAll(db, sql: "SELECT * FROM petitions \(filter) ORDER BY id DESC LIMIT ? OFFSET ?",
                                    arguments: StatementArguments(arguments)).map(Self.petition)
        }
    }

    public func updatePetition(_ p: Petition, expectedRevision: Int, audit: [AuditRecord],
                                notices: (@Sendable (PetitionSubscriber) -> NewOutboxMessage)?) async throws(StoreError) -> Petition? {
        try await write { db in
            let t = p.text
            try db.execute(sql: """
                UPDATE petitions SET title = ?, change_text = ?, reason_text = ?, act = ?, district_code = ?, lon = ?, lat = ?, state = ?,
                       rejection_code = ?, public_reason = ?, submitted_at = ?, opened_at = ?, closes_at = ?, closed_at = ?,
                       answer_text = ?, answer_decision = ?, answer_date = ?, answered_at = ?, answer_document = ?,
                       revision = revision + 1, updated_at = ?
                WHERE id = ? AND revision = ?
                """, arguments: [t.title, t.change, t.reason, t.act, t.districtCode, t.longitude, t.latitude, p.state.rawValue,
                                 p.rejectionCode?.rawValue, p.publicReason, p.submittedAt.map(millis), p.openedAt.map(millis),
                                 p.closesAt.map(millis), p.closedAt.map(millis), p.answer?.text, p.answer?.decision.rawValue,
                                 p.answer?.date, p.answer.map { millis($0.publishedAt) }, p.answer?.documentURL, millis(p.updatedAt),
                                 p.id, expectedRevision])
            guard db.changesCount == 1 else { return nil }
            for record in audit { try Self.appendAudit(record, db, origin: self.origin, announcing: nil) }
            if let notices {
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO outbox (resident_id, recipient, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                for s in try Self.subscribers(db, petitionId: p.id) where !s.email.isEmpty {
                    let m = notices(s)
                    try insert.execute(arguments: [s.residentId, m.recipient, m.subject, m.body, millis(p.updatedAt), millis(p.updatedAt)])
                }
            }
            return try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM petitions WHERE id = ?"), arguments: [p.id]).map(Self.petition)
        }
    }

    static func subscribers(_ db: Database, petitionId: Int64) throws -> [PetitionSubscriber] {
        try Row.fetchAll(db, sql: """
            SELECT s.petition_id, s.resident_id, s.token, r.email, r.language FROM petition_subscribers s
            JOIN residents r ON r.id = s.resident_id WHERE s.petition_id = ? ORDER BY s.resident_id
            """, arguments: [petitionId]).map(subscriber)
    }

    static func subscriber(_ r: Row) -> PetitionSubscriber {
        PetitionSubscriber(petitionId: r["petition_id"], residentId: r["resident_id"], email: r["email"] ?? "", language: r["language"], token: r["token"])
    }

    public func subscribe(petitionId: Int64, residentId: Int64, token: String, at: Date) async throws(StoreError) -> String {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO petition_subscribers (petition_id, resident_id, token, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, arguments: [petitionId, residentId, token, millis(at)])
            return try String.fetchOne(db, sql: "SELECT token FROM petition_subscribers WHERE petition_id = ? AND resident_id = ?",
                                       arguments: [petitionId, residentId]) ?? token
        }
    }

    public func subscription(token: String) async throws(StoreError) -> PetitionSubscriber? {
        try await read { db in
            try Row.fetchOne(db, sql: """
                SELECT s.petition_id, s.resident_id, s.token, r.email, r.language FROM petition_subscribers s
                JOIN residents r ON r.id = s.resident_id WHERE s.token = ?
                """, arguments: [token]).map(Self.subscriber)
        }
    }

    public func isSubscribed(petitionId: Int64, residentId: Int64) async throws(StoreError) -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM petition_subscribers WHERE petition_id = ? AND resident_id = ?)",
                              arguments: [petitionId, residentId]) ?? false
        }
    }

    public func unsubscribe(petitionId: Int64, residentId: Int64) async throws(StoreError) -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM petition_subscribers WHERE petition_id = ? AND resident_id = ?", arguments: [petitionId, residentId])
            return db.changesCount == 1
        }
    }

    public func addSponsor(petitionId: Int64, residentId: Int64, signerKey: String, at: Date) async throws(StoreError) -> PetitionSigningOutcome {
        try await write { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM petitions WHERE id = ?", arguments: [petitionId]) else {
                return .unknownPetition
            }
            guard state == PetitionState.collectingSponsors.rawValue else { return .wrongState }
            try db.execute(sql: """
                INSERT INTO petition_sponsors (petition_id, signer_key, resident_id, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """, arguments: [petitionId, signerKey, residentId, millis(at)])
            return db.changesCount == 1 ? .added : .already
        }
    }

    public func sponsorCount(petitionId: Int64) async throws(StoreError) -> Int {
        try await read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM petition_sponsors WHERE petition_id = ?"), arguments: [petitionId]) ?? 0 }
    }

    public func isSponsor(petitionId: Int64, signerKey: String) async throws(StoreError) -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM petition_sponsors WHERE petition_id = ? AND signer_key = ?)",
                              arguments: [petitionId, signerKey]) ?? false
        }
    }

    public func signBatch(_ batch: [NewPetitionSignature]) async -> [Result<PetitionSigningResult, StoreError>] {
        // Off the cooperative pool: the transaction blocks its thread until it is durable.
        await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: self.signBlocking(batch)) }
        }
    }

    /// The writer runs on a thread of its own and blocks it in each commit (see `GroupCommitter`).
    public func makeSignatureWriter() -> GroupCommitter<NewPetitionSignature, PetitionSigningResult> {
        GroupCommitter { [self] batch in signBlocking(batch) }
    }

    /// `signBatch`, blocking the calling thread until the transaction is durable.
    func signBlocking(_ batch: [NewPetitionSignature]) -> [Result<PetitionSigningResult, StoreError>] {
        guard !batch.isEmpty else { return [] }
        do {
            return try writeBlocking { db in try Self.sign(batch, db) }.map { .success($0) }
        } catch {
            guard batch.count > 1 else { return [.failure(error)] }
            return batch.map { s in Result { () throws(StoreError) in try writeBlocking { db in try Self.sign([s], db)[0] } } }
        }
    }

    /// The signatures in the caller's transaction, then each petition's valid signatures as it leaves them.
    private static func sign(_ batch: [NewPetitionSignature], _ db: Database) throws -> [PetitionSigningResult] {
        let outcomes = try batch.map { try sign($0, db) }
        var valid: [Int64: Int] = [:]
        for id in Set(batch.map(\.petitionId)) {
            valid[id] = try Int.fetchOne(db.cachedStatement(sql: "SELECT coalesce(sum(valid), 0) FROM petition_signature_tallies WHERE petition_id = ?"),
                                         arguments: [id]) ?? 0
        }
        return zip(batch, outcomes).map { PetitionSigningResult($1, validSignatures: valid[$0.petitionId] ?? 0) }
    }

    /// One signature in the caller's transaction: the petition's state and closing time are read
    /// in the same transaction (SQLite's one writer keeps them from changing meanwhile).
    private static func sign(_ s: NewPetitionSignature, _ db: Database) throws -> PetitionSigningOutcome {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT state, closes_at FROM petitions WHERE id = ?"),
                                         arguments: [s.petitionId]) else { return .unknownPetition }
        let state: String = row[0], closesAt: Int64? = row[1]  // by position: a name is looked up per read
        guard state == PetitionState.open.rawValue, let closesAt, closesAt > millis(s.at) else { return .wrongState }
        try db.cachedStatement(sql: """
            INSERT INTO petition_signatures (petition_id, signer_key, resident_id, district_code, public_name, signed_at, residence_from_provider)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """).execute(arguments: [s.petitionId, s.signerKey, s.residentId, s.districtCode, s.publicName, millis(s.at),
                                     s.residenceFromProvider])
        return db.changesCount == 1 ? .added : .already
    }

    public func withdrawSignature(petitionId: Int64, signerKey: String, at: Date) async throws(StoreError) -> Bool {
        try await write { db in
            try db.execute(sql: """
                DELETE FROM petition_signatures
                WHERE petition_id = ? AND signer_key = ? AND invalidated_at IS NULL
                  AND EXISTS (SELECT 1 FROM petitions WHERE id = ? AND state = 'open' AND closes_at > ?)
                """, arguments: [petitionId, signerKey, petitionId, millis(at)])
            return db.changesCount == 1
        }
    }

    public func signature(petitionId: Int64, signerKey: String) async throws(StoreError) -> PetitionSignature? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM petition_signatures WHERE petition_id = ? AND signer_key = ?",
                             arguments: [petitionId, signerKey]).map(Self.signature)
        }
    }

    /// From the tallies the triggers keep (migration v16): a dozen rows per petition, however many signatures.
    public func signatureCounts(petitionIds: [Int64]) async throws(StoreError) -> [Int64: PetitionSignatureCounts] {
        guard !petitionIds.isEmpty else { return [:] }
        return try await read { db in
            var counts = PetitionSignatureCounts.empty(petitionIds)
            for chunk in stride(from: 0, to: petitionIds.count, by: 500).map({ Array(petitionIds[$0..<min($0 + 500, petitionIds.count)]) }) {
                let sql = """
                    SELECT petition_id, district_code, told, valid, invalidated FROM petition_signature_tallies
                    WHERE petition_id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))
                    """
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(chunk)) {
                    counts[row["petition_id"]]?.add(tally: row["district_code"], told: row["told"], valid: row["valid"], invalidated: row["invalidated"])
                }
            }
            return counts
        }
    }

    public func signatureVelocity(petitionId: Int64) async throws(StoreError) -> [PetitionSignatureHour] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT signed_at / 3600000 AS hour, sum(invalidated_at IS NULL) AS valid, sum(invalidated_at IS NOT NULL) AS invalid
                FROM petition_signatures WHERE petition_id = ? GROUP BY hour ORDER BY hour
                """, arguments: [petitionId]).map { r in
                let hour: Int64 = r["hour"]
                return PetitionSignatureHour(hour: date(hour * 3_600_000), valid: r["valid"], invalidated: r["invalid"])
            }
        }
    }

    public func invalidateSignatures(petitionId: Int64, from: Date, to: Date, districtCode: String?, reason: String, at: Date,
                                     audit: AuditRecord) async throws(StoreError) -> Int {
        try await write { db in
            try db.execute(sql: """
                UPDATE petition_signatures SET invalidated_at = ?, invalidation_reason = ?
                WHERE petition_id = ? AND invalidated_at IS NULL AND signed_at >= ? AND signed_at < ?
                  AND (? IS NULL OR district_code = ?)
                """, arguments: [millis(at), reason, petitionId, millis(from), millis(to), districtCode, districtCode])
            let n = db.changesCount
            var record = audit
            var after: [String: JSONValue] = [:]
            if case .object(let o) = record.after { after = o }
            after["invalidated"] = .integer(Int64(n))
            record.after = .object(after)
            try Self.appendAudit(record, db, origin: self.origin, announcing: nil)
            return n
        }
    }

    static func petition(_ r: Row) -> Petition {
        let answer: PetitionAnswer? = {
            guard let text: String = r["answer_text"], let decision = PetitionDecision(rawValue: r["answer_decision"] ?? ""),
                  let day: String = r["answer_date"], let at: Int64 = r["answered_at"] else { return nil }
            return PetitionAnswer(text: text, decision: decision, date: day, publishedAt: date(at), documentURL: r["answer_document"])
        }()
        return Petition(
            id: r["id"], authorId: r["author_id"],
            text: PetitionText(title: r["title"], change: r["change_text"], reason: r["reason_text"], act: r["act"],
                               districtCode: r["district_code"], longitude: r["lon"], latitude: r["lat"]),
            state: PetitionState(rawValue: r["state"]) ?? .draft, rejectionCode: (r["rejection_code"] as String?).flatMap(PetitionRejectionCode.init),
            publicReason: r["public_reason"], createdAt: date(r["created_at"]), submittedAt: (r["submitted_at"] as Int64?).map(date),
            openedAt: (r["opened_at"] as Int64?).map(date), closesAt: (r["closes_at"] as Int64?).map(date),
            closedAt: (r["closed_at"] as Int64?).map(date), answer: answer, revision: r["revision"], updatedAt: date(r["updated_at"]))
    }

    static func signature(_ r: Row) -> PetitionSignature {
        PetitionSignature(id: r["id"], petitionId: r["petition_id"], districtCode: r["district_code"], publicName: r["public_name"],
                          signedAt: date(r["signed_at"]), invalidatedAt: (r["invalidated_at"] as Int64?).map(date),
                          invalidationReason: r["invalidation_reason"])
    }
}
