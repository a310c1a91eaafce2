import Foundation
import Hummingbird
import Identity
import RateLimits
import Reports
import Staff
import Store

/// Residents' pages: signing in through an identity provider (and staff through it too),
/// signing out, `/me` (what is kept, consent, deleting the account) and "my reports". The
/// relying party's rules live in `Identity`; these handlers only carry requests to it.
extension WebPages {
    func registerResidents(on router: Router<ClientRequestContext>) {
        guard let identity = backend.identity else { return }
        router.get("signin", use: page { request, _, visitor in signInPage(request, visitor) })
        router.post("signin", use: form(startSignIn))
        // The one callback: the configured redirect URI's path, nothing else.
        router.get(RouterPath(identity.settings.callbackPath), use: page(callback))
        router.post("signout", use: form(signOut))
        router.get("me", use: page(mePage))
        router.post("me/contact", use: form(keepContact))
        router.post("me/delete", use: form(deleteAccount))
        router.get("me/reports", use: page(myReports))
    }

    var identity: IdentityServices {
        // Only registered when identity is configured.
        backend.identity!
    }

    /// `/signin?level=…&next=…`: the path a page sends a visitor to for a sign-in at a level.
    static func signInPath(level: AssuranceLevel?, next: String) -> String {
        var query: [(String, String)] = []
        if let level { query.append(("level", level.rawValue)) }
        query.append(("next", next))
        return "/signin?" + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
    }

    /// A path on this site to return to after signing in: never another site (`//host`,
    /// `/\host`, a scheme), never the sign-in pages themselves; else `fallback`.
    static func safeLocalNext(_ next: String?, fallback: String = "/me") -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), next.count <= 1_000,
              !next.contains("\\"), !next.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7f }),
              !next.hasPrefix("/signin"), !next.hasPrefix("/signout") else { return fallback }
        return next
    }

    // MARK: Signing in

    func signInPage(_ request: Request, _ visitor: Visitor, status: HTTPResponse.Status = .ok) -> Response {
        let level = request.query("level").flatMap(AssuranceLevel.init(rawValue:)) ?? .low
        let next = Self.safeLocalNext(request.query("next"))
        let stepUp = visitor.resident.map { $0.level < level } ?? false
        let ctx: [String: Any] = [
            "providers": identity.settings.providers.map { ["id": $0.id, "name": $0.name] },
            "level": level.rawValue, "level_name": pages.text("level_\(level.rawValue)", visitor), "next": next,
            "step_up": stepUp, "needs_level": level > .low,
        ]
        return pages.page("signin", title: pages.text("signin_title", visitor), ctx, visitor: visitor, request: request, status: status)
    }

    /// The sign-in button: records the sign-in and sends the browser to the provider.
    func startSignIn(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        // Each start writes a sign-in under way: limited per client like the other anonymous writes.
        try admit(.signIn, request, context)
        let purpose = form["purpose"] == "staff" ? SignInPurpose.staff : .resident
        let level = form["level"].flatMap(AssuranceLevel.init(rawValue:)) ?? .low
        let next = purpose == .staff ? Self.safeNext(form["next"]) : Self.safeLocalNext(form["next"])
        let url = try await identity.relyingParty.begin(provider: form["provider"] ?? "", level: level, purpose: purpose, next: next,
                                                         browser: visitor.seed, uiLocales: visitor.language.rawValue)
        return pages.redirect(url, visitor: visitor)
    }

    /// The provider's answer: a resident's session or a staff member's, then on to `next`.
    func callback(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let signIn = try await identity.relyingParty.complete(query: query, browser: visitor.seed)
        switch signIn.purpose {
        case .staff:
            guard let member = identity.settings.staffMember(provider: signIn.provider, subject: signIn.claims.subject) else { throw IdentityError.notStaff }
            let session = try await backend.accounts.signIn(providerUser: member.username, role: member.role)
            let cookie = visitor.cookie(Visitor.sessionCookie, session.token, maxAge: Int(backend.accounts.tokenLifetime))
            return pages.redirect(Self.safeNext(signIn.next), visitor: visitor, cookies: [cookie])
        case .resident:
            // A session at a new level replaces the old one.
            if let old = visitor.residentToken { _ = try? await identity.residents.endSession(cookie: old) }
            let (token, _) = try await identity.residents.startSession(signIn)
            let cookie = visitor.cookie(Visitor.residentCookie, token, maxAge: Int(identity.settings.sessionLifetime))
            return pages.redirect(Self.safeLocalNext(signIn.next), visitor: visitor, cookies: [cookie])
        }
    }

    /// Ends the resident's session here and, when the provider offers it, there too.
    func signOut(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let clear = visitor.cookie(Visitor.residentCookie, "", maxAge: 0)
        guard let token = visitor.residentToken, let ended = try await identity.residents.endSession(cookie: token) else {
            return pages.redirect("/", visitor: visitor, cookies: [clear])
        }
        let target = await identity.relyingParty.endSessionURL(provider: ended.provider, idToken: ended.idToken) ?? "/"
        return pages.redirect(target, visitor: visitor, cookies: [clear])
    }

    // MARK: The resident's own pages

    /// The signed-in resident allowed to do `operation`, else a step-up (sign in at its level).
    func resident(_ visitor: Visitor, for operation: IdentityOperation) throws -> ResidentSession {
        try identity.residents.authorize(visitor.resident, for: operation)
        guard let session = visitor.resident else { throw IdentityError.signInRequired(.low) }
        return session
    }

    func mePage(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let session = try resident(visitor, for: .account)
        let r = session.resident
        let provider = identity.settings.provider(session.provider)
        let ctx: [String: Any] = [
            "provider": provider?.name ?? session.provider, "issuer": r.issuer, "subject": r.subject,
            "level_name": pages.text("level_\(session.level.rawValue)", visitor),
            "has_code": r.personalCodeDigest != nil,
            "name": r.name ?? "", "email": r.email ?? "", "kept_name": r.name != nil, "kept_email": r.email != nil,
            "offered_name": session.offeredName ?? "", "offered_email": session.offeredEmail ?? "",
            "notify": r.notifyStatusChanges, "since": dateTime(r.createdAt),
            "consent": r.consentAt.map { dateTime($0) } ?? "",
            "saved": request.query("saved") != nil,
        ]
        return pages.page("me", title: pages.text("me_title", visitor), ctx, visitor: visitor, request: request)
    }

    func keepContact(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let session = try resident(visitor, for: .account)
        _ = try await identity.residents.keepContact(session, keepName: form["keep_name"] == "1", keepEmail: form["keep_email"] == "1",
                                                     notify: form["notify"] == "1", language: visitor.language.rawValue)
        return pages.redirect("/me?saved=1", visitor: visitor)
    }

    func deleteAccount(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let session = try resident(visitor, for: .account)
        guard form["confirm"] == "1" else { throw WebFailure(.badRequest, pages.text("me_delete_unconfirmed", visitor)) }
        try await identity.residents.deleteAccount(session)
        let clear = visitor.cookie(Visitor.residentCookie, "", maxAge: 0)
        var response = pages.page("message", title: pages.text("me_deleted_title", visitor),
                                  ["heading": pages.text("me_deleted_title", visitor), "message": pages.text("me_deleted", visitor)],
                                  visitor: Visitor(signedOut: visitor), request: request)
        response.headers[values: .setCookie].append(clear)
        return response
    }

    func myReports(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let session = try resident(visitor, for: .account)
        let reports = try await identity.residents.reports(session)
        var rows: [[String: Any]] = []
        for report in reports {
            var row = reportRow(report, visitor)
            row["history"] = try await backend.store.updates(reportId: report.id).map { u in
                ["status": pages.text("status_\(u.status.rawValue)", visitor), "note": u.note, "at": dateTime(u.at)] as [String: Any]
            }
            rows.append(row)
        }
        return pages.page("my-reports", title: pages.text("my_reports_title", visitor),
                          ["reports": rows, "has_reports": !rows.isEmpty, "notify": session.resident.notifyStatusChanges],
                          visitor: visitor, request: request)
    }
}

extension Visitor {
    /// The same visitor without a resident session (the page after deleting the account).
    init(signedOut visitor: Visitor) {
        self = visitor
        resident = nil
    }
}
