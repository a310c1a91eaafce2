import Foundation
import Store
import Testing

/// `miestas backup` while a writer keeps writing, then `miestas restore` into another place:
/// the copy is consistent (its audit chain verifies, its reports are a prefix of the live ones)
/// and has its media files.
@Suite(.serialized) struct BackupCommandTests {
    @Test func anOnlineBackupRestoresWhole() async throws {
        let cli = CLI()
        let live = try await MigrateCommandTests.fill(cli)
        let folder = URL(fileURLWithPath: cli.database).deletingLastPathComponent()
        // A writer keeps going while the backup runs.
        let writer = Task {
            var n = 0
            while !Task.isCancelled, n < 2_000 {
                _ = await live.insertReports((0..<20).map { i in
                    NewReport(serviceCode: "pothole", location: .init(23.9 + Double(i) * 1e-4, 54.9), source: "test")
                })
                n += 20
            }
        }
        let backup = folder.appendingPathComponent("backup").path
        let made = try cli.run(["backup", backup])
        writer.cancel()
        _ = await writer.value
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("and 1 media files"))
        #expect(try cli.run(["backup", backup]).status != 0)  // never over an earlier backup

        let restored = folder.appendingPathComponent("restored/db.sqlite").path
        let back = try cli.run(["restore", backup, "--database", restored], withDatabase: false)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(back.stdout.contains("audit log intact"))
        #expect(try cli.run(["restore", backup, "--database", restored], withDatabase: false).status != 0)
        let copy = try SpatiaLiteStore(path: restored)
        let copied = try await copy.reports(ReportQuery(limit: 10_000)).sorted { $0.id < $1.id }
        let now = try await live.reports(ReportQuery(limit: 10_000)).sorted { $0.id < $1.id }
        #expect(copied.count >= 30 && copied == Array(now.prefix(copied.count)))
        #expect(try await copy.auditEntries(planId: nil) == (try await live.auditEntries(planId: nil)))
        let file = try #require(try await copy.attachments(planId: try await copy.plans()[0].id).first).file
        #expect(copy.media.file(named: file) != nil)
    }
}
