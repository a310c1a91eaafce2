import Foundation
import Geo
import PostgresNIO

extension PostGISStore {
    public func districts() async throws(StoreError) -> [District] {
        try await fetch("SELECT id, code, name, area_m2, properties, ST_AsBinary(geom) FROM districts ORDER BY id") { row in
            let (id, code, name, area, properties, wkb) = try row.decode((Int64, String, String, Double, String, ByteBuffer).self)
            return District(id: id, code: code, name: name, geometry: try WKB.decode(Array(wkb.readableBytesView)),
                            areaSquareMetres: area, properties: StoredJSON.decodeProperties(properties))
        }
    }

    public func districtCount() async throws(StoreError) -> Int {
        try await fetchOne("SELECT count(*) FROM districts") { try $0.decode(Int.self) } ?? 0
    }

    /// Ids are 1, 2, ... in the given order, as SpatiaLite gives them to a table emptied first.
    public func importDistricts(_ districts: [NewDistrict], source: String, replacing: Bool) async throws(StoreError) -> [District] {
        var seen = Set<String>()
        for d in districts where !seen.insert(d.code).inserted { throw .duplicateDistrictCode(d.code) }
        let importedAt = ISO8601DateFormatter().string(from: Date())
        return try await transaction { c in
            // One import at a time: the count and the delete below must see the same table.
            try await c.guardedQuery("LOCK TABLE districts IN SHARE ROW EXCLUSIVE MODE", logger: self.logger)
            let existing = try await c.guardedQuery("SELECT count(*) FROM districts", logger: self.logger).collect()[0].decode(Int.self)
            if existing > 0 {
                guard replacing else { throw StoreError.districtsExist(count: existing) }
                try await c.guardedQuery("DELETE FROM districts", logger: self.logger)
            }
            try await Self.logChange(.districts, nil, origin: self.origin, c, self.logger)
            var stored: [District] = []
            for (index, d) in districts.enumerated() {
                let id = Int64(index + 1)
                let wkb = ByteBuffer(bytes: WKB.encode(.multiPolygon(d.geometry.polygons)))
                do {
                    try await c.guardedQuery("""
                        INSERT INTO districts (id, code, name, area_m2, properties, source, imported_at, geom)
                        VALUES (\(id), \(d.code), \(d.name), \(d.areaSquareMetres), \(StoredJSON.encode(d.properties)), \(source),
                                \(importedAt), ST_Multi(ST_GeomFromWKB(\(wkb), 4326)))
                        """, logger: self.logger)
                } catch {
                    throw StoreError.database("PostGIS rejected the geometry of district '\(d.code)': \(Self.message(error))")
                }
                stored.append(District(id: id, code: d.code, name: d.name, geometry: .multiPolygon(d.geometry.polygons),
                                       areaSquareMetres: d.areaSquareMetres, properties: d.properties))
            }
            return stored
        }
    }

    /// The GiST index narrows to candidates; ST_Covers decides, boundary included; the smallest
    /// id wins where districts share a boundary. One statement for every point.
    public func locateWithSQL(_ points: [Coordinate]) async throws(StoreError) -> [Int64?] {
        guard !points.isEmpty else { return [] }
        return try await fetch("""
            SELECT (SELECT min(d.id) FROM districts AS d WHERE ST_Covers(d.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326)))
            FROM unnest(\(points.map(\.x))::float8[], \(points.map(\.y))::float8[]) WITH ORDINALITY AS p (x, y, n)
            ORDER BY p.n
            """) { try $0.decode(Int64?.self) }
    }
}

extension PostGISStore {
    public func services() async throws(StoreError) -> [Service] {
        try await fetch("SELECT definition FROM services ORDER BY position") { row in
            try JSONDecoder().decode(Service.self, from: Data(try row.decode(String.self).utf8))
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
        try await transaction { c in
            try await c.guardedQuery("DELETE FROM services", logger: self.logger)
            try await Self.logChange(.services, nil, origin: self.origin, c, self.logger)
            try await c.guardedQuery("""
                INSERT INTO services (code, position, definition)
                SELECT code, n - 1, definition FROM unnest(\(rows.map(\.0))::text[], \(rows.map(\.1))::text[]) WITH ORDINALITY AS s (code, definition, n)
                """, logger: self.logger)
        }
    }
}
