import Foundation
import Hummingbird
import RateLimits
import Store

/// An error answer in RFC 9457 "problem details" form, for the JSON API.
public struct Problem: Error, Sendable {
    public var status: HTTPResponse.Status
    public var detail: String
    /// Headers the answer carries besides its content type (`Retry-After` on a 429).
    public var headers: HTTPFields = [:]
    /// Extension members (RFC 9457 §3.2), e.g. the level a step-up needs.
    var extensions: [String: JSONScalar] = [:]

    public init(_ status: HTTPResponse.Status, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status; self.detail = detail; self.headers = headers
    }

    func response() -> Response {
        var body: [String: JSONScalar] = [
            "type": .string("about:blank"), "title": .string(status.reasonPhrase),
            "status": .int(Int(status.code)), "detail": .string(detail),
        ]
        body.merge(extensions) { standard, _ in standard }
        var response = jsonResponse(body, status: status, contentType: "application/problem+json")
        response.headers.append(contentsOf: headers)
        return response
    }
}

/// Turns a `Problem` thrown by a route into its response, and anything else into a 500
/// that says nothing of the internals (the log has the details).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let telemetry: Telemetry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response()
        } catch let limited as TooManyRequests {
            telemetry.rateLimited(limited.write)
            return Problem(.tooManyRequests, limited.description, headers: [.retryAfter: String(limited.retryAfter)]).response()
        } catch let error as StoreError {
            // The database is away (restarting): the client should come back shortly.
            guard case .unavailable = error else {
                context.logger.error("unhandled error: \(error)")
                return Problem(.internalServerError, "internal error").response()
            }
            return Problem(.serviceUnavailable, error.description, headers: [.retryAfter: "5"]).response()
        } catch let error as HTTPError {
            return Problem(error.status, error.body ?? error.status.reasonPhrase).response()
        } catch {
            context.logger.error("unhandled error: \(error)")
            return Problem(.internalServerError, "internal error").response()
        }
    }
}

/// The few JSON value kinds the API's small documents need.
enum JSONScalar: Encodable, Sendable {
    case string(String), int(Int), double(Double), bool(Bool), null
    case object([String: JSONScalar]), array([JSONScalar])

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        case .object(let o): try c.encode(o)
        case .array(let a): try c.encode(a)
        }
    }
}

func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, contentType: String = "application/json; charset=utf-8") -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
    return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

extension Request {
    /// A query parameter; empty counts as absent (as Open311 says of optional arguments).
    func parameter(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }
}
