import Foundation

/// Which database a store runs on.
public enum StoreBackend: String, Sendable, CaseIterable {
    /// One SQLite file with SpatiaLite, in this process (the default).
    case spatiaLite = "spatialite"
    /// A PostgreSQL database with PostGIS, shared by any number of processes.
    case postGIS = "postgis"
}

/// The store: every aggregate's protocol, on one database. Modules above `Store` name only
/// this protocol (or the aggregate protocols it joins), never a backend, so they cannot tell
/// which one runs; `openStore(_:mediaDirectory:poolSize:)` picks the backend from `--database`.
public protocol MiestasStore: DistrictStore, ReportStore, ServiceStore, UserStore, APIKeyStore, PlanningStore, OutboxStore,
    ReportStatisticsStore, RowCopying, ChangeFeedStore, SharedSecretStore, ResidentStore,
    LoginTransactionStore, PetitionStore
{
    var backend: StoreBackend { get }
    /// Where the data lives, for logs and messages: the file's path, or the URL without a password.
    var location: String { get }
    /// Where uploaded photos and plan files are kept (files are not in the database).
    var media: MediaLibrary { get }

    /// Versions of the database and its spatial libraries, for health checks.
    func libraryVersions() async throws(StoreError) -> [String: String]
    /// The applied migrations, oldest first.
    func appliedMigrations() async throws(StoreError) -> [String]
    /// Runs a bulk load (a command-line import) the fastest way the backend can while staying
    /// consistent; what `body` wrote is durable when this returns. Not for the server.
    func bulkLoad<T: Sendable>(_ body: () async throws -> T) async throws(StoreError) -> T
    /// Writes a consistent copy of the whole database to the new file `file`, while others keep
    /// reading and writing (SQLite's `VACUUM INTO`). PostgreSQL answers with how to back it up
    /// with its own tools (`pg_dump`), which know its every detail.
    func backupDatabase(to file: String) async throws(StoreError)
    /// Closes the database connections; the store cannot be used afterwards.
    func close() async
}

/// How to open a store: the `--database` value and what goes with it.
public struct StoreOptions: Sendable {
    /// Where uploaded photos and plan files go. nil: beside a SpatiaLite file (`<folder>/media`),
    /// `var/media` in the working directory for PostgreSQL (which has no folder of its own).
    /// Several servers on one PostgreSQL must share this folder (NFS or the like).
    public var mediaDirectory: URL?
    /// PostgreSQL only: the most connections this process opens in its pool.
    public var poolSize: Int

    public init(mediaDirectory: URL? = nil, poolSize: Int = 10) {
        self.mediaDirectory = mediaDirectory; self.poolSize = poolSize
    }
}

/// Opens the store `database` names, creating and migrating its schema as needed:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB` or `postgresql:///DB?host=/socket/folder` selects
/// PostgreSQL/PostGIS; anything else is a SpatiaLite file's path.
public func openStore(_ database: String, options: StoreOptions = .init()) async throws(StoreError) -> any MiestasStore {
    if let url = try PostgresURL(parsing: database) {
        return try await PostGISStore(url: url, options: options)
    }
    let media = options.mediaDirectory.map(MediaLibrary.init(directory:)) ?? MediaLibrary(besideDatabase: database)
    return try SpatiaLiteStore(path: database, media: media)
}
