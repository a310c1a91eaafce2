import ArgumentParser
import Foundation
import Store

/// `miestas backup FOLDER` and `miestas restore FOLDER`: a SpatiaLite database and its media.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database and its media folder into a new folder, while the server runs (SpatiaLite).",
        discussion: """
            Writes FOLDER/miestas.sqlite (a consistent snapshot, by SQLite's VACUUM INTO: the server goes on reading \
            and writing meanwhile) and copies the media files into FOLDER/media (files are named by their content and \
            never change, so a plain copy is consistent). With PostgreSQL use pg_dump -Fc and copy the media folder \
            (docs/operators.md). `miestas restore FOLDER` puts a backup back.
            """)
    @OptionGroup var options: SettingsOptions
    @Argument(help: ArgumentHelp("A new (or empty) folder for the backup.", valueName: "folder")) var folder: String

    func run() async throws {
        let store = try await options.open()
        let target = URL(fileURLWithPath: folder)
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: target.path), !existing.isEmpty {
            throw fail("\(folder) is not empty: back up into a new folder")
        }
        do {
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try await store.backupDatabase(to: target.appendingPathComponent("miestas.sqlite").path)
        } catch { throw fail(error) }
        let files: Int
        do { files = try copyFiles(from: store.media.directory, to: target.appendingPathComponent("media")) } catch { throw fail(error) }
        print("backed up \(store.location) into \(target.path)/miestas.sqlite and \(files) media files")
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup made by `miestas backup` back as the database (SpatiaLite), with its media; stop the server first.",
        discussion: "Refuses to overwrite a database that exists unless --replace is given.")
    @OptionGroup var options: SettingsOptions
    @Argument(help: ArgumentHelp("The backup's folder.", valueName: "folder")) var folder: String
    @Flag(help: "Replace the database if there is one.") var replace = false

    func run() async throws {
        let settings = try options.load()
        guard !settings.storage.isPostgreSQL else { throw fail("restore PostgreSQL with pg_restore (docs/operators.md)") }
        let source = URL(fileURLWithPath: folder)
        let backup = source.appendingPathComponent("miestas.sqlite")
        guard FileManager.default.fileExists(atPath: backup.path) else { throw fail("\(backup.path) does not exist: not a backup folder") }
        let database = URL(fileURLWithPath: settings.storage.database)
        let fm = FileManager.default
        if fm.fileExists(atPath: database.path) {
            guard replace else { throw fail("\(database.path) exists: pass --replace to replace it (stop the server first)") }
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: database.path + suffix) }
        }
        do {
            try fm.createDirectory(at: database.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: backup, to: database)
        } catch { throw fail("cannot restore into \(database.path): \(error.localizedDescription)") }
        let files: Int
        do { files = try copyFiles(from: source.appendingPathComponent("media"), to: URL(fileURLWithPath: settings.storage.mediaFolder)) } catch { throw fail(error) }
        // Opening checks it and brings its schema up to date.
        let store = try await options.open(settings)
        let entries: [AuditEntry]
        do { entries = try await store.auditEntries(planId: nil) } catch { throw fail(error) }
        if let broken = AuditChain.verify(entries) { throw fail("the restored audit log is broken at entry \(broken.entryId): \(broken.reason)") }
        print("restored \(database.path) (\(try await store.reportCount()) reports, audit log intact) and \(files) media files")
    }
}

/// Copies the media files `to` lacks (same name, same content).
func copyFiles(from source: URL, to target: URL) throws -> Int {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: source.path) else { return 0 }
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
    var copied = 0
    for name in names where MediaLibrary.isValidName(name) && !FileManager.default.fileExists(atPath: target.appendingPathComponent(name).path) {
        try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
        copied += 1
    }
    return copied
}
