import Foundation
import Testing
import TestSupport
@testable import Store

/// A database made by the previous release (Fixtures/README.md) opens under today's code, is
/// migrated, and keeps everything: every table's rows, the audit chain, the files; it takes new
/// writes; and it moves into PostgreSQL whole.
@Suite struct UpgradeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A copy of the fixture in a temporary folder (the committed file stays as it was).
    static func copy() throws -> (store: SpatiaLiteStore, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("previous-release.sqlite"), to: folder.appendingPathComponent("db.sqlite"))
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("previous-release-media"), to: folder.appendingPathComponent("media"))
        return (try SpatiaLiteStore(path: folder.appendingPathComponent("db.sqlite").path), folder)
    }

    static let expected = ["districts": 11, "services": 8, "reports": 495, "users": 5, "api_keys": 1, "plans": 2, "plan_versions": 3,
                           "plan_comments": 16, "plan_answers": 6, "audit_log": 55, "outbox": 5, "plan_attachments": 1]

    @Test func thePreviousReleasesDatabaseMigratesWithNothingLost() async throws {
        let (store, folder) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await store.appliedMigrations() == SpatiaLiteMigrations.migrator.migrations)
        for table in StoreTables.all {
            if let n = Self.expected[table.name] { #expect(try await store.rowCount(table) == n, "\(table.name)") }
        }
        let entries = try await store.auditEntries(planId: nil)
        #expect(entries.count == 55 && AuditChain.verify(entries) == nil)
        let first = try await store.attachments(planId: 1), second = try await store.attachments(planId: 2)
        let attachment = try #require((first + second).first)
        #expect(store.media.file(named: attachment.file) != nil)
        // It takes new writes, with the new tables.
        let added = try await store.insertReports([NewReport(serviceCode: "pothole", location: .init(23.9, 54.9), source: "test")])
        #expect(try added[0].get().id == 496)
        #expect(try await store.sharedSecret("web.forms").count == 32)
        #expect(try await store.reportCount() == 496)
    }

    @Test func thePreviousReleasesDatabaseMovesIntoPostgreSQL() async throws {
        guard let target = try await TestStores.make(.postGIS) else { return }
        let (store, folder) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let counts = try await StoreCopy(from: store, to: target.store).run()
        for (table, n) in counts { if let expected = Self.expected[table] { #expect(n == expected, "\(table)") } }
        let entries = try await target.store.auditEntries(planId: nil)
        #expect(entries.count == 55 && AuditChain.verify(entries) == nil)
        #expect(try await target.store.reports(ReportQuery(limit: 1_000)) == (try await store.reports(ReportQuery(limit: 1_000))))
    }
}
