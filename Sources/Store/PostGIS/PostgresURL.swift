import Foundation
import PostgresNIO

/// A PostgreSQL connection URL as libpq reads it, for the parts Miestas uses:
/// `postgres[ql]://[USER[:PASSWORD]@][HOST][:PORT]/DB[?host=/socket/folder&user=U&sslmode=M]`.
/// With no host, or a host that is a folder (`?host=/run/postgresql`), it connects through the
/// Unix socket in that folder (default `/var/run/postgresql`), as psql does.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The socket file itself, `<folder>/.s.PGSQL.<port>`.
        case socket(path: String)
    }
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(endpoint: Endpoint, user: String, password: String? = nil, database: String, tls: TLSMode = .prefer) {
        self.endpoint = endpoint; self.user = user; self.password = password; self.database = database; self.tls = tls
    }

    /// nil when `text` is not a PostgreSQL URL at all (a SpatiaLite file's path); an error when
    /// it is one but cannot be read.
    public init?(parsing text: String) throws(StoreError) {
        let lower = text.lowercased()
        guard lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") else { return nil }
        func bad(_ reason: String) -> StoreError { .cannotOpen(path: Self.redacted(text), reason: reason) }
        guard let parts = URLComponents(string: text) else { throw bad("not a valid URL") }
        var query: [String: String] = [:]
        for item in parts.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let environment = ProcessInfo.processInfo.environment
        let user = parts.user.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
            ?? query["user"] ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        password = parts.password.flatMap { $0.removingPercentEncoding } ?? query["password"] ?? environment["PGPASSWORD"]
        let path = (parts.path.removingPercentEncoding ?? parts.path).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        database = path.isEmpty ? (query["dbname"] ?? user) : path
        self.user = user
        var port = 5432
        if let p = parts.port { port = p } else if let p = query["port"] {
            guard let n = Int(p), (1...65535).contains(n) else { throw bad("the port '\(p)' is not a number from 1 to 65535") }
            port = n
        }
        let host = query["host"] ?? parts.host.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        if let host, !host.hasPrefix("/") {
            endpoint = .tcp(host: host, port: port)
        } else {
            endpoint = .socket(path: (host ?? "/var/run/postgresql") + "/.s.PGSQL.\(port)")
        }
        switch query["sslmode"] ?? "prefer" {
        case "disable", "allow": tls = .disable
        case "prefer": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        case let other: throw bad("sslmode '\(other)' is not one of disable, allow, prefer, require, verify-ca, verify-full")
        }
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "postgres://\(user)@\(host):\(port)/\(database)"
        case .socket(let path): "postgresql:///\(database)?host=\((path as NSString).deletingLastPathComponent)&user=\(user)"
        }
    }

    /// `text` with any password replaced by `***`.
    static func redacted(_ text: String) -> String {
        guard var parts = URLComponents(string: text), parts.password != nil else { return text }
        parts.password = "***"
        return parts.string ?? text
    }

    /// The pool's settings: at most `poolSize` connections, commits durable (`synchronous_commit
    /// = on`, whatever the server's default), UTC, and the connections named in `pg_stat_activity`.
    func clientConfiguration(poolSize: Int, applicationName: String) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .socket(let path):
            configuration = .init(unixSocketPath: path, username: user, password: password, database: database)
        case .tcp(let host, let port):
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            // libpq's prefer and require encrypt without checking the certificate.
            tlsConfiguration.certificateVerification = .none
            let mode: PostgresClient.Configuration.TLS = switch tls {
            case .disable: .disable
            case .prefer: .prefer(tlsConfiguration)
            case .require: .require(tlsConfiguration)
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: mode)
        }
        configuration.options.maximumConnections = max(1, poolSize)
        configuration.options.minimumConnections = 0
        configuration.options.connectionIdleTimeout = .seconds(30)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = Self.sessionSettings(applicationName: applicationName)
        return configuration
    }

    /// A single connection's settings (the change feed's listener uses one outside the pool).
    public func connectionConfiguration(applicationName: String) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .socket(let path):
            configuration = .init(unixSocketPath: path, username: user, password: password, database: database)
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: .disable)
            if tls != .disable {
                var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
                tlsConfiguration.certificateVerification = .none
                if let context = try? NIOSSLContext(configuration: tlsConfiguration) {
                    configuration.tls = tls == .require ? .require(context) : .prefer(context)
                }
            }
        }
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = Self.sessionSettings(applicationName: applicationName)
        return configuration
    }

    /// Settings every session starts with (startup parameters, so no round trip is spent on them).
    static func sessionSettings(applicationName: String) -> [(String, String)] {
        [("application_name", applicationName), ("synchronous_commit", "on"), ("TimeZone", "UTC"),
         // A transaction left open (a stuck client) must not stall everyone behind it for long.
         ("idle_in_transaction_session_timeout", "60000")]
    }
}
