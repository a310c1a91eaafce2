import Foundation
import PostgresNIO

extension PostGISStore {
    static let userColumns = "u.id, u.username, u.role, u.created_at, u.disabled_at"

    public func addUser(username: String, role: StaffUser.Role, passwordHash: String) async throws(StoreError) -> StaffUser {
        let now = millis(Date())
        let id = try await transaction { c in
            if try await c.guardedQuery("SELECT count(*) FROM users WHERE username = \(username)", logger: self.logger).collect()[0].decode(Int.self) > 0 {
                throw StoreError.database("a user named '\(username)' exists already")
            }
            return try await c.guardedQuery("""
                INSERT INTO users (username, role, password_hash, created_at) VALUES (\(username), \(role.rawValue), \(passwordHash), \(now))
                RETURNING id
                """, logger: self.logger).collect()[0].decode(Int64.self)
        }
        return StaffUser(id: id, username: username, role: role, createdAt: date(now))
    }

    public func users() async throws(StoreError) -> [StaffUser] {
        try await fetch("SELECT \(unescaped: Self.userColumns) FROM users u ORDER BY id", Self.user)
    }

    public func userForLogin(username: String) async throws(StoreError) -> (StaffUser, passwordHash: String)? {
        try await fetchOne("""
            SELECT \(unescaped: Self.userColumns), u.password_hash FROM users u WHERE username = \(username) AND disabled_at IS NULL
            """) { row in (try Self.user(row), passwordHash: try row.makeRandomAccess()[5].decode(String.self)) }
    }

    public func storeToken(_ token: String, userId: Int64, expiresAt: Date) async throws(StoreError) {
        _ = try await write("""
            INSERT INTO user_tokens (token_hash, user_id, created_at, expires_at)
            VALUES (\(Self.hash(token)), \(userId), \(millis(Date())), \(millis(expiresAt)))
            """) { _ in () }
    }

    public func user(token: String, at now: Date) async throws(StoreError) -> StaffUser? {
        try await fetchOne("""
            SELECT \(unescaped: Self.userColumns) FROM user_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = \(Self.hash(token)) AND t.revoked_at IS NULL AND t.expires_at > \(millis(now)) AND u.disabled_at IS NULL
            """, Self.user)
    }

    public func revokeToken(_ token: String) async throws(StoreError) -> Bool {
        try await !write("""
            UPDATE user_tokens SET revoked_at = \(millis(Date())) WHERE token_hash = \(Self.hash(token)) AND revoked_at IS NULL RETURNING 1
            """) { _ in () }.isEmpty
    }

    public func providerUser(username: String, role: StaffUser.Role) async throws(StoreError) -> StaffUser? {
        try await fetchOne("""
            INSERT INTO users AS u (username, role, password_hash, created_at) VALUES (\(username), \(role.rawValue), '', \(millis(Date())))
            ON CONFLICT (username) DO UPDATE SET role = excluded.role
            RETURNING \(unescaped: Self.userColumns)
            """, Self.user).flatMap { $0.disabledAt == nil ? $0 : nil }
    }

    static func user(_ row: PostgresRow) throws -> StaffUser {
        let c = row.makeRandomAccess()
        return StaffUser(id: try c[0].decode(Int64.self), username: try c[1].decode(String.self),
                         role: StaffUser.Role(rawValue: try c[2].decode(String.self)) ?? .staff,
                         createdAt: date(try c[3].decode(Int64.self)), disabledAt: try c[4].decode(Int64?.self).map(date))
    }
}

extension PostGISStore {
    public func addAPIKey(name: String) async throws(StoreError) -> (APIKey, secret: String) {
        let secret = "mk_" + (0..<32).map { _ in UInt8.random(in: 0...255) }.hex
        let now = millis(Date())
        let prefix = String(secret.prefix(10))
        let id = try await transaction { c in
            if try await c.guardedQuery("SELECT count(*) FROM api_keys WHERE name = \(name)", logger: self.logger).collect()[0].decode(Int.self) > 0 {
                throw StoreError.database("an API key named '\(name)' exists already")
            }
            let id = try await c.guardedQuery("""
                INSERT INTO api_keys (name, key_hash, prefix, created_at) VALUES (\(name), \(Self.hash(secret)), \(prefix), \(now)) RETURNING id
                """, logger: self.logger).collect()[0].decode(Int64.self)
            try await Self.logChange(.apiKeys, id, origin: self.origin, c, self.logger)
            return id
        }
        return (APIKey(id: id, name: name, prefix: prefix, createdAt: date(now), revokedAt: nil), secret)
    }

    public func apiKeys() async throws(StoreError) -> [APIKey] {
        try await fetch("SELECT id, name, prefix, created_at, revoked_at FROM api_keys ORDER BY id", Self.apiKey)
    }

    public func revokeAPIKey(_ nameOrId: String) async throws(StoreError) -> Bool {
        try await transaction { c in
            let revoked = try await c.guardedQuery("""
                UPDATE api_keys SET revoked_at = \(millis(Date()))
                WHERE (name = \(nameOrId) OR id = \(Int64(nameOrId) ?? -1)) AND revoked_at IS NULL RETURNING 1
                """, logger: self.logger).collect().count
            if revoked > 0 { try await Self.logChange(.apiKeys, nil, origin: self.origin, c, self.logger) }
            return revoked > 0
        }
    }

    public func apiKey(secret: String) async throws(StoreError) -> APIKey? {
        try await fetchOne("""
            SELECT id, name, prefix, created_at, revoked_at FROM api_keys WHERE key_hash = \(Self.hash(secret)) AND revoked_at IS NULL
            """, Self.apiKey)
    }

    static func apiKey(_ row: PostgresRow) throws -> APIKey {
        let (id, name, prefix, created, revoked) = try row.decode((Int64, String, String, Int64, Int64?).self)
        return APIKey(id: id, name: name, prefix: prefix, createdAt: date(created), revokedAt: revoked.map(date))
    }
}

extension PostGISStore {
    static let outboxColumns = "id, comment_id, recipient, subject, body, created_at, sent_at, attempts, last_error, next_attempt_at"

    public func outbox(unsentOnly: Bool) async throws(StoreError) -> [OutboxMessage] {
        try await fetch("""
            SELECT \(unescaped: Self.outboxColumns) FROM outbox \(unescaped: unsentOnly ? "WHERE sent_at IS NULL" : "") ORDER BY id
            """, Self.outboxMessage)
    }

    public func claimDueOutbox(at: Date, limit: Int, lease: TimeInterval) async throws(StoreError) -> [OutboxMessage] {
        let messages = try await write("""
            WITH due AS (
                SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= \(millis(at)) ORDER BY id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            )
            UPDATE outbox SET next_attempt_at = \(millis(at.addingTimeInterval(lease))) FROM due WHERE outbox.id = due.id
            RETURNING \(unescaped: Self.outboxColumns.split(separator: ",").map { "outbox." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            """, Self.outboxMessage)
        // As they were when claimed (due at their old time), oldest first.
        return messages.sorted { $0.id < $1.id }
    }

    public func recordSent(outboxId: Int64, at: Date) async throws(StoreError) {
        _ = try await write("""
            UPDATE outbox SET sent_at = \(millis(at)), attempts = attempts + 1, next_attempt_at = NULL WHERE id = \(outboxId)
            """) { _ in () }
    }

    public func recordFailure(outboxId: Int64, error: String, retryAt: Date?) async throws(StoreError) {
        _ = try await write("""
            UPDATE outbox SET attempts = attempts + 1, last_error = \(error), next_attempt_at = \(retryAt.map(millis))
            WHERE id = \(outboxId) AND sent_at IS NULL
            """) { _ in () }
    }

    public func requeueOutbox(ids: [Int64]?, at: Date) async throws(StoreError) -> Int {
        guard let ids else {
            return try await write("""
                UPDATE outbox SET next_attempt_at = \(millis(at)) WHERE sent_at IS NULL AND next_attempt_at IS NULL RETURNING 1
                """) { _ in () }.count
        }
        return try await write("""
            UPDATE outbox SET next_attempt_at = \(millis(at)) WHERE id = ANY(\(ids)) AND sent_at IS NULL RETURNING 1
            """) { _ in () }.count
    }

    static func outboxMessage(_ row: PostgresRow) throws -> OutboxMessage {
        let (id, comment, recipient, subject, body, created, sent, attempts, lastError, next) =
            try row.decode((Int64, Int64?, String, String, String, Int64, Int64?, Int, String?, Int64?).self)
        return OutboxMessage(id: id, commentId: comment, recipient: recipient, subject: subject, body: body, createdAt: date(created),
                             sentAt: sent.map(date), attempts: attempts, lastError: lastError, nextAttemptAt: next.map(date))
    }
}
