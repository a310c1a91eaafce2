import Foundation
import Hummingbird
import Identity
import RateLimits
import Messages
import Petitions
import Planning
import Reports
import Staff
import Store

/// The web pages: public map, report form and pages, district and consultation pages, and the
/// staff workspace under `/staff/`. Every handler runs inside `page`/`form`, which build the
/// visitor, check the CSRF token of every POST, and turn any error into a page (never a crash).
public struct WebPages: Sendable {
    let backend: WebBackend
    let pages: Pages
    let summaries = DistrictSummaries()

    /// The largest form the pages accept: a report with its photo (the Open311 limit), a plan
    /// area or attachment upload.
    static let maximumForm = 11 * 1024 * 1024
    static let maximumTextForm = 256 * 1024

    /// Adds the pages' routes. Without their templates (a broken install) the API still runs and
    /// the pages answer 503 with the reason.
    public static func register(on router: Router<ClientRequestContext>, backend: WebBackend) {
        StaticFiles(settings: backend.settings).register(on: router)
        let web: WebPages
        do { web = WebPages(backend: backend, pages: try Pages(settings: backend.settings, csrfKey: backend.formKey,
                                                                   residentSignIn: backend.identity != nil)) } catch {
            FileHandle.standardError.write(Data("warning: \(error); the web pages are off\n".utf8))
            router.get("/") { _, _ in Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "\(error)"))) }
            return
        }
        web.registerPublic(on: router)
        web.registerStaff(on: router)
        web.registerResidents(on: router)
        web.registerPetitionNotices(on: router)
        web.registerPetitions(on: router)
    }

    public init(backend: WebBackend) throws {
        self.init(backend: backend, pages: try Pages(settings: backend.settings, csrfKey: backend.formKey,
                                                                   residentSignIn: backend.identity != nil))
    }

    init(backend: WebBackend, pages: Pages) { self.backend = backend; self.pages = pages }

    /// The translations in use (for tests).
    public var translations: Translations { pages.translations }

    // MARK: Handlers

    typealias Handler = @Sendable (Request, ClientRequestContext, Visitor) async throws -> Response
    typealias FormHandler = @Sendable (Request, ClientRequestContext, Visitor, WebForm) async throws -> Response

    func visitor(_ request: Request) async -> Visitor {
        var visitor = Visitor(request, publicURL: backend.settings.publicURL, languages: pages.translations.languages,
                              defaultLanguage: Language(rawValue: backend.settings.defaultLanguage))
        if let token = visitor.session { visitor.user = try? await backend.accounts.user(token: token) }
        if let identity = backend.identity {
            if let token = visitor.residentToken { visitor.resident = try? await identity.residents.session(cookie: token) }
            visitor.formTargets = await identity.relyingParty.formTargets()
        }
        return visitor
    }

    /// A GET page; errors become error pages.
    func page(_ handler: @escaping Handler) -> @Sendable (Request, ClientRequestContext) async throws -> Response {
        { request, context in
            let visitor = await visitor(request)
            do { return try await handler(request, context, visitor) } catch { return failure(error, visitor: visitor, request: request) }
        }
    }

    /// A state-changing POST: the form is read (bounded), its CSRF token checked, then `handler` runs.
    func form(limit: Int = maximumTextForm, _ handler: @escaping FormHandler) -> @Sendable (Request, ClientRequestContext) async throws -> Response {
        { request, context in
            let visitor = await visitor(request)
            do {
                let form: WebForm
                do { form = try await backend.readForm(request, limit) } catch {
                    switch error as? WebFormError {
                    case .tooLarge(let kilobytes): throw WebFailure(.badRequest, .formTooLarge, ["size": .number(kilobytes)])
                    case .malformed(let reason): throw WebFailure(.badRequest, .formUnreadable, ["detail": .text(reason)])
                    case nil: throw WebFailure(.badRequest, .formUnreadable, ["detail": .text("\(error)")])
                    }
                }
                guard visitor.acceptsToken(form["csrf"], key: pages.csrfKey) else {
                    throw WebFailure(.forbidden, pages.text("error_csrf", visitor))
                }
                return try await handler(request, context, visitor, form)
            } catch { return failure(error, visitor: visitor, request: request) }
        }
    }

    /// Counts one anonymous `write` by this request's client; throws `TooManyRequests` (a 429
    /// page with `Retry-After`) when it is over its limit. Also refuses a form whose honeypot
    /// field, hidden from people, was filled in: only a program does that.
    func admit(_ write: LimitedWrite, _ request: Request, _ context: ClientRequestContext, form: WebForm? = nil) throws {
        if let form, let trap = form[Self.honeypotField], !trap.isEmpty {
            backend.honeypot(write.rawValue)
            throw WebFailure(.badRequest, .honeypot)
        }
        do { try backend.limits.check(write, client: backend.limits.client(of: request, context: context)) } catch {
            backend.rateLimited(error.write)
            throw error
        }
    }

    /// The name of the field the public forms hide from people (`{{> honeypot}}`).
    static let honeypotField = "website"

    /// The staff member the page needs, with one of `roles`; otherwise a sign-in redirect or 403.
    func staff(_ visitor: Visitor, _ request: Request, roles: Set<StaffUser.Role>) throws -> StaffUser {
        guard let user = visitor.user else { throw WebFailure.signIn(next: request.uri.path) }
        guard roles.contains(user.role) else { throw WebFailure(.forbidden, pages.text("error_role", visitor)) }
        return user
    }

    func failure(_ error: Error, visitor: Visitor, request: Request) -> Response {
        if let f = error as? WebFailure, let next = f.signInNext {
            return pages.redirect("/staff/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/staff"), visitor: visitor)
        }
        // Step-up: the operation needs a resident signed in at a level this visitor lacks.
        if case IdentityError.signInRequired(let level)? = error as? IdentityError, backend.identity != nil {
            return pages.redirect(Self.signInPath(level: level, next: request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")),
                                  visitor: visitor)
        }
        let (status, message) = describe(error, visitor)
        var response = pages.error(status, message, visitor: visitor, request: request)
        if let e = error as? TooManyRequests { response.headers[.retryAfter] = String(e.retryAfter) }
        return response
    }

    /// The status and message for an error from the modules the pages call, the message in the
    /// visitor's language.
    func describe(_ error: Error, _ visitor: Visitor) -> (HTTPResponse.Status, String) {
        switch error {
        case let e as WebFailure: return (e.status, e.text(pages, visitor))
        case let e as PlanningError: return (e.status, pages.text(e.message, visitor))
        case let e as WorkflowError:
            let status: HTTPResponse.Status = switch e {
            case .notFound: .notFound
            case .unavailable: .serviceUnavailable
            default: .conflict
            }
            return (status, pages.text(e.message, visitor))
        case let e as IntakeError: return (e.isNotFound ? .notFound : .badRequest, pages.text(e.message, visitor))
        case let e as StaffError:
            switch e {
            case .badCredentials: return (.unauthorized, pages.text("login_failed", visitor))
            case .throttled(let seconds): return (.tooManyRequests, pages.text(Message(WebText.signInThrottled, ["seconds": .integer(Int64(seconds))]), visitor))
            case .invalid(let reason): return (.badRequest, reason)
            case .unavailable(let reason): return (.serviceUnavailable, pages.text(Message(WebText.signInUnavailable, ["detail": .text(reason)]), visitor))
            }
        case let e as StoreError: return (.serviceUnavailable, pages.text(Message(WebText.storeFailed, ["detail": .text(e.description)]), visitor))
        case let e as IdentityError: return (e.status, pages.text(e.message, visitor))
        case let e as PetitionError:
            let status: HTTPResponse.Status = switch e {
            case .notFound: .notFound
            case .invalid: .badRequest
            case .refused: .conflict
            case .forbidden: .forbidden
            case .unavailable: .serviceUnavailable
            }
            if case .notFound = e { return (status, pages.text(Message(WebText.noSuchPage), visitor)) }
            return (status, pages.text("petition_refused", visitor) + " " + pages.text(e.message, visitor))
        case let e as TooManyRequests:
            let text: WebText = switch e.write { case .report: .tooManyReports; case .comment: .tooManyComments; case .signIn: .tooManySignIns; case .signature, .signatureNetwork: .tooManyComments }
            return (.tooManyRequests, pages.text(Message(text, ["seconds": .integer(Int64(e.retryAfter))]), visitor))
        default: return (.internalServerError, "\(error)")
        }
    }

    /// An integer path parameter, or 404.
    func id(_ context: ClientRequestContext, _ name: String = "id") throws -> Int64 {
        guard let text = context.parameters.get(name), let id = Int64(text), id > 0 else { throw WebFailure(.notFound, .noSuchPage) }
        return id
    }
}

extension IdentityError {
    /// The HTTP status of an identity refusal, for the pages and the JSON API alike.
    public var status: HTTPResponse.Status {
        switch self {
        case .unknownProvider: .notFound
        case .providerUnavailable: .badGateway
        case .invalidState, .invalidResponse: .badRequest
        case .providerRefused, .invalidToken, .levelTooLow, .notStaff: .forbidden
        case .signInRequired: .unauthorized
        case .busy, .unavailable: .serviceUnavailable
        }
    }
}

extension PlanningError {
    /// The HTTP status of a planning refusal, for the pages and the JSON API alike.
    public var status: HTTPResponse.Status {
        switch self {
        case .invalid: .badRequest
        case .signInRequired: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .unavailable: .serviceUnavailable
        }
    }
}

/// A refusal decided by the pages themselves (a bad form, a missing page, sign in first): a text
/// already in the visitor's language, or one of `WebText`'s messages.
struct WebFailure: Error {
    var status: HTTPResponse.Status
    /// Text already in the visitor's language, or one of `WebText`'s messages to render in it.
    private enum Content { case translated(String), message(Message) }
    private var content: Content
    var signInNext: String?
    init(_ status: HTTPResponse.Status, _ text: String) { self.status = status; content = .translated(text) }
    init(_ status: HTTPResponse.Status, _ text: WebText, _ arguments: [String: MessageArgument] = [:]) {
        self.status = status; content = .message(Message(text, arguments))
    }
    static func signIn(next: String) -> WebFailure { var f = WebFailure(.unauthorized, ""); f.signInNext = next; return f }

    /// The message in the visitor's language.
    func text(_ pages: Pages, _ visitor: Visitor) -> String {
        switch content {
        case .translated(let text): text
        case .message(let message): pages.text(message, visitor)
        }
    }
}

/// The pages' own messages: the case name is the key (`msg.web.<case>` in Data/web/i18n), the raw
/// value the English template.
enum WebText: String, MessageCatalogue {
    static let prefix = "msg.web."

    case noSuchPage = "no such page"
    case moderationChooseCode = "choose a reason code"
    case moderationChooseDecision = "choose the decision"
    case moderationChooseHours = "tick at least one hour"
    case moderationGiveReason = "give the reason"
    case formTooLarge = "the form is larger than {size} KB"
    case formUnreadable = "the form cannot be read: {detail}"
    case formValuesUnreadable = "the form's values cannot be read: {detail}"
    case areaNotGeoJSON = "area: not GeoJSON ({detail})"
    case areaWithoutPoint = "the area has no inner point"
    case signInUnavailable = "sign-in is unavailable: {detail}"
    case signInThrottled = "too many failed sign-ins for this username: try again in {seconds} s"
    case storeFailed = "the data cannot be read or saved now: {detail}"
    case tooManyReports = "too many reports from your connection: please try again in {seconds} s"
    case tooManyComments = "too many comments from your connection: please try again in {seconds} s"
    case tooManySignIns = "too many sign-in attempts from your connection: please try again in {seconds} s"
    case honeypot = "the form was filled in by a program, not a person, and was not accepted"
}

extension Request {
    /// A query parameter, nil when missing or empty.
    func query(_ name: String) -> String? {
        guard let v = uri.queryParameters[Substring(name)].map(String.init), !v.isEmpty else { return nil }
        return v
    }
}
