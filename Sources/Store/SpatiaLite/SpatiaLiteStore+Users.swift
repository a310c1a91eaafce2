import Foundation
import GRDB

extension SpatiaLiteStore {
    public func addUser(username: String, role: StaffUser.Role, passwordHash: String) async throws(StoreError) -> StaffUser {
        let now = Date()
        return try await write { db in
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM users WHERE username = ?", arguments: [username]) ?? 0 > 0 {
                throw StoreError.database("a user named '\(username)' exists already")
            }
            try db.execute(sql: "INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [username, role.rawValue, passwordHash, millis(now)])
            return StaffUser(id: db.lastInsertedRowID, username: username, role: role, createdAt: date(millis(now)))
        }
    }

    public func users() async throws(StoreError) -> [StaffUser] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY id").map(Self.user) }
    }

    public func userForLogin(username: String) async throws(StoreError) -> (StaffUser, passwordHash: String)? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE username = ? AND disabled_at IS NULL", arguments: [username])
                .map { (Self.user($0), $0["password_hash"] as String) }
        }
    }

    public func storeToken(_ token: String, userId: Int64, expiresAt: Date) async throws(StoreError) {
        let hash = Self.hash(token)
        try await write { db in
            try db.execute(sql: "INSERT INTO user_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                           arguments: [hash, userId, millis(Date()), millis(expiresAt)])
        }
    }

    public func user(token: String, at now: Date) async throws(StoreError) -> StaffUser? {
        let hash = Self.hash(token)
        return try await read { db in
            try Row.fetchOne(db, sql: """
                SELECT u.* FROM user_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.disabled_at IS NULL
                """, arguments: [hash, millis(now)]).map(Self.user)
        }
    }

    public func revokeToken(_ token: String) async throws(StoreError) -> Bool {
        let hash = Self.hash(token)
        return try await write { db in
            try db.execute(sql: "UPDATE user_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                           arguments: [millis(Date()), hash])
            return db.changesCount > 0
        }
    }

    public func providerUser(username: String, role: StaffUser.Role) async throws(StoreError) -> StaffUser? {
        let now = Date()
        return try await write { db in
            try db.execute(sql: """
                INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, '', ?)
                ON CONFLICT (username) DO UPDATE SET role = excluded.role
                """, arguments: [username, role.rawValue, millis(now)])
            return try Row.fetchOne(db, sql: "SELECT * FROM users WHERE username = ? AND disabled_at IS NULL", arguments: [username]).map(Self.user)
        }
    }

    static func user(_ row: Row) -> StaffUser {
        StaffUser(id: row["id"], username: row["username"], role: StaffUser.Role(rawValue: row["role"]) ?? .staff,
                  createdAt: date(row["created_at"]), disabledAt: (row["disabled_at"] as Int64?).map(date))
    }
}
