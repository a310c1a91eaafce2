import Foundation
import GRDB

extension SpatiaLiteStore {
    public func services() async throws(StoreError) -> [Service] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT definition FROM services ORDER BY position").map { text in
                try JSONDecoder().decode(Service.self, from: Data(text.utf8))
            }
        }
    }

    public func replaceServices(_ services: [Service]) async throws(StoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let rows = try services.map { s throws(StoreError) -> (String, String) in
            do { return (s.code, String(decoding: try encoder.encode(s), as: UTF8.self)) } catch {
                throw .database("cannot encode service \(s.code): \(error)")
            }
        }
        try await write { db in
            try db.execute(sql: "DELETE FROM services")
            try Self.logChange(.services, nil, origin: self.origin, db)
            let insert = try db.cachedStatement(sql: "INSERT INTO services (code, position, definition) VALUES (?, ?, ?)")
            for (position, row) in rows.enumerated() { try insert.execute(arguments: [row.0, position, row.1]) }
        }
    }
}
