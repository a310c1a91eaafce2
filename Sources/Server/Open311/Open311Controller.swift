import Foundation
import Hummingbird
import RateLimits
import Reports
import Store

/// Settings of the Open311 GeoReport v2 endpoint.
public struct Open311Settings: Sendable {
    /// The jurisdiction this server answers for (its web domain, as the spec suggests). Requests
    /// may omit `jurisdiction_id`; one that names another jurisdiction gets a 404.
    public var jurisdiction: String
    /// Who to contact about the API, for discovery.
    public var contact: String
    /// Where to ask for an API key, for discovery.
    public var keyService: String
    /// The language of names and descriptions unless a request asks with `locale=` (an extension).
    public var locale: String
    /// The server's public address (e.g. https://miestas.kaunas.lt), used to turn stored photo
    /// paths into the absolute `media_url` clients need. Without it, the request's Host is used.
    public var publicURL: String?
    /// The municipality's local time, which every date is written in.
    public var time: LocalTime

    /// Built from the configuration (`AppServices`): `municipality.jurisdiction_id`, `.contact`,
    /// `.default_language`, `.time_zone` and `server.public_url`.
    public init(jurisdiction: String, contact: String, locale: String, publicURL: String?, time: LocalTime,
                keyService: String = "Ask the city's IT department; keys are made with `miestas apikeys add NAME`.") {
        self.jurisdiction = jurisdiction; self.keyService = keyService; self.locale = locale; self.time = time
        self.contact = contact.isEmpty ? "the administrator of \(jurisdiction)" : contact
        // "https://x/" and "https://x" mean the same; paths are appended with their own slash.
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }
}

/// An Open311 error: its HTTP status and a description meant for the user.
struct Open311Error: Error {
    var status: HTTPResponse.Status
    var description: String
    /// Seconds for `Retry-After` (a 429).
    var retryAfter: Int?
    init(_ status: HTTPResponse.Status, _ description: String, retryAfter: Int? = nil) {
        self.status = status; self.description = description; self.retryAfter = retryAfter
    }
}

/// GeoReport v2 at `/open311/v2/`: `discovery`, `services`, `services/{code}`, `requests`
/// (GET and POST), `requests/{id}` and `tokens/{token}`, each in `.xml` and `.json`.
struct Open311Controller: Sendable {
    /// The catalogue as loaded at start (`miestas services import` takes effect on restart).
    let services: [Service]
    let settings: Open311Settings
    let requests: Open311Requests
    static let specification = "http://wiki.open311.org/GeoReport_v2"

    func register(on router: Router<ClientRequestContext>) {
        router.get("open311/v2/:file") { request, context in
            try await respond(request, file: context.parameters.get("file") ?? "") { name, format in
                switch name {
                case "discovery": return ("discovery", discovery(request, format: format))
                case "services": return ("services", try await serviceList(request))
                case "requests": return ("service_requests", try await requests.list(request))
                case "servicerequestupdates": return ("service_request_updates", try await requests.updates(request))
                default: throw Open311Error(.notFound, "no resource '\(name)': the resources are discovery, services, requests, tokens and servicerequestupdates")
                }
            }
        }
        router.post("open311/v2/:file") { request, context in
            let client = requests.limits.client(of: request, context: context)
            return try await respond(request, file: context.parameters.get("file") ?? "") { name, format in
                guard name == "requests" else { throw Open311Error(.notFound, "only requests can be created (POST requests.json or requests.xml)") }
                return ("service_requests", try await requests.create(request, format: format, client: client))
            }
        }
        router.get("open311/v2/requests/:file") { request, context in
            try await respond(request, file: context.parameters.get("file") ?? "") { id, _ in
                ("service_requests", try await requests.one(request, id: id))
            }
        }
        router.get("open311/v2/tokens/:file") { request, context in
            try await respond(request, file: context.parameters.get("file") ?? "") { token, _ in
                ("service_requests", try await requests.token(token))
            }
        }
        router.get("open311/v2/services/:file") { request, context in
            try await respond(request, file: context.parameters.get("file") ?? "") { code, _ in
                ("service_definition", try await definition(request, code: code))
            }
        }
    }

    /// Parses the format, checks the jurisdiction, runs `body` and writes its document or the
    /// errors in the requested format.
    private func respond(_ request: Request, file: String,
                         _ body: (String, Open311Format) async throws -> (String, Open311Node)) async throws -> Response {
        guard let (name, format) = Open311Format.split(Substring(file)) else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "Bad extension. We support .xml and .json\n")))
        }
        do {
            try checkJurisdiction(request)
            let (root, node) = try await body(name, format)
            return document(root: root, node, format: format, status: .ok)
        } catch let error as Open311Error {
            return errors([error], format: format)
        } catch let error as StoreError {
            if case .unavailable = error {
                return errors([Open311Error(.serviceUnavailable, "the service is unavailable: \(error)", retryAfter: 5)], format: format)
            }
            return errors([Open311Error(.badRequest, "the service is unavailable: \(error)")], format: format)
        }
    }

    private func checkJurisdiction(_ request: Request) throws {
        if let given = request.uri.queryParameters["jurisdiction_id"], !given.isEmpty, String(given) != settings.jurisdiction {
            throw Open311Error(.notFound, "jurisdiction '\(given)' not found: this server answers for '\(settings.jurisdiction)'")
        }
    }

    private func locale(_ request: Request) -> String {
        request.uri.queryParameters["locale"].map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? settings.locale
    }

    func document(root: String, _ node: Open311Node, format: Open311Format, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: format.contentType],
                 body: .init(byteBuffer: ByteBuffer(bytes: format.render(root: root, node, time: settings.time))))
    }

    /// The spec's `errors` → `error` → {code, description}; the status is the first error's.
    func errors(_ list: [Open311Error], format: Open311Format) -> Response {
        let node = Open311Node.list(item: "error", list.map {
            .object([("code", .integer(Int64($0.status.code))), ("description", .text($0.description))])
        })
        var response = document(root: "errors", node, format: format, status: list.first?.status ?? .badRequest)
        if let seconds = list.first?.retryAfter { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    // MARK: Resources

    private func discovery(_ request: Request, format: Open311Format) -> Open311Node {
        let host = request.head.authority ?? "localhost"
        let changeset = settings.time.format(Date(timeIntervalSince1970: 0))
        return .object([
            ("changeset", .text(changeset)),
            ("contact", .text(settings.contact)),
            ("key_service", .text(settings.keyService)),
            ("endpoints", .list(item: "endpoint", [.object([
                ("specification", .text(Self.specification)),
                ("url", .text("http://\(host)/open311/v2")),
                ("changeset", .text(changeset)),
                ("type", .text("production")),
                ("formats", .list(item: "format", [.text("text/xml"), .text("application/json")])),
            ])])),
        ])
    }

    private func serviceList(_ request: Request) async throws -> Open311Node {
        let locale = locale(request)
        return .list(item: "service", services.map { s in
            .object([
                ("service_code", .text(s.code)),
                ("service_name", .text(s.name.text(locale))),
                ("description", .text(s.description.text(locale))),
                ("metadata", .bool(s.hasMetadata)),
                ("type", .text(s.kind.rawValue)),
                ("keywords", .text(s.keywords.joined(separator: ","))),
                ("group", .text(s.group.text(locale))),
            ])
        })
    }

    private func definition(_ request: Request, code: String) async throws -> Open311Node {
        let locale = locale(request)
        guard let service = services.first(where: { $0.code == code }) else {
            throw Open311Error(.notFound, "service_code '\(code)' not found")
        }
        return .object([
            ("service_code", .text(service.code)),
            ("attributes", .list(item: "attribute", service.attributes.sorted { $0.order < $1.order }.map { a in
                .object([
                    ("variable", .bool(a.variable)),
                    ("code", .text(a.code)),
                    ("datatype", .text(a.datatype.rawValue)),
                    ("required", .bool(a.required)),
                    ("datatype_description", .text(a.datatypeDescription.text(locale))),
                    ("order", .integer(Int64(a.order))),
                    ("description", .text(a.description.text(locale))),
                    ("values", .list(item: "value", a.values.map { v in .object([("key", .text(v.key)), ("name", .text(v.name.text(locale)))]) })),
                ])
            })),
        ])
    }
}
