import Foundation
import PostgresNIO

extension PostGISStore {
    public func rowCount(_ table: CopyTable) async throws(StoreError) -> Int {
        try await fetchOne("SELECT count(*) FROM \(unescaped: table.name)") { try $0.decode(Int.self) } ?? 0
    }

    public func readRows(_ table: CopyTable, after: Int64?, limit: Int) async throws(StoreError) -> [[StoredValue]] {
        let columns = table.columns.map { $0.kind == .geometry ? "ST_AsBinary(\($0.name))" : $0.name }.joined(separator: ", ")
        let query: PostgresQuery
        if let key = table.key {
            query = "SELECT \(unescaped: columns) FROM \(unescaped: table.name) WHERE \(unescaped: key) > \(after ?? Int64.min) ORDER BY \(unescaped: key) LIMIT \(limit)"
        } else {
            guard after == nil else { return [] }
            query = "SELECT \(unescaped: columns) FROM \(unescaped: table.name)"
        }
        return try await fetch(query) { row in
            let cells = row.makeRandomAccess()
            return try table.columns.indices.map { i -> StoredValue in
                let cell = cells[i]
                switch table.columns[i].kind {
                case .integer: return try cell.decode(Int64?.self).map(StoredValue.integer) ?? .null
                case .real: return try cell.decode(Double?.self).map(StoredValue.real) ?? .null
                case .text: return try cell.decode(String?.self).map(StoredValue.text) ?? .null
                case .boolean: return try cell.decode(Bool?.self).map { .integer($0 ? 1 : 0) } ?? .null
                case .geometry: return try cell.decode(ByteBuffer?.self).map { .blob(Array($0.readableBytesView)) } ?? .null
                }
            }
        }
    }

    /// One statement per batch: each column bound as one array, `unnest` makes the rows.
    public func writeRows(_ table: CopyTable, _ rows: [[StoredValue]]) async throws(StoreError) {
        guard !rows.isEmpty else { return }
        var b = PostgresBindings(capacity: table.columns.count)
        var unnested: [String] = [], selected: [String] = []
        for (i, column) in table.columns.enumerated() {
            let values = rows.map { $0[i] }
            switch column.kind {
            case .integer:
                b.append(NullableArray(values.map { if case .integer(let v) = $0 { v } else { nil } })); unnested.append("$\(b.count)::int8[]")
            case .real:
                b.append(NullableArray(values.map { value -> Double? in
                    switch value { case .real(let v): v; case .integer(let v): Double(v); default: nil }
                })); unnested.append("$\(b.count)::float8[]")
            case .text:
                b.append(NullableArray(values.map { if case .text(let v) = $0 { v } else { nil } })); unnested.append("$\(b.count)::text[]")
            case .boolean:
                b.append(NullableArray(values.map { if case .integer(let v) = $0 { v != 0 } else { nil } })); unnested.append("$\(b.count)::bool[]")
            case .geometry:
                b.append(NullableArray(values.map { if case .blob(let v) = $0 { ByteBuffer(bytes: v) } else { nil } }))
                unnested.append("$\(b.count)::bytea[]")
            }
            selected.append(column.kind == .geometry ? "ST_GeomFromWKB(c\(i), 4326)" : "c\(i)")
        }
        let aliases = table.columns.indices.map { "c\($0)" }.joined(separator: ", ")
        let sql = """
            INSERT INTO \(table.name) (\(table.columns.map(\.name).joined(separator: ", ")))
            SELECT \(selected.joined(separator: ", ")) FROM unnest(\(unnested.joined(separator: ", "))) AS copied (\(aliases))
            """
        _ = try await transaction { c in try await c.guardedQuery(PostgresQuery(unsafeSQL: sql, binds: b), logger: self.logger) }
    }

    /// Identity counters continue after the copied ids.
    public func finishCopy() async throws(StoreError) {
        try await transaction { c in
            for table in ["reports", "api_keys", "users", "report_updates", "plans", "plan_attachments", "plan_comments", "outbox"] {
                try await c.guardedQuery("""
                    SELECT setval(pg_get_serial_sequence(\(table), 'id'), (SELECT coalesce(max(id), 0) + 1 FROM \(unescaped: table)), false)
                    """, logger: self.logger)
            }
        }
    }
}
