import Crypto
import Foundation
import GRDB
import GRDBSQLite

/// The embedded store: one SQLite file with SpatiaLite loaded, in WAL mode, with one writer
/// and concurrent readers (GRDB's DatabasePool). Every aggregate's protocol is implemented on
/// it in a file of its own (`SpatiaLiteStore+Districts.swift`, ...).
public final class SpatiaLiteStore: MiestasStore, Sendable {
    public let path: String
    public let media: MediaLibrary
    /// This store's name in the change log (one per process that opens the file).
    public let origin = UUID().uuidString
    let pool: DatabasePool

    public var backend: StoreBackend { .spatiaLite }
    public var location: String { path }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// Uploads go to `media` (default: the `media` folder beside the database file).
    public init(path: String, media: MediaLibrary? = nil) throws(StoreError) {
        self.path = path
        self.media = media ?? MediaLibrary(besideDatabase: path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(path: path, reason: "cannot create \(directory.path): \(error.localizedDescription)")
        }
        var config = Configuration()
        config.prepareDatabase { db in
            try Self.loadExtension(db)
            // Checkpoint the WAL every ~32 MB rather than every 4 MB: under sustained intake each
            // checkpoint rewrites and syncs the pages the R*Tree and indexes share.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8000")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // 32 MB of page cache per connection (SQLite's default is 2 MB): a million reports
            // with their indexes and R*Tree stay mostly in memory for writes and queries.
            try db.execute(sql: "PRAGMA cache_size = -32768")
            // Statement journals in memory: every INSERT into `reports` fires the R*Tree trigger,
            // so SQLite keeps a journal per statement to undo just that statement; in a temporary
            // file (the default) that was two pwrite calls per page touched, ~260,000 for the
            // Boston import, more than the database itself was written.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB sets `synchronous = NORMAL` on a pool's writer after `prepareDatabase`, which
            // would make a commit durable only at the next checkpoint: set FULL again on the one
            // writer connection, so every acknowledged write is on disk (an fsync per commit).
            try pool.barrierWriteWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.classify(error, path: path)
        }
        try migrate()
    }

    /// Runs a bulk load (a command-line import) with one sync at the end instead of one per
    /// commit: meanwhile commits are atomic but not synced (`synchronous = NORMAL`) and the WAL is
    /// not checkpointed; at the end one checkpoint copies it into the database file and syncs both,
    /// so what `body` wrote is durable when this returns, as with FULL. A power cut midway loses
    /// the last unsynced batches, never consistency; imports are idempotent, so running it again
    /// finishes the job. Not for the server: its writes must stay durable one by one.
    public func bulkLoad<T: Sendable>(_ body: () async throws -> T) async throws(StoreError) -> T {
        func setting(_ sql: String) throws(StoreError) {
            do { try pool.barrierWriteWithoutTransaction { db in try db.execute(sql: sql) } } catch { throw .database("\(error)") }
        }
        try setting("PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0")
        let result: Result<T, Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        try setting("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 8000")
        switch result {
        case .success(let value): return value
        case .failure(let error as StoreError): throw error
        case .failure(let error): throw .database("\(error)")
        }
    }

    private static func classify(_ error: Error, path: String) -> StoreError {
        if let e = error as? DatabaseError, let message = e.message, message.contains("spatialite") {
            return .spatiaLiteUnavailable(message)
        }
        if let e = error as? DatabaseError {
            return .cannotOpen(path: path, reason: e.message ?? "\(e)")
        }
        return .cannotOpen(path: path, reason: "\(error)")
    }

    /// Loads mod_spatialite into a connection, allowing extension loading only for that call.
    static func loadExtension(_ db: Database) throws {
        guard let connection = db.sqliteConnection else { return }
        sqlite3_enable_load_extension(connection, 1)
        defer { sqlite3_enable_load_extension(connection, 0) }
        var message: UnsafeMutablePointer<CChar>? = nil
        if sqlite3_load_extension(connection, "mod_spatialite", nil, &message) != SQLITE_OK {
            let reason = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw StoreError.spatiaLiteUnavailable(reason)
        }
    }

    private func migrate() throws(StoreError) {
        do {
            // InitSpatialMetadata manages its own transaction, so it runs before the migrator's.
            try pool.writeWithoutTransaction { db in
                if try !db.tableExists("spatial_ref_sys") {
                    try db.execute(sql: "SELECT InitSpatialMetadata(1, 'WGS84')")
                }
            }
            try SpatiaLiteMigrations.migrator.migrate(pool)
        } catch {
            throw .database("migration failed: \(error)")
        }
    }

    /// Versions of the libraries inside the database connection, for health checks and `--version`.
    public func libraryVersions() async throws(StoreError) -> [String: String] {
        try await read { db in
            let row = try Row.fetchOne(db, sql: "SELECT sqlite_version(), spatialite_version(), proj_version(), geos_version()")!
            return ["sqlite": row[0], "spatialite": row[1], "proj": row[2], "geos": row[3]]
        }
    }

    /// The applied migrations, oldest first.
    public func appliedMigrations() async throws(StoreError) -> [String] {
        try await read { db in try SpatiaLiteMigrations.migrator.appliedMigrations(db) }
    }

    /// `VACUUM INTO` reads one snapshot (a read transaction: writers go on) into a new, compact file.
    public func backupDatabase(to file: String) async throws(StoreError) {
        guard !FileManager.default.fileExists(atPath: file) else { throw .conflict("\(file) exists already: back up into a new file") }
        // Outside a transaction (VACUUM refuses to run in one): it reads its own snapshot.
        let result: Result<Void, StoreError> = await withCheckedContinuation { done in
            DispatchQueue.global().async {
                done.resume(returning: Result { () throws(StoreError) in
                    do { try self.pool.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [file]) } } catch { throw Self.wrap(error) }
                })
            }
        }
        try result.get()
    }

    /// Nothing to close: the file's connections close with the store.
    public func close() async {}

    /// SQLite's journal mode ("wal").
    public func journalMode() async throws -> String {
        try await read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The writer's `synchronous` setting: 2 is FULL (a commit is on disk when it returns).
    public func writerSynchronous() async throws -> Int {
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    // MARK: Helpers shared by the aggregate implementations

    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await pool.read(body) } catch { throw Self.wrap(error) }
    }

    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await pool.write(body) } catch { throw Self.wrap(error) }
    }

    /// `write`, blocking the calling thread: for a thread that does nothing else (never a task's).
    func writeBlocking<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.write(body) } catch { throw Self.wrap(error) }
    }

    /// Secrets (API keys, bearer tokens) are stored as their SHA-256, never as themselves.
    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hex
    }

    static func wrap(_ error: Error) -> StoreError {
        if let e = error as? StoreError { return e }
        if let e = error as? DatabaseError { return .database(e.message ?? "\(e)") }
        return .database("\(error)")
    }
}
