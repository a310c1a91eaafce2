import Foundation
import GRDB
import Geo

extension SpatiaLiteStore {
    public func districts() async throws(StoreError) -> [District] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, code, name, area_m2, properties, AsBinary(geom) AS wkb FROM districts ORDER BY id
                """).map(Self.district)
        }
    }

    public func districtCount() async throws(StoreError) -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM districts") ?? 0 }
    }

    public func importDistricts(_ districts: [NewDistrict], source: String, replacing: Bool) async throws(StoreError) -> [District] {
        var seen = Set<String>()
        for d in districts where !seen.insert(d.code).inserted { throw .duplicateDistrictCode(d.code) }
        let importedAt = ISO8601DateFormatter().string(from: Date())
        return try await write { db in
            let existing = try Int.fetchOne(db, sql: "SELECT count(*) FROM districts") ?? 0
            if existing > 0 {
                guard replacing else { throw StoreError.districtsExist(count: existing) }
                try db.execute(sql: "DELETE FROM districts")
            }
            let insert = try db.cachedStatement(sql: """
                INSERT INTO districts (code, name, area_m2, properties, source, imported_at, geom)
                VALUES (?, ?, ?, ?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, 4326)))
                """)
            try Self.logChange(.districts, nil, origin: self.origin, db)
            var stored: [District] = []
            for d in districts {
                let wkb = Data(WKB.encode(.multiPolygon(d.geometry.polygons)))
                try insert.execute(arguments: [d.code, d.name, d.areaSquareMetres, StoredJSON.encode(d.properties), source, importedAt, wkb])
                guard try Bool.fetchOne(db, sql: "SELECT geom IS NOT NULL FROM districts WHERE id = ?", arguments: [db.lastInsertedRowID]) == true else {
                    throw StoreError.database("SpatiaLite rejected the geometry of district '\(d.code)'")
                }
                stored.append(District(id: db.lastInsertedRowID, code: d.code, name: d.name,
                                       geometry: .multiPolygon(d.geometry.polygons),
                                       areaSquareMetres: d.areaSquareMetres, properties: d.properties))
            }
            return stored
        }
    }

    public func locateWithSQL(_ points: [Coordinate]) async throws(StoreError) -> [Int64?] {
        try await read { db in
            // The R*Tree narrows to candidates; ST_Covers decides, boundary included.
            let statement = try db.cachedStatement(sql: """
                SELECT min(d.id) FROM districts AS d
                WHERE d.ROWID IN (SELECT ROWID FROM SpatialIndex
                                  WHERE f_table_name = 'districts' AND f_geometry_column = 'geom'
                                    AND search_frame = MakePoint(?1, ?2, 4326))
                  AND ST_Covers(d.geom, MakePoint(?1, ?2, 4326)) = 1
                """)
            return try points.map { p in try Int64.fetchOne(statement, arguments: [p.x, p.y]) }
        }
    }

    static func district(_ row: Row) throws -> District {
        let wkb: Data = row["wkb"]
        return District(id: row["id"], code: row["code"], name: row["name"],
                        geometry: try WKB.decode([UInt8](wkb)),
                        areaSquareMetres: row["area_m2"], properties: StoredJSON.decodeProperties(row["properties"]))
    }
}
