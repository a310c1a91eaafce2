import AsyncHTTPClient
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// A real OpenID Connect provider on a free local port, for the identity tests:
/// - `.mock`: PyPI's oidc-provider-mock (Tools/oidc/mock-provider.py), which signs correctly and
///   records what clients send it (it does not check PKCE itself: tests check the recording);
/// - `.forging`: Tools/oidc/forging-provider.py, which signs whatever ID token a test asks for
///   (another key, `alg: none`, a wrong audience, ...).
/// Both run in the .venv-tools venv that `Tools/oidc/install` (run by Tools/test) sets up.
public final class LocalOIDCProvider: @unchecked Sendable {
    public enum Kind: String, Sendable { case mock = "mock-provider.py", forging = "forging-provider.py" }

    public let port: Int
    public let kind: Kind
    private let process: Process
    /// The issuer: the mock takes it from the Host header, so one spelling is used everywhere.
    public var issuer: String { "http://127.0.0.1:\(port)" }

    static let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                 configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(20))))

    public init(_ kind: Kind) throws {
        self.kind = kind
        let python = TestPaths.repository.appendingPathComponent(".venv-tools/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw OIDCProviderError("\(python) is missing: run Tools/oidc/install (Tools/test does)")
        }
        port = try LocalSMTPServer.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestPaths.repository.appendingPathComponent("Tools/oidc/\(kind.rawValue)").path, "--port", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard LocalSMTPServer.waitUntilListening(process, port: port, seconds: 30) else {
            stop()
            throw OIDCProviderError("\(kind.rawValue) did not start on port \(port) (run Tools/oidc/install)")
        }
    }

    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    deinit { stop() }

    /// A request to the provider: status, headers and body.
    public func send(_ method: String, _ pathOrURL: String, json: String? = nil, form: String? = nil) async throws -> (status: Int, location: String?, body: String) {
        let url = pathOrURL.hasPrefix("http") ? pathOrURL : issuer + pathOrURL
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let json { request.headers.add(name: "Content-Type", value: "application/json"); request.body = .bytes(ByteBuffer(string: json)) }
        if let form { request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded"); request.body = .bytes(ByteBuffer(string: form)) }
        let response = try await Self.http.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: "Location"), String(buffer: body))
    }

    /// The mock's user `sub` with these claims (e.g. `acr`, `pid`, `name`, `email`).
    public func setUser(_ sub: String, claims: [String: String]) async throws {
        let data = try JSONSerialization.data(withJSONObject: claims)
        let r = try await send("PUT", "/users/\(sub)", json: String(decoding: data, as: UTF8.self))
        guard r.status == 204 else { throw OIDCProviderError("PUT /users/\(sub): HTTP \(r.status)") }
    }

    /// The forging provider's mode for the next ID tokens (see forging-provider.py).
    public func setMode(_ json: String) async throws {
        let r = try await send("POST", "/_mode", json: json)
        guard r.status == 200 else { throw OIDCProviderError("POST /_mode: HTTP \(r.status)") }
    }

    /// The requests the provider recorded, oldest first.
    public func recorded() async throws -> [[String: Any]] {
        let r = try await send("GET", "/_recorded")
        return (try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [[String: Any]]) ?? []
    }

    /// Signs in at the provider as `sub` following an authorization URL (the mock's form is
    /// posted; the forging provider answers at once) and answers where the provider sends the
    /// browser back: the callback URL with `code` and `state`.
    public func authorize(_ url: String, as sub: String = "ona") async throws -> String {
        let r = kind == .mock ? try await send("POST", url, form: "sub=\(sub)") : try await send("GET", url)
        guard (300..<400).contains(r.status), let location = r.location else {
            throw OIDCProviderError("the authorization endpoint answered HTTP \(r.status): \(r.body.prefix(300))")
        }
        return location
    }
}

/// A TCP server on a free local port that accepts connections and never answers: a provider
/// that is up but too slow.
public final class SilentServer: @unchecked Sendable {
    public let port: Int
    private let process: Process

    public init() throws {
        port = try LocalSMTPServer.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import socket, sys, time
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
            held = []
            while True:
                c, _ = s.accept(); held.append(c)
            """, String(port)]
        try process.run()
        guard LocalSMTPServer.waitUntilListening(process, port: port, seconds: 10) else {
            stop()
            throw OIDCProviderError("the silent server did not start")
        }
    }

    public func stop() { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
    deinit { stop() }
}

public struct OIDCProviderError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
