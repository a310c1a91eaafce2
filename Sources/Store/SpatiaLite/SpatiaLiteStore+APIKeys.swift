import Foundation
import GRDB

extension SpatiaLiteStore {
    public func addAPIKey(name: String) async throws(StoreError) -> (APIKey, secret: String) {
        let secret = "mk_" + (0..<32).map { _ in UInt8.random(in: 0...255) }.hex
        let now = Date()
        let prefix = String(secret.prefix(10))
        let id = try await write { db in
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM api_keys WHERE name = ?", arguments: [name]) ?? 0 > 0 {
                throw StoreError.database("an API key named '\(name)' exists already")
            }
            try db.execute(sql: "INSERT INTO api_keys (name, key_hash, prefix, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [name, Self.hash(secret), prefix, millis(now)])
            let id = db.lastInsertedRowID
            try Self.logChange(.apiKeys, id, origin: self.origin, db)
            return id
        }
        return (APIKey(id: id, name: name, prefix: prefix, createdAt: date(millis(now)), revokedAt: nil), secret)
    }

    public func apiKeys() async throws(StoreError) -> [APIKey] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY id").map(Self.apiKey) }
    }

    public func revokeAPIKey(_ nameOrId: String) async throws(StoreError) -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE (name = ? OR id = ?) AND revoked_at IS NULL",
                           arguments: [millis(Date()), nameOrId, Int64(nameOrId) ?? -1])
            guard db.changesCount > 0 else { return false }
            try Self.logChange(.apiKeys, nil, origin: self.origin, db)
            return true
        }
    }

    public func apiKey(secret: String) async throws(StoreError) -> APIKey? {
        let hash = Self.hash(secret)
        return try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", arguments: [hash]).map(Self.apiKey)
        }
    }

    static func apiKey(_ row: Row) -> APIKey {
        APIKey(id: row["id"], name: row["name"], prefix: row["prefix"], createdAt: date(row["created_at"]),
               revokedAt: (row["revoked_at"] as Int64?).map(date))
    }
}
