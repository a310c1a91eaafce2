import Foundation
import Logging
import PostgresNIO
import Store

/// Fresh stores for tests, on either backend: a SpatiaLite file in a temporary folder, or a
/// PostgreSQL database of its own (made from a template that has PostGIS and the schema), so
/// tests stay independent and run in parallel.
///
/// PostgreSQL is the one `$MIESTAS_TEST_POSTGRES` names (a URL to an administrative database,
/// e.g. `postgresql:///postgres?host=/tmp/pg&user=miestas`): `Tools/test` starts a throwaway
/// server and sets it. Without it, PostGIS tests print a reason and pass; under CI (`CI=true`)
/// they fail instead, so a CI that lost its database cannot look green.
public enum TestStores {
    /// Both backends, for `@Test(arguments: TestStores.backends)`.
    public static let backends = StoreBackend.allCases

    /// A new, empty, migrated store, or nil (with the reason printed) when `backend` is PostGIS
    /// and no test server is configured outside CI.
    public static func make(_ backend: StoreBackend, media: URL? = nil) async throws -> TestStore? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let options = StoreOptions(mediaDirectory: media ?? folder.appendingPathComponent("media"), poolSize: 4)
        switch backend {
        case .spatiaLite:
            return TestStore(store: try await openStore(folder.appendingPathComponent("db.sqlite").path, options: options), folder: folder)
        case .postGIS:
            guard let url = try await databaseURL() else {
                try? FileManager.default.removeItem(at: folder)
                return nil
            }
            return TestStore(store: try await openStore(url, options: options), folder: folder, databaseURL: url)
        }
    }

    /// The URL of a new database of its own, or nil when PostgreSQL is not configured (outside CI).
    public static func databaseURL() async throws -> String? {
        guard let admin = ProcessInfo.processInfo.environment["MIESTAS_TEST_POSTGRES"], !admin.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                throw TestDatabaseError("MIESTAS_TEST_POSTGRES is not set under CI: Tools/test starts PostgreSQL and sets it")
            }
            print("skipping the PostGIS case: MIESTAS_TEST_POSTGRES is not set (Tools/test starts a PostgreSQL and sets it)")
            return nil
        }
        let template = try await templates.ready(admin: admin)
        let name = "miestas_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await Admin.run(admin, "CREATE DATABASE \(name) TEMPLATE \(template)")
        return replacingDatabase(in: admin, with: String(name))
    }

    /// Runs one statement on its own connection to `url`; the first column of its first row as
    /// an integer, if it has one (a count).
    @discardableResult
    public static func execute(_ url: String, _ sql: String) async throws -> Int? {
        var result: Int? = nil
        try await Admin.withConnection(url) { connection, logger in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
            result = try rows.first.flatMap { row in row.count > 0 ? try row.makeRandomAccess()[0].decode(Int?.self) : nil }
        }
        return result
    }

    /// Runs `statements` in one transaction on a connection of its own and keeps it open for
    /// `holding` before committing: a slow writer, as another client could be.
    public static func inTransaction(_ url: String, _ statements: [String], holding: Duration) async throws {
        try await Admin.withConnection(url) { connection, logger in
            try await connection.query("BEGIN", logger: logger)
            for sql in statements { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
            try await Task.sleep(for: holding)
            try await connection.query("COMMIT", logger: logger)
        }
    }

    /// `url` naming database `name` instead (the path of a URL, or `dbname=`).
    static func replacingDatabase(in url: String, with name: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.path = "/" + name
        parts.queryItems = parts.queryItems?.filter { $0.name != "dbname" }
        return parts.string ?? url
    }

    private static let templates = Templates()

    /// The template database, made once per test process: PostGIS and the schema, migrated by
    /// the store itself, then closed (a template must have no sessions while it is copied).
    private actor Templates {
        private var made: Task<String, Error>?

        func ready(admin: String) async throws -> String {
            if let made { return try await made.value }
            let task = Task<String, Error> {
                let name = "miestas_template"
                // Another test process may be making it: the lock makes that wait, the check skips the work.
                try await Admin.withLock(admin) { connection, logger in
                    let exists = try await connection.query("SELECT count(*) FROM pg_database WHERE datname = \(name)", logger: logger)
                        .collect()[0].decode(Int.self) > 0
                    if exists { return }
                    try await connection.query("CREATE DATABASE \(unescaped: name)", logger: logger)
                    let store = try await openStore(replacingDatabase(in: admin, with: name), options: StoreOptions(poolSize: 1))
                    await store.close()
                }
                return name
            }
            made = task
            return try await task.value
        }
    }

    /// One connection to the administrative database, for CREATE DATABASE.
    enum Admin {
        static func run(_ url: String, _ sql: String) async throws {
            try await withConnection(url) { connection, logger in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
        }

        static func withLock(_ url: String, _ body: (PostgresConnection, Logger) async throws -> Void) async throws {
            try await withConnection(url) { connection, logger in
                try await connection.query("SELECT pg_advisory_lock(7316)", logger: logger)
                do { try await body(connection, logger) } catch {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(7316)", logger: logger)
                    throw error
                }
                try await connection.query("SELECT pg_advisory_unlock(7316)", logger: logger)
            }
        }

        static func withConnection(_ url: String, _ body: (PostgresConnection, Logger) async throws -> Void) async throws {
            guard let parsed = try PostgresURL(parsing: url) else { throw TestDatabaseError("not a PostgreSQL URL: \(url)") }
            let logger = Logger(label: "miestas.test-admin")
            let connection = try await PostgresConnection.connect(configuration: parsed.connectionConfiguration(applicationName: "miestas-test"),
                                                                  id: 1, logger: logger)
            do { try await body(connection, logger) } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        }
    }
}

/// A store made for one test, with its temporary folder (media, the SpatiaLite file), removed
/// when the test lets go of it. A PostgreSQL test database is left to the throwaway server.
public final class TestStore: @unchecked Sendable {
    public let store: any MiestasStore
    public let folder: URL
    /// The PostgreSQL database's URL (nil for SpatiaLite): another process can open it too.
    public let databaseURL: String?
    /// What `--database` would be for this store.
    public var database: String { databaseURL ?? folder.appendingPathComponent("db.sqlite").path }

    init(store: any MiestasStore, folder: URL, databaseURL: String? = nil) {
        self.store = store; self.folder = folder; self.databaseURL = databaseURL
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

public struct TestDatabaseError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
