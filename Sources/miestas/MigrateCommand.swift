import ArgumentParser
import Foundation
import Store

/// `miestas migrate`: a whole database from one backend into another (SpatiaLite ⇄ PostgreSQL).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a whole database into an empty one: a SpatiaLite file into PostgreSQL/PostGIS, or back.",
        discussion: """
            Copies every table row for row (reports with their history, districts, the service catalogue, staff and their \
            tokens, API keys, plans with their versions, attachments, comments and answers, the audit log and the outbox) \
            with the same ids and hashes, then the uploaded files (photos, plan documents) from one media folder to the \
            other. Refuses a target that holds anything. Stop the servers on the source first: rows written during the \
            copy may be missed. Afterwards the counts are checked and the target's audit chain is verified.
            Examples:
              miestas migrate --from var/miestas.sqlite --to postgres://miestas@db.example.lt/miestas --to-media /srv/miestas/media
              miestas migrate --from 'postgresql:///miestas?host=/run/postgresql' --to var/copy.sqlite
            """)

    @Option(help: ArgumentHelp("The database to copy: a SpatiaLite file or a PostgreSQL URL.", valueName: "path-or-url"))
    var from: String
    @Option(help: ArgumentHelp("The empty database to copy into (a SpatiaLite file is created).", valueName: "path-or-url"))
    var to: String
    @Option(help: ArgumentHelp("The source's media folder. Default: as `--media` would be for --from.", valueName: "folder"))
    var fromMedia: String?
    @Option(help: ArgumentHelp("The target's media folder. Default: as `--media` would be for --to.", valueName: "folder"))
    var toMedia: String?

    func run() async throws {
        guard from != to else { throw fail("--from and --to name the same database") }
        let source: any MiestasStore, target: any MiestasStore
        do {
            source = try await openStore(from, options: StoreOptions(mediaDirectory: fromMedia.map { URL(fileURLWithPath: $0) }))
            target = try await openStore(to, options: StoreOptions(mediaDirectory: toMedia.map { URL(fileURLWithPath: $0) }))
        } catch { throw fail(error) }
        note("copying \(source.location) (\(source.backend.rawValue)) into \(target.location) (\(target.backend.rawValue))")
        let counts: [(table: String, rows: Int)]
        do {
            counts = try await StoreCopy(from: source, to: target).run { p in
                if p.copied == p.total || p.copied % 50_000 == 0 { note("  \(p.table): \(p.copied)/\(p.total)") }
            }
        } catch { throw fail(error) }
        let files: Int
        do { files = try copyMedia(from: source.media, to: target.media) } catch { throw fail("copying the media files: \(error)") }
        let entries: [AuditEntry]
        do { entries = try await target.auditEntries(planId: nil) } catch { throw fail(error) }
        if let broken = AuditChain.verify(entries) { throw fail("the copied audit log is broken at entry \(broken.entryId): \(broken.reason)") }
        await source.close()
        await target.close()
        let rows = counts.map(\.rows).reduce(0, +)
        print("copied \(rows) rows in \(counts.count) tables and \(files) media files; audit log intact (\(entries.count) entries)")
        for (table, n) in counts where n > 0 { print("  \(table): \(n)") }
    }

    /// Every stored file the target lacks (files are named by their content, so a present name is the same file).
    func copyMedia(from source: MediaLibrary, to target: MediaLibrary) throws -> Int {
        guard source.directory.standardizedFileURL != target.directory.standardizedFileURL,
              let names = try? FileManager.default.contentsOfDirectory(atPath: source.directory.path) else { return 0 }
        var copied = 0
        for name in names.sorted() where MediaLibrary.isValidName(name) && target.file(named: name) == nil {
            let bytes = try [UInt8](Data(contentsOf: source.directory.appendingPathComponent(name)))
            let ext = String(name.split(separator: ".")[1])
            _ = try target.store(bytes, fileExtension: ext)
            copied += 1
        }
        return copied
    }
}
