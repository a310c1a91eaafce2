import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Requests to identity providers: one HTTP client for the process, no redirects followed (a
/// provider's endpoints are given by its discovery document, not by redirects), bodies capped,
/// and every request bounded by the provider's timeout from connect to the last byte.
struct ProviderHTTP: Sendable {
    /// The largest answer read from a provider (discovery, keys, token).
    static let maximumBody = 1 << 20

    private static let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                           configuration: .init(redirectConfiguration: .disallow,
                                                                timeout: .init(connect: .seconds(10), read: .seconds(60))))

    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
        /// The body as a JSON object, or nil.
        var object: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    let provider: String
    let timeout: TimeInterval

    func get(_ url: String) async throws(IdentityError) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        return try await send(request)
    }

    /// A form POST (`application/x-www-form-urlencoded`).
    func post(_ url: String, form: [(String, String)], headers: [(String, String)]) async throws(IdentityError) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: Self.formEncode(form)))
        return try await send(request)
    }

    private func send(_ request: HTTPClientRequest) async throws(IdentityError) -> Answer {
        let seconds = timeout
        let result: Result<Answer, Error> = await withTaskGroup(of: Result<Answer, Error>?.self) { group in
            group.addTask {
                do {
                    let response = try await Self.client.execute(request, timeout: .milliseconds(Int64(seconds * 1000)))
                    let body = try await response.body.collect(upTo: Self.maximumBody)
                    return .success(Answer(status: Int(response.status.code), body: Array(buffer: body)))
                } catch { return .failure(error) }
            }
            // The whole exchange, body included, within the timeout: a provider that trickles
            // its answer is as unavailable as one that says nothing.
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                return Task.isCancelled ? nil : .failure(TimedOut())
            }
            let first = await group.next()!!
            group.cancelAll()
            return first
        }
        switch result {
        case .success(let answer): return answer
        case .failure(let error):
            throw .providerUnavailable(provider: provider, reason: Self.describe(error, timeout: seconds))
        }
    }

    private struct TimedOut: Error {}

    static func describe(_ error: Error, timeout: TimeInterval) -> String {
        let late = "no answer within \(Int(timeout.rounded(.up))) s"
        if error is TimedOut { return late }
        if let e = error as? HTTPClientError, [.deadlineExceeded, .readTimeout, .connectTimeout].contains(e) { return late }
        if error is NIOTooManyBytesError { return "its answer is larger than \(maximumBody / 1024) KB" }
        if "\(error)".lowercased().contains("refused") { return "connection refused" }
        return "\(error)"
    }

    /// RFC 6749 appendix B: application/x-www-form-urlencoded (spaces as %20, which every
    /// decoder reads, in bodies and in query strings alike).
    static func formEncode(_ fields: [(String, String)]) -> String {
        fields.map { "\(formEscape($0.0))=\(formEscape($0.1))" }.joined(separator: "&")
    }

    static func formEscape(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
