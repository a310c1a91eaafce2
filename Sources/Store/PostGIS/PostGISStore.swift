import Crypto
import Foundation
import Logging
import PostgresNIO

/// The shared store: a PostgreSQL database with PostGIS, reached through a pool of connections
/// (postgres-nio's `PostgresClient`), which the store runs itself for as long as it lives. Any
/// number of processes may open the same database. Every aggregate's protocol is implemented in
/// a file of its own (`PostGISStore+Reports.swift`, ...), with the same meaning as SpatiaLite's.
///
/// Commits are durable when they return (`synchronous_commit = on`, set on every connection).
public final class PostGISStore: MiestasStore, Sendable {
    public let url: PostgresURL
    public let media: MediaLibrary
    /// This store's name in the change log (one per process).
    public let origin: String
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    /// Rung after every commit that logged changes.
    let doorbell: Doorbell
    /// Whether the change feed's listening connection is up.
    let listening = Flag()
    /// Whether the server answered lately: while it does not, calls fail at once (a 503 to the
    /// client) instead of waiting in the pool, which keeps retrying for up to a minute.
    let reachability = Reachability()
    let probes = SharedProbe()

    public var backend: StoreBackend { .postGIS }
    public var location: String { url.description }

    /// Connects to `url`, checks that PostGIS is there (installing it if the user may) and brings
    /// the schema up to date; several processes starting at once migrate one after another.
    public init(url: PostgresURL, options: StoreOptions = .init()) async throws(StoreError) {
        self.url = url
        let origin = UUID().uuidString
        self.origin = origin
        media = MediaLibrary(directory: options.mediaDirectory ?? URL(fileURLWithPath: "var/media"))
        var logger = Logger(label: "miestas.postgres")
        logger.logLevel = .error
        self.logger = logger
        let client = PostgresClient(configuration: url.clientConfiguration(poolSize: options.poolSize, applicationName: "miestas"),
                                    backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
        doorbell = Doorbell { [client, origin, logger] in
            _ = try? await client.withConnection { c in try await c.guardedQuery("SELECT pg_notify(\(changeChannel), \(origin))", logger: logger) }
        }
        do {
            try await migrate()
        } catch {
            running.cancel()
            throw error
        }
    }

    deinit { running.cancel() }

    public func backupDatabase(to file: String) async throws(StoreError) {
        throw .conflict("back up PostgreSQL with its own tools: pg_dump -Fc (and pg_restore into a database with PostGIS), "
            + "or a base backup with WAL archiving; copy the media folder too (docs/operators.md)")
    }

    public func close() async {
        running.cancel()
        _ = await running.value
    }

    // MARK: Schema

    /// Any key for the migrations' advisory lock, the same in every process.
    static let migrationLock: Int64 = 0x6d69_6573_7461_7301

    private func migrate() async throws(StoreError) {
        // One connection first, outside the pool: if the server cannot be reached or refuses us,
        // say so at once (the pool would keep retrying for a while before giving up).
        do {
            let connection = try await PostgresConnection.connect(
                configuration: url.connectionConfiguration(applicationName: "miestas"), id: 0, logger: logger)
            defer { Task { try? await connection.close() } }
            try await connection.guardedQuery("SELECT 1", logger: logger)
        } catch {
            throw .cannotOpen(path: location, reason: Self.message(error))
        }
        try await transaction { c in
            try await c.guardedQuery("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: self.logger)
            let installed = try await c.guardedQuery("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'", logger: self.logger)
                .collect().first?.decode(Int.self) ?? 0
            if installed == 0 {
                do {
                    try await c.guardedQuery("CREATE EXTENSION postgis", logger: self.logger)
                } catch {
                    throw StoreError.cannotOpen(path: self.location, reason: """
                        PostGIS is not installed in this database and this user may not install it (\(Self.message(error))). \
                        Install Debian's postgresql-15-postgis-3 and run `CREATE EXTENSION postgis;` in the database as a superuser.
                        """)
                }
            }
            try await c.guardedQuery("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    position   integer PRIMARY KEY,
                    name       text NOT NULL UNIQUE,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: self.logger)
            let applied = Set(try await c.guardedQuery("SELECT name FROM schema_migrations", logger: self.logger).collect()
                .map { try $0.decode(String.self) })
            for (position, migration) in PostGISMigrations.all.enumerated() where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await c.guardedQuery(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await c.guardedQuery("INSERT INTO schema_migrations (position, name) VALUES (\(position), \(migration.name))", logger: self.logger)
            }
        }
    }

    public func appliedMigrations() async throws(StoreError) -> [String] {
        try await withConnection { c in
            try await c.guardedQuery("SELECT name FROM schema_migrations ORDER BY position", logger: self.logger).collect().map { try $0.decode(String.self) }
        }
    }

    public func libraryVersions() async throws(StoreError) -> [String: String] {
        try await withConnection { c in
            let row = try await c.guardedQuery("""
                SELECT current_setting('server_version'), postgis_lib_version(), postgis_geos_version(), postgis_proj_version()
                """, logger: self.logger).collect()[0]
            let (server, postgis, geos, proj) = try row.decode((String, String, String?, String?).self)
            var versions = ["postgresql": server, "postgis": postgis]
            versions["geos"] = geos
            versions["proj"] = proj
            return versions
        }
    }

    /// Every batch an import writes commits durably on its own; PostgreSQL merges their flushes.
    public func bulkLoad<T: Sendable>(_ body: () async throws -> T) async throws(StoreError) -> T {
        do { return try await body() } catch { throw Self.wrap(error) }
    }

    // MARK: Helpers shared by the aggregate implementations

    /// Runs `body` on a connection of the pool; each statement commits on its own.
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        try await admit()
        do { return try await leased(body) } catch { throw observe(error) }
    }

    /// How long a call waits for a connection of the pool before it gives up with `.unavailable`.
    static let leaseTimeout: Duration = .seconds(30)
    /// How long a call waits for a pooled connection before it checks that the server is there.
    static let leaseProbeAfter: Duration = .seconds(1)

    /// `body` on a pooled connection, but not after waiting `leaseTimeout` for one: the pool keeps
    /// requests waiting while it retries a server that went away (for up to a minute), and a
    /// client must get its 503 sooner. Once leased, `body` runs to its end.
    private func leased<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        // The child task runs `body` once while this task waits for it (never two at a time), and
        // the group ends only when its tasks have, so `body` does not outlive this call.
        try await withoutActuallyEscaping(body) { body in
        let work = UncheckedSendable(body)
        let got = Flag()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { [client] in try await client.withConnection { connection in got.set(true); return try await work.value(connection) } }
            group.addTask { [self] in
                // The pool's connections may all have been idle when the server went away, so no
                // call has seen a connection lost and the pool quietly retries: after a second
                // without a connection, ask the server directly, and give up at once (a 503) if
                // it does not answer.
                try await Task.sleep(for: Self.leaseProbeAfter)
                if !got.isSet, let away = await unreachable(), !got.isSet { throw StoreError.unavailable(away) }
                try await Task.sleep(for: Self.leaseTimeout - Self.leaseProbeAfter)
                if got.isSet { try await Task.sleep(for: .seconds(365 * 86_400)) }  // until the work is done
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw StoreError.unavailable("no database connection within \(Self.leaseTimeout)")
            }
            return value
        }
        }
    }

    /// Lets a call through while the server is reachable; while it is not, each call first tries
    /// a connection of its own, which fails at once while the server is down (a refused or missing
    /// socket; at most a second for a silent network), so the client gets a 503 instead of waiting.
    private func admit() async throws(StoreError) {
        guard reachability.shouldProbe() else { return }
        if let away = await unreachable() { throw .unavailable(away) }
    }

    /// Nil when a connection of its own reaches the server (noted as reachable again), else why not.
    /// Calls that ask at the same time share one probe: a busy pool's waiters all ask after their
    /// second, and one connection each would add to the load that made them wait.
    private func unreachable() async -> String? {
        await probes.run { [self] in await probe() }
    }

    /// One connection attempt. A server that answers with a refusal (too many clients, say) is
    /// there: only a failure to reach it counts, so a busy server is never marked away (which
    /// would make every call probe).
    private func probe() async -> String? {
        var configuration = url.connectionConfiguration(applicationName: "miestas-probe")
        configuration.options.connectTimeout = .seconds(1)
        do {
            let probe = try await PostgresConnection.connect(configuration: configuration, id: 3, logger: logger)
            try? await probe.close()
            reachability.reached()
            return nil
        } catch {
            if let refused = error as? PSQLError, refused.code == .server { return nil }
            return Self.message(error)
        }
    }

    /// The store error for `error`, noting when it says the server is out of reach.
    private func observe(_ error: Error) -> StoreError {
        let wrapped = Self.wrap(error)
        if case .unavailable = wrapped { reachability.lost() }
        return wrapped
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        try await admit()
        do {
            return try await leased { connection in
                try await connection.guardedQuery("BEGIN", logger: self.logger)
                do {
                    let value = try await body(connection)
                    try await connection.guardedQuery("COMMIT", logger: self.logger)
                    // Other servers read the log after a commit, never inside it. A transaction
                    // that logged nothing rings for nothing, which costs a reader one empty read.
                    self.doorbell.ring()
                    return value
                } catch {
                    // Only on a connection the server still holds: after a lost connection the
                    // server has rolled back already, and a statement sent on a closed
                    // connection may never be answered.
                    if !connection.isClosed, !Self.isConnectionLoss(error) {
                        _ = try? await connection.guardedQuery("ROLLBACK", logger: self.logger)
                    }
                    throw error
                }
            }
        } catch {
            throw observe(error)
        }
    }

    /// The rows of one statement, each decoded as it arrives.
    func fetch<T: Sendable>(_ query: PostgresQuery, _ decode: (PostgresRow) throws -> T) async throws(StoreError) -> [T] {
        try await withConnection { c in try await Self.fetch(query, on: c, logger: self.logger, decode) }
    }

    /// One writing statement, in a transaction of its own, and its rows. Never a bare statement:
    /// the driver hands back a statement's rows when it completes, before the implicit commit
    /// that follows it is done, so an answer given then could name a row a crash loses; an
    /// explicit COMMIT returns only once the commit is durable.
    func write<T: Sendable>(_ query: PostgresQuery, _ decode: (PostgresRow) throws -> T) async throws(StoreError) -> [T] {
        try await transaction { c in try await Self.fetch(query, on: c, logger: self.logger, decode) }
    }

    /// The first row of one statement, decoded, or nil when there is none.
    func fetchOne<T: Sendable>(_ query: PostgresQuery, _ decode: (PostgresRow) throws -> T) async throws(StoreError) -> T? {
        try await fetch(query, decode).first
    }

    /// `fetch` on a given connection (inside a transaction).
    static func fetch<T>(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger,
                         _ decode: (PostgresRow) throws -> T) async throws -> [T] {
        var out: [T] = []
        for try await row in try await connection.guardedQuery(query, logger: logger) { out.append(try decode(row)) }
        return out
    }

    /// Secrets (API keys, bearer tokens) are stored as their SHA-256, never as themselves.
    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hex
    }

    /// A store error for whatever the driver threw: the server's message when it sent one, and
    /// `.unavailable` when the database could not be reached at all.
    static func wrap(_ error: Error) -> StoreError {
        if let e = error as? StoreError { return e }
        if let e = error as? PSQLError {
            switch e.code {
            case .server:
                if e.serverInfo?[.sqlState] == "40001" || e.serverInfo?[.sqlState] == "40P01" {
                    return .conflict("another change was made at the same time: try again")
                }
                return .database(message(e))
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown:
                return .unavailable(message(e))
            default:
                return .database(message(e))
            }
        }
        // The pool gives up on a server it could not reach for a while ("circuit breaker").
        if "\(type(of: error))" == "ConnectionPoolError" { return .unavailable("\(error)") }
        if let e = error as? PostgresDecodingError { return .database("unexpected data from PostgreSQL: \(e.code) in column \(e.columnName)") }
        return .database("\(error)")
    }

    /// True when `error` says the connection itself is gone (not a refused statement).
    static func isConnectionLoss(_ error: Error) -> Bool {
        if case .unavailable = wrap(error) { return true }
        return false
    }

    /// The server's own message when there is one, else the driver's description.
    static func message(_ error: Error) -> String {
        if let e = error as? PSQLError {
            if let text = e.serverInfo?[.message] {
                return e.serverInfo?[.detail].map { "\(text) (\($0))" } ?? text
            }
            if let underlying = e.underlying { return "\(e.code): \(underlying)" }
            return "\(e.code)"
        }
        return "\(error)"
    }
}
