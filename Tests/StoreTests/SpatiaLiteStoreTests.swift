import Foundation
import Geo
import GRDB
import Testing
@testable import Store

/// A fresh database file in a temporary folder, removed when the test ends.
final class TemporaryDatabase {
    let directory: URL
    let store: SpatiaLiteStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-store-\(UUID().uuidString)")
        store = try SpatiaLiteStore(path: directory.appendingPathComponent("nested/test.sqlite").path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

private func square(_ x: Double, _ y: Double, _ size: Double) -> Geometry {
    .multiPolygon([Polygon(shell: [Coordinate(x, y), Coordinate(x + size, y), Coordinate(x + size, y + size),
                                   Coordinate(x, y + size), Coordinate(x, y)])])
}

private func district(_ code: String, _ geometry: Geometry) -> NewDistrict {
    NewDistrict(code: code, name: "District \(code)", geometry: geometry, areaSquareMetres: 1, properties: ["source_id": .integer(7)])
}

@Suite struct SpatiaLiteStoreTests {
    @Test func createsWALDatabaseWithMigrationsAndSpatialIndex() async throws {
        let db = try TemporaryDatabase()
        #expect(try await db.store.journalMode() == "wal")
        // Durable commits: FULL on the writer (GRDB's pool would otherwise leave it NORMAL).
        #expect(try await db.store.writerSynchronous() == 2)
        let applied = try await db.store.appliedMigrations()
        #expect(applied == SpatiaLiteMigrations.migrator.migrations)
        let versions = try await db.store.libraryVersions()
        #expect(versions["spatialite"]?.hasPrefix("5.") == true)
        // Every geometry column has its R*Tree.
        let columns = try await db.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT f_table_name || '.' || f_geometry_column AS name, spatial_index_enabled FROM geometry_columns")
        }
        #expect(Set(columns.map { $0["name"] as String }).isSuperset(of: ["districts.geom", "reports.geom"]))
        #expect(columns.allSatisfy { $0["spatial_index_enabled"] as Int == 1 })
        // SpatiaLite's own check of each R*Tree against its table (1 = consistent).
        let checks = try await db.store.pool.read { db in
            try Int.fetchAll(db, sql: "SELECT CheckSpatialIndex(f_table_name, f_geometry_column) FROM geometry_columns")
        }
        #expect(checks.allSatisfy { $0 == 1 })
    }

    @Test func reopeningKeepsDataAndDoesNotReMigrate() async throws {
        let db = try TemporaryDatabase()
        _ = try await db.store.importDistricts([district("a", square(0, 0, 1))], source: "t", replacing: false)
        let again = try SpatiaLiteStore(path: db.store.path)
        #expect(try await again.districtCount() == 1)
        #expect(try await again.appliedMigrations() == (try await db.store.appliedMigrations()))
    }

    @Test func storesAndReadsDistrictsExactly() async throws {
        let db = try TemporaryDatabase()
        let g = Geometry.multiPolygon([
            Polygon(shell: [Coordinate(23.1234567891, 54.1), Coordinate(23.3, 54.1), Coordinate(23.3, 54.3), Coordinate(23.1234567891, 54.1)]),
        ])
        let stored = try await db.store.importDistricts([district("šan", g), district("b", square(1, 1, 1))], source: "t", replacing: false)
        #expect(stored.map(\.id) == [1, 2])
        let read = try await db.store.districts()
        #expect(read == stored)
        #expect(read[0].geometry == g)  // bit-identical through WKB and SpatiaLite
        #expect(read[0].properties["source_id"] == .integer(7))
    }

    @Test func importIsAllOrNothing() async throws {
        let db = try TemporaryDatabase()
        _ = try await db.store.importDistricts([district("a", square(0, 0, 1))], source: "t", replacing: false)
        // Refused without replacing.
        await #expect(throws: StoreError.districtsExist(count: 1)) {
            try await db.store.importDistricts([district("b", square(0, 0, 1))], source: "t", replacing: false)
        }
        // A duplicate code fails before anything is written, even when replacing.
        await #expect(throws: StoreError.duplicateDistrictCode("x")) {
            try await db.store.importDistricts([district("x", square(0, 0, 1)), district("x", square(2, 2, 1))], source: "t", replacing: true)
        }
        // A geometry SpatiaLite rejects half-way through rolls back the delete and the inserts.
        await #expect(throws: StoreError.self) {
            try await db.store.importDistricts([district("ok", square(0, 0, 1)), district("bad", .point(Coordinate(1, 1)))],
                                               source: "t", replacing: true)
        }
        #expect(try await db.store.districts().map(\.code) == ["a"])
        // Replacing works and ids start again from 1.
        let replaced = try await db.store.importDistricts([district("c", square(0, 0, 1)), district("d", square(5, 5, 1))], source: "t", replacing: true)
        #expect(replaced.map(\.id) == [1, 2])
        #expect(try await db.store.districts().map(\.code) == ["c", "d"])
    }

    @Test func sqlLocateUsesCoversAndTheSmallestId() async throws {
        let db = try TemporaryDatabase()
        _ = try await db.store.importDistricts([district("west", square(0, 0, 1)), district("east", square(1, 0, 1))], source: "t", replacing: false)
        let answers = try await db.store.locateWithSQL([
            Coordinate(0.5, 0.5), Coordinate(1.5, 0.5), Coordinate(1, 0.5), Coordinate(2, 0.5), Coordinate(3, 3),
        ])
        #expect(answers == [1, 2, 1, 2, nil])
    }

    @Test func unwritablePathIsAClearError() {
        #expect {
            try SpatiaLiteStore(path: "/proc/miestas/test.sqlite")
        } throws: { error in
            "\(error)".contains("/proc/miestas")
        }
    }
}

/// `bulkLoad`: one sync at the end, and the store durable (FULL) again afterwards, whatever happened.
@Suite struct BulkLoadTests {
    @Test func writesEverythingIntoTheDatabaseFileAndRestoresDurableCommits() async throws {
        let db = try TemporaryDatabase()
        let wal = db.store.path + "-wal"
        let inserted = try await db.store.bulkLoad {
            await db.store.insertReports((0..<300).map { i in
                NewReport(serviceCode: "pothole", location: Coordinate(23.9 + Double(i) * 1e-4, 54.9), externalId: "bulk-\(i)")
            })
        }
        #expect(inserted.allSatisfy { if case .success = $0 { true } else { false } })
        // Checkpointed and truncated: the rows are in the database file itself.
        let walSize = (try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(walSize == 0)
        #expect(try await db.store.writerSynchronous() == 2)
        #expect(try await db.store.existingExternalIds(["bulk-0", "bulk-299"]).count == 2)
    }

    /// The R*Tree is filled per transaction, not by a trigger: every stored report is in it at
    /// its point, whether its batch went in whole or one by one after a refused report, and a
    /// bbox query finds exactly the reports inside.
    @Test func everyStoredReportIsInTheRTree() async throws {
        let db = try TemporaryDatabase()
        func report(_ i: Int, id: String? = nil) -> NewReport {
            NewReport(serviceCode: "pothole", location: Coordinate(23.9 + Double(i) * 1e-3, 54.9 + Double(i) * 1e-3), externalId: id ?? "r-\(i)")
        }
        let whole = await db.store.insertReports((0..<50).map { report($0) })
        #expect(whole.allSatisfy { if case .success = $0 { true } else { false } })
        // A repeated external id fails its transaction: the batch is stored one by one.
        let split = await db.store.insertReportsBlocking((50..<60).map { report($0) } + [report(60, id: "r-3")])
        #expect(split.filter { if case .success = $0 { true } else { false } }.count == 10)
        let (entries, mismatched) = try await db.store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM idx_reports_geom") ?? -1,
             try Int.fetchOne(db, sql: """
                SELECT count(*) FROM reports r LEFT JOIN idx_reports_geom i ON i.pkid = r.id
                WHERE i.pkid IS NULL OR abs(i.xmin - r.lon) > 1e-4 OR abs(i.ymin - r.lat) > 1e-4
                """) ?? -1)
        }
        #expect(entries == 60 && mismatched == 0)
        let inBox = try await db.store.reports(ReportQuery(bbox: BoundingBox(minX: 23.9095, minY: 54.9095, maxX: 23.9205, maxY: 54.9205)))
        #expect(Set(inBox.compactMap(\.details.externalId)) == Set((10...20).map { "r-\($0)" }))
    }

    @Test func aFailingLoadStillRestoresDurableCommits() async throws {
        struct Stop: Error {}
        let db = try TemporaryDatabase()
        await #expect(throws: StoreError.self) { try await db.store.bulkLoad { throw Stop() } }
        #expect(try await db.store.writerSynchronous() == 2)
    }
}
