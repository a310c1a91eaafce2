import Foundation
import GRDB

extension SpatiaLiteStore {
    public func rowCount(_ table: CopyTable) async throws(StoreError) -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0 }
    }

    public func readRows(_ table: CopyTable, after: Int64?, limit: Int) async throws(StoreError) -> [[StoredValue]] {
        let columns = table.columns.map { $0.kind == .geometry ? "AsBinary(\($0.name))" : $0.name }.joined(separator: ", ")
        let sql: String
        let arguments: StatementArguments
        if let key = table.key {
            sql = "SELECT \(columns) FROM \(table.name) WHERE \(key) > ? ORDER BY \(key) LIMIT ?"
            arguments = [after ?? Int64.min, limit]
        } else {
            guard after == nil else { return [] }
            sql = "SELECT \(columns) FROM \(table.name) ORDER BY rowid"
            arguments = []
        }
        return try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                row.databaseValues.map { value -> StoredValue in
                    switch value.storage {
                    case .null: .null
                    case .int64(let i): .integer(i)
                    case .double(let d): .real(d)
                    case .string(let s): .text(s)
                    case .blob(let b): .blob([UInt8](b))
                    }
                }
            }
        }
    }

    /// Geometry arrives as WKB; a report's point is made from its lon/lat, as intake makes it.
    public func writeRows(_ table: CopyTable, _ rows: [[StoredValue]]) async throws(StoreError) {
        var names = table.columns.map(\.name)
        var marks = table.columns.map { $0.kind == .geometry ? "GeomFromWKB(?, 4326)" : "?" }
        var point: (Int, Int)? = nil
        if table.derivedGeometry, let lon = names.firstIndex(of: "lon"), let lat = names.firstIndex(of: "lat") {
            names.append("geom")
            marks.append("MakePoint(?, ?, 4326)")
            point = (lon, lat)
        }
        let pointFrom = point
        let sql = "INSERT INTO \(table.name) (\(names.joined(separator: ", "))) VALUES (\(marks.joined(separator: ", ")))"
        try await write { db in
            let insert = try db.cachedStatement(sql: sql)
            for row in rows {
                var values = row.map(Self.databaseValue)
                if let (lon, lat) = pointFrom { values += [values[lon], values[lat]] }
                try insert.execute(arguments: StatementArguments(values))
            }
        }
    }

    /// Reports' R*Tree is filled by the store's insert path, not a trigger (migration v10).
    public func finishCopy() async throws(StoreError) {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO idx_reports_geom (pkid, xmin, xmax, ymin, ymax)
                SELECT id, lon, lon, lat, lat FROM reports WHERE id NOT IN (SELECT pkid FROM idx_reports_geom)
                """)
        }
    }

    static func databaseValue(_ value: StoredValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let i): i.databaseValue
        case .real(let d): d.databaseValue
        case .text(let s): s.databaseValue
        case .blob(let b): Data(b).databaseValue
        }
    }
}
