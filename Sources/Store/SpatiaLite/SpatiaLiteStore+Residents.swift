import Foundation
import GRDB

extension SpatiaLiteStore: ResidentStore {
    public func signInResident(issuer: String, subject: String, personalCodeDigest: String?, at: Date) async throws(StoreError) -> Resident {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO residents (issuer, subject, personal_code_hmac, created_at, last_sign_in_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (issuer, subject) DO UPDATE
                SET last_sign_in_at = excluded.last_sign_in_at,
                    personal_code_hmac = COALESCE(excluded.personal_code_hmac, residents.personal_code_hmac)
                """, arguments: [issuer, subject, personalCodeDigest, millis(at), millis(at)])
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM residents WHERE issuer = ? AND subject = ?"), arguments: [issuer, subject])!
            return Self.resident(row)
        }
    }

    public func resident(id: Int64) async throws(StoreError) -> Resident? {
        try await read { db in try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM residents WHERE id = ?"), arguments: [id]).map(Self.resident) }
    }

    public func residents(personalCodeDigest: String) async throws(StoreError) -> [Resident] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM residents WHERE personal_code_hmac = ? ORDER BY id", arguments: [personalCodeDigest])
                .map(Self.resident)
        }
    }

    public func updateResidentContact(id: Int64, _ contact: ResidentContact, at: Date) async throws(StoreError) -> Resident? {
        let consenting = contact.name != nil || contact.email != nil
        return try await write { db in
            try db.execute(sql: """
                UPDATE residents SET name = ?, email = ?, notify_status_changes = ?, language = ?,
                       consent_at = CASE WHEN ? THEN COALESCE(consent_at, ?) ELSE NULL END
                WHERE id = ?
                """, arguments: [contact.name, contact.email, contact.notifyStatusChanges && contact.email != nil, contact.language,
                                 consenting, millis(at), id])
            return try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM residents WHERE id = ?"), arguments: [id]).map(Self.resident)
        }
    }

    public func deleteResident(id: Int64) async throws(StoreError) -> Bool {
        try await write { db in
            // The reports stay public; what tied them to the person goes: the link and the contact
            // details typed into the form.
            try db.execute(sql: """
                UPDATE reports SET resident_id = NULL, email = NULL, phone = NULL, first_name = NULL, last_name = NULL,
                       device_id = NULL, account_id = NULL
                WHERE resident_id = ?
                """, arguments: [id])
            try db.execute(sql: "DELETE FROM outbox WHERE resident_id = ?", arguments: [id])
            // Petitions past their draft, signatures and sponsorships are public records and stay
            // (a signer key still makes one signature per person); drafts and subscriptions go.
            try db.execute(sql: "DELETE FROM petitions WHERE author_id = ? AND state = 'draft'", arguments: [id])
            try db.execute(sql: "UPDATE petitions SET author_id = NULL WHERE author_id = ?", arguments: [id])
            try db.execute(sql: "UPDATE petition_signatures SET resident_id = NULL WHERE resident_id = ?", arguments: [id])
            try db.execute(sql: "UPDATE petition_sponsors SET resident_id = NULL WHERE resident_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM petition_subscribers WHERE resident_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM resident_sessions WHERE resident_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM residents WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func storeResidentSession(_ s: ResidentSessionRecord) async throws(StoreError) {
        try await write { db in
            // Expired sessions go whenever a new one is made (no sweeper to run).
            try db.execute(sql: "DELETE FROM resident_sessions WHERE expires_at <= ?", arguments: [millis(s.createdAt)])
            try db.execute(sql: """
                INSERT INTO resident_sessions (token_hash, resident_id, provider, level, created_at, expires_at, sealed)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [s.tokenHash, s.residentId, s.provider, s.level, millis(s.createdAt), millis(s.expiresAt), Data(s.sealed).base64EncodedString()])
        }
    }

    public func residentSession(tokenHash: String, at: Date) async throws(StoreError) -> (ResidentSessionRecord, Resident)? {
        try await read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM resident_sessions WHERE token_hash = ? AND expires_at > ?"),
                                             arguments: [tokenHash, millis(at)]) else { return nil }
            let session = Self.residentSession(row)
            guard let resident = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM residents WHERE id = ?"), arguments: [session.residentId]) else { return nil }
            return (session, Self.resident(resident))
        }
    }

    public func endResidentSession(tokenHash: String) async throws(StoreError) -> ResidentSessionRecord? {
        try await write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM resident_sessions WHERE token_hash = ?"), arguments: [tokenHash]) else { return nil }
            try db.execute(sql: "DELETE FROM resident_sessions WHERE token_hash = ?", arguments: [tokenHash])
            return Self.residentSession(row)
        }
    }

    public func residentReports(residentId: Int64, limit: Int) async throws(StoreError) -> [Report] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.reportColumns) FROM reports WHERE resident_id = ? ORDER BY id DESC LIMIT ?",
                             arguments: [residentId, limit]).map(Self.report)
        }
    }

    public func enqueueResidentNotice(residentId: Int64, recipient: String, subject: String, body: String, at: Date) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO outbox (resident_id, recipient, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [residentId, recipient, subject, body, millis(at), millis(at)])
        }
    }

    static func resident(_ r: Row) -> Resident {
        Resident(id: r["id"], issuer: r["issuer"], subject: r["subject"], personalCodeDigest: r["personal_code_hmac"], name: r["name"],
                 email: r["email"], consentAt: (r["consent_at"] as Int64?).map(date), notifyStatusChanges: r["notify_status_changes"],
                 language: r["language"], createdAt: date(r["created_at"]), lastSignInAt: date(r["last_sign_in_at"]))
    }

    static func residentSession(_ r: Row) -> ResidentSessionRecord {
        ResidentSessionRecord(tokenHash: r["token_hash"], residentId: r["resident_id"], provider: r["provider"], level: r["level"],
                              createdAt: date(r["created_at"]), expiresAt: date(r["expires_at"]), sealed: unbase64(r["sealed"]))
    }
}

extension SpatiaLiteStore: LoginTransactionStore {
    public func storeLoginTransaction(_ t: LoginTransaction, maximumPending: Int, at: Date) async throws(StoreError) -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM login_transactions WHERE expires_at <= ?", arguments: [millis(at)])
            let pending = try Int.fetchOne(db, sql: "SELECT count(*) FROM login_transactions") ?? 0
            guard pending < maximumPending else { return false }
            try db.execute(sql: """
                INSERT INTO login_transactions (state_hash, browser_hash, provider, level, purpose, next, sealed, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [t.stateHash, t.browserHash, t.provider, t.level, t.purpose, t.next, Data(t.sealed).base64EncodedString(),
                                 millis(t.createdAt), millis(t.expiresAt)])
            return true
        }
    }

    public func takeLoginTransaction(stateHash: String, at: Date) async throws(StoreError) -> LoginTransaction? {
        try await write { db in
            guard let r = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM login_transactions WHERE state_hash = ?"), arguments: [stateHash]) else { return nil }
            try db.execute(sql: "DELETE FROM login_transactions WHERE state_hash = ?", arguments: [stateHash])
            let t = LoginTransaction(stateHash: r["state_hash"], browserHash: r["browser_hash"], provider: r["provider"], level: r["level"],
                                     purpose: r["purpose"], next: r["next"], sealed: unbase64(r["sealed"]),
                                     createdAt: date(r["created_at"]), expiresAt: date(r["expires_at"]))
            return t.expiresAt > at ? t : nil
        }
    }
}
