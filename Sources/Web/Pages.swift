import Crypto
import Foundation
import Hummingbird
import Messages
import Mustache

/// Renders pages: a page template inside the layout, in the visitor's language, with the
/// security headers every HTML answer carries.
final class Pages: Sendable {
    let library: MustacheLibrary
    let translations: Translations
    let settings: WebSettings
    /// Signs CSRF tokens (the backend's form key, shared by every server of one database).
    let csrfKeyBytes: [UInt8]
    var csrfKey: SymmetricKey { SymmetricKey(data: csrfKeyBytes) }
    let contentSecurityPolicy: String
    /// Residents can sign in (an identity provider is configured): the layout offers it.
    let residentSignIn: Bool

    init(settings: WebSettings, csrfKey: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }, residentSignIn: Bool = false) throws {
        self.settings = settings
        csrfKeyBytes = csrfKey
        self.residentSignIn = residentSignIn
        library = try Self.templates(settings.folder.appendingPathComponent("templates"))
        translations = try Translations(folder: settings.folder, languages: settings.languages)
        // Scripts and styles only from this server; images also from the external base layer.
        let images = ["'self'", "data:", settings.baseLayerOrigin].compactMap { $0 }.joined(separator: " ")
        contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src \(images); connect-src 'self'; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    }

    /// Every `*.mustache` file of a folder, by name without the extension (read at start).
    static func templates(_ folder: URL) throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            do { library.register(try MustacheTemplate(string: text), named: String(name.dropLast(9))) } catch {
                throw WebError.setup("template \(name): \(error)")
            }
        }
        return library
    }

    /// A page: `template` rendered with `context`, inside the layout.
    func page(_ template: String, title: String, _ context: [String: Any], visitor: Visitor, request: Request,
              status: HTTPResponse.Status = .ok, scripts: [String] = [], leaflet: Bool = false) -> Response {
        var context = Self.withoutEmptyText(context)
        let t = translations.table(visitor.language)
        context["t"] = t
        context["lang"] = visitor.language.rawValue
        context["csrf"] = visitor.csrfToken(key: csrfKey)
        // Where the maps open (data-center, data-zoom): configured, else they fit the districts.
        if let view = settings.initialView {
            context["map_center"] = "\(view.latitude),\(view.longitude)"
            context["map_zoom"] = settings.initialZoom
        }
        if let user = visitor.user { context["user"] = ["username": user.username, "role": user.role.rawValue, "is_\(user.role.rawValue)": true] }
        if let r = visitor.resident {
            context["resident"] = ["display": r.resident.name ?? t["resident_anonymous"] ?? "", "level": t["level_\(r.level.rawValue)"] ?? ""]
        }
        let body = library.render(context, withTemplate: template) ?? "template \(template) is missing"
        let municipality = settings.municipalityNames[visitor.language.rawValue] ?? settings.municipalityNames[""]
        var layout: [String: Any] = ["t": t, "lang": visitor.language.rawValue, "title": title, "body": body, "leaflet": leaflet,
                                     "municipality": municipality ?? "", "site_name": municipality ?? "Miestas",
                                     "scripts": scripts.map { ["src": "/static/\($0)"] }, "csrf": context["csrf"]!,
                                     "path": request.uri.path]
        layout["user"] = context["user"]
        layout["resident"] = context["resident"]
        layout["resident_signin"] = residentSignIn
        layout["languages"] = translations.languages.map { l in
            ["code": l.rawValue, "name": translations.text("language_name", l), "current": l == visitor.language] as [String: Any]
        }
        let html = library.render(layout, withTemplate: "layout") ?? body
        return respond(html, status: status, visitor: visitor, privateCache: visitor.user != nil || visitor.resident != nil)
    }

    /// Mustache treats an empty string (and a nil wrapped in `Any`) as true in `{{#x}}`
    /// sections; leaving them out makes "show this only when there is something" sections work
    /// (a missing value prints as nothing).
    static func withoutEmptyText(_ value: [String: Any]) -> [String: Any] {
        var out: [String: Any] = [:]
        for (key, v) in value {
            switch v {
            case let s as String: if !s.isEmpty { out[key] = s }
            case let d as [String: Any]: out[key] = withoutEmptyText(d)
            case let a as [[String: Any]]: out[key] = a.map(withoutEmptyText)
            case is Int, is Int64, is Bool, is Double: out[key] = v
            default:
                // An optional that is nil counts as missing too (`x.map { ... } as Any`); Mirror
                // is slow, so only what the cases above do not know gets here.
                let mirror = Mirror(reflecting: v)
                if mirror.displayStyle == .optional {
                    if let wrapped = mirror.children.first?.value { out[key] = withoutEmptyText(["v": wrapped])["v"] }
                } else {
                    out[key] = v
                }
            }
        }
        return out
    }

    func respond(_ html: String, status: HTTPResponse.Status, visitor: Visitor, privateCache: Bool) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: visitor.formTargets.isEmpty ? contentSecurityPolicy
                : contentSecurityPolicy.replacingOccurrences(of: "form-action 'self'", with: "form-action 'self' " + visitor.formTargets.joined(separator: " ")),
            .init("X-Content-Type-Options")!: "nosniff",
            .init("Referrer-Policy")!: "same-origin",
            .cacheControl: privateCache ? "no-store" : "no-cache",
            .vary: "Cookie, Accept-Language",
        ]
        headers[values: .setCookie] = visitor.pendingCookies
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 See Other after a POST, with any cookies to set.
    func redirect(_ location: String, visitor: Visitor, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        headers[values: .setCookie] = visitor.pendingCookies + cookies
        return Response(status: .seeOther, headers: headers)
    }

    /// An error page with a translated heading and the detailed reason.
    func error(_ status: HTTPResponse.Status, _ message: String, visitor: Visitor, request: Request) -> Response {
        let t = translations.table(visitor.language)
        let heading: String
        switch status.code {
        case 404: heading = t["error_not_found"] ?? ""
        case 403: heading = t["error_forbidden"] ?? ""
        case 401: heading = t["error_sign_in"] ?? ""
        case 400..<500: heading = t["error_bad_request"] ?? ""
        default: heading = t["error_unavailable"] ?? ""
        }
        return page("error", title: heading, ["heading": heading, "message": message], visitor: visitor, request: request, status: status)
    }

    func text(_ key: String, _ visitor: Visitor) -> String { translations.text(key, visitor.language) }

    /// A module's message in the visitor's language.
    func text(_ message: Message, _ visitor: Visitor) -> String { translations.render(message, visitor.language) }
}
