import Foundation
import PostgresNIO

extension PostGISStore: ResidentStore {
    static let residentColumns = """
        id, issuer, subject, personal_code_hmac, name, email, consent_at, notify_status_changes, language, created_at, last_sign_in_at
        """

    public func signInResident(issuer: String, subject: String, personalCodeDigest: String?, at: Date) async throws(StoreError) -> Resident {
        let at = millis(at)
        guard let resident = try await fetchOne("""
            INSERT INTO residents AS r (issuer, subject, personal_code_hmac, created_at, last_sign_in_at)
            VALUES (\(issuer), \(subject), \(personalCodeDigest), \(at), \(at))
            ON CONFLICT (issuer, subject) DO UPDATE
            SET last_sign_in_at = excluded.last_sign_in_at, personal_code_hmac = COALESCE(excluded.personal_code_hmac, r.personal_code_hmac)
            RETURNING \(unescaped: Self.residentColumns)
            """, Self.resident) else { throw .database("the resident was not stored") }
        return resident
    }

    public func resident(id: Int64) async throws(StoreError) -> Resident? {
        try await fetchOne("SELECT \(unescaped: Self.residentColumns) FROM residents WHERE id = \(id)", Self.resident)
    }

    public func residents(personalCodeDigest: String) async throws(StoreError) -> [Resident] {
        try await fetch("SELECT \(unescaped: Self.residentColumns) FROM residents WHERE personal_code_hmac = \(personalCodeDigest) ORDER BY id",
                        Self.resident)
    }

    public func updateResidentContact(id: Int64, _ contact: ResidentContact, at: Date) async throws(StoreError) -> Resident? {
        let consenting = contact.name != nil || contact.email != nil
        let notify = contact.notifyStatusChanges && contact.email != nil
        return try await fetchOne("""
            UPDATE residents SET name = \(contact.name), email = \(contact.email), notify_status_changes = \(notify), language = \(contact.language),
                   consent_at = CASE WHEN \(consenting) THEN COALESCE(consent_at, \(millis(at))) ELSE NULL END
            WHERE id = \(id) RETURNING \(unescaped: Self.residentColumns)
            """, Self.resident)
    }

    public func deleteResident(id: Int64) async throws(StoreError) -> Bool {
        try await transaction { c in
            // The reports stay public; what tied them to the person goes (see SpatiaLite's).
            try await c.guardedQuery("""
                UPDATE reports SET resident_id = NULL, email = NULL, phone = NULL, first_name = NULL, last_name = NULL,
                       device_id = NULL, account_id = NULL
                WHERE resident_id = \(id)
                """, logger: self.logger)
            try await c.guardedQuery("DELETE FROM outbox WHERE resident_id = \(id)", logger: self.logger)
            // Petitions past their draft, signatures and sponsorships stay (see SpatiaLite's).
            try await c.guardedQuery("DELETE FROM petitions WHERE author_id = \(id) AND state = 'draft'", logger: self.logger)
            try await c.guardedQuery("UPDATE petitions SET author_id = NULL WHERE author_id = \(id)", logger: self.logger)
            try await c.guardedQuery("UPDATE petition_signatures SET resident_id = NULL WHERE resident_id = \(id)", logger: self.logger)
            try await c.guardedQuery("UPDATE petition_sponsors SET resident_id = NULL WHERE resident_id = \(id)", logger: self.logger)
            try await c.guardedQuery("DELETE FROM petition_subscribers WHERE resident_id = \(id)", logger: self.logger)
            try await c.guardedQuery("DELETE FROM resident_sessions WHERE resident_id = \(id)", logger: self.logger)
            return try await !c.guardedQuery("DELETE FROM residents WHERE id = \(id) RETURNING 1", logger: self.logger).collect().isEmpty
        }
    }

    public func storeResidentSession(_ s: ResidentSessionRecord) async throws(StoreError) {
        try await transaction { c in
            try await c.guardedQuery("DELETE FROM resident_sessions WHERE expires_at <= \(millis(s.createdAt))", logger: self.logger)
            try await c.guardedQuery("""
                INSERT INTO resident_sessions (token_hash, resident_id, provider, level, created_at, expires_at, sealed)
                VALUES (\(s.tokenHash), \(s.residentId), \(s.provider), \(s.level), \(millis(s.createdAt)), \(millis(s.expiresAt)),
                        \(Data(s.sealed).base64EncodedString()))
                """, logger: self.logger)
        }
    }

    static let sessionColumns = "token_hash, resident_id, provider, level, created_at, expires_at, sealed"

    public func residentSession(tokenHash: String, at: Date) async throws(StoreError) -> (ResidentSessionRecord, Resident)? {
        try await fetchOne("""
            SELECT \(unescaped: Self.sessionColumns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                   \(unescaped: Self.residentColumns.split(separator: ",").map { "r." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM resident_sessions s JOIN residents r ON r.id = s.resident_id
            WHERE s.token_hash = \(tokenHash) AND s.expires_at > \(millis(at))
            """) { row in (try Self.residentSession(row), try Self.resident(row, from: 7)) }
    }

    public func endResidentSession(tokenHash: String) async throws(StoreError) -> ResidentSessionRecord? {
        try await fetchOne("DELETE FROM resident_sessions WHERE token_hash = \(tokenHash) RETURNING \(unescaped: Self.sessionColumns)",
                           Self.residentSession)
    }

    public func residentReports(residentId: Int64, limit: Int) async throws(StoreError) -> [Report] {
        try await fetch("SELECT \(unescaped: Self.reportColumns) FROM reports WHERE resident_id = \(residentId) ORDER BY id DESC LIMIT \(limit)",
                        Self.report)
    }

    public func enqueueResidentNotice(residentId: Int64, recipient: String, subject: String, body: String, at: Date) async throws(StoreError) {
        let at = millis(at)
        _ = try await fetch("""
            INSERT INTO outbox (resident_id, recipient, subject, body, created_at, next_attempt_at)
            VALUES (\(residentId), \(recipient), \(subject), \(body), \(at), \(at))
            """) { _ in () }
    }

    static func resident(_ row: PostgresRow) throws -> Resident { try resident(row, from: 0) }

    static func resident(_ row: PostgresRow, from i: Int) throws -> Resident {
        let c = row.makeRandomAccess()
        return Resident(id: try c[i].decode(Int64.self), issuer: try c[i + 1].decode(String.self), subject: try c[i + 2].decode(String.self),
                        personalCodeDigest: try c[i + 3].decode(String?.self), name: try c[i + 4].decode(String?.self),
                        email: try c[i + 5].decode(String?.self), consentAt: try c[i + 6].decode(Int64?.self).map(date),
                        notifyStatusChanges: try c[i + 7].decode(Bool.self), language: try c[i + 8].decode(String?.self),
                        createdAt: date(try c[i + 9].decode(Int64.self)), lastSignInAt: date(try c[i + 10].decode(Int64.self)))
    }

    static func residentSession(_ row: PostgresRow) throws -> ResidentSessionRecord {
        let c = row.makeRandomAccess()
        return ResidentSessionRecord(tokenHash: try c[0].decode(String.self), residentId: try c[1].decode(Int64.self),
                                     provider: try c[2].decode(String.self), level: try c[3].decode(String.self),
                                     createdAt: date(try c[4].decode(Int64.self)), expiresAt: date(try c[5].decode(Int64.self)),
                                     sealed: unbase64(try c[6].decode(String.self)))
    }
}

extension PostGISStore: LoginTransactionStore {
    public func storeLoginTransaction(_ t: LoginTransaction, maximumPending: Int, at: Date) async throws(StoreError) -> Bool {
        try await transaction { c in
            // One sign-in start at a time checks the count (two servers could otherwise both pass it).
            try await c.guardedQuery("LOCK TABLE login_transactions IN SHARE ROW EXCLUSIVE MODE", logger: self.logger)
            try await c.guardedQuery("DELETE FROM login_transactions WHERE expires_at <= \(millis(at))", logger: self.logger)
            let pending = try await c.guardedQuery("SELECT count(*) FROM login_transactions", logger: self.logger).collect()[0].decode(Int.self)
            guard pending < maximumPending else { return false }
            try await c.guardedQuery("""
                INSERT INTO login_transactions (state_hash, browser_hash, provider, level, purpose, next, sealed, created_at, expires_at)
                VALUES (\(t.stateHash), \(t.browserHash), \(t.provider), \(t.level), \(t.purpose), \(t.next),
                        \(Data(t.sealed).base64EncodedString()), \(millis(t.createdAt)), \(millis(t.expiresAt)))
                """, logger: self.logger)
            return true
        }
    }

    public func takeLoginTransaction(stateHash: String, at: Date) async throws(StoreError) -> LoginTransaction? {
        // DELETE … RETURNING: of two servers given the same state, only one gets the row.
        let taken = try await fetchOne("""
            DELETE FROM login_transactions WHERE state_hash = \(stateHash)
            RETURNING state_hash, browser_hash, provider, level, purpose, next, sealed, created_at, expires_at
            """) { row -> LoginTransaction in
            let c = row.makeRandomAccess()
            return LoginTransaction(stateHash: try c[0].decode(String.self), browserHash: try c[1].decode(String.self),
                                    provider: try c[2].decode(String.self), level: try c[3].decode(String.self),
                                    purpose: try c[4].decode(String.self), next: try c[5].decode(String.self),
                                    sealed: unbase64(try c[6].decode(String.self)), createdAt: date(try c[7].decode(Int64.self)),
                                    expiresAt: date(try c[8].decode(Int64.self)))
        }
        return taken.flatMap { $0.expiresAt > at ? $0 : nil }
    }
}
