import Crypto
import Foundation
import Hummingbird
import Identity
import Staff
import Store

/// Who is asking, as far as the pages care: their language, their CSRF seed, the staff member
/// signed in through the session cookie and the resident signed in through theirs (if any).
struct Visitor {
    static let sessionCookie = "miestas_session"
    static let residentCookie = "miestas_resident"
    static let seedCookie = "miestas_csrf"
    static let languageCookie = "lang"

    let language: Language
    /// A random value kept in an HttpOnly cookie; forms carry an HMAC of it and the session.
    let seed: String
    let seedIsNew: Bool
    let languageChosen: Bool
    let session: String?
    var user: StaffUser?
    /// A resident's session cookie, and the session it holds (checked by `WebPages.visitor`).
    let residentToken: String?
    var resident: ResidentSession?
    /// Identity providers' origins this visitor's forms may be redirected to (the CSP's form-action).
    var formTargets: [String] = []
    /// Cookies get `Secure` behind TLS (a public https URL or a proxy saying so).
    let secure: Bool

    init(_ request: Request, publicURL: String?, languages: [Language], defaultLanguage: Language) {
        let cookies = Self.cookies(request.headers[.cookie])
        let query = request.uri.queryParameters["lang"].map(String.init)
        language = Language.choose(query: query, cookie: cookies[Self.languageCookie], acceptLanguage: request.headers[.acceptLanguage],
                                   offered: languages, fallback: defaultLanguage)
        languageChosen = query.map(Language.init(rawValue:)).map(languages.contains) ?? false
        if let s = cookies[Self.seedCookie], s.count == 32, s.allSatisfy(\.isHexDigit) {
            seed = s; seedIsNew = false
        } else {
            seed = (0..<16).map { _ in UInt8.random(in: 0...255) }.hex; seedIsNew = true
        }
        session = cookies[Self.sessionCookie].flatMap { $0.isEmpty ? nil : $0 }
        residentToken = cookies[Self.residentCookie].flatMap { $0.isEmpty ? nil : $0 }
        secure = publicURL?.lowercased().hasPrefix("https://") == true || request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    /// `name=value` pairs of a Cookie header.
    static func cookies(_ header: String?) -> [String: String] {
        var out: [String: String] = [:]
        for part in (header ?? "").split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            out[kv[0].trimmingCharacters(in: .whitespaces)] = kv[1].trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    /// The token every state-changing form carries: bound to this browser's seed and session,
    /// so another site can neither read nor forge it.
    func csrfToken(key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(seed)|\(session ?? "")".utf8), using: key)
        return mac.hex
    }

    /// True when the form's token matches (compared in constant time).
    func acceptsToken(_ token: String?, key: SymmetricKey) -> Bool {
        guard !seedIsNew, let token else { return false }
        let expected = Array(csrfToken(key: key).utf8), given = Array(token.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A Set-Cookie value: HttpOnly and SameSite=Lax always, Secure behind TLS.
    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> String {
        var text = "\(name)=\(value); Path=/; HttpOnly; SameSite=Lax"
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if secure { text += "; Secure" }
        return text
    }

    /// The cookies this response must set: a new seed, the chosen language.
    var pendingCookies: [String] {
        var out: [String] = []
        if seedIsNew { out.append(cookie(Self.seedCookie, seed)) }
        if languageChosen { out.append(cookie(Self.languageCookie, language.rawValue, maxAge: 365 * 86_400)) }
        return out
    }
}
