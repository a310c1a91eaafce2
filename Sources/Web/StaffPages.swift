import Foundation
import Hummingbird
import RateLimits
import Planning
import Reports
import Staff
import Store

/// The staff workspace: sign-in (a session cookie holding a staff token from `StaffAccounts`),
/// and report triage: a filterable list with bulk status change, and a report's detail with
/// its transitions. `Workflow` decides who may move a report and how.
extension WebPages {
    func registerStaff(on router: Router<ClientRequestContext>) {
        router.get("staff/login", use: page { request, _, visitor in loginPage(request, visitor) })
        router.post("staff/login", use: form(login))
        router.post("staff/logout", use: form(logout))
        router.get("staff", use: page(dashboard))
        router.get("staff/reports", use: page { request, _, visitor in try await triagePage(request, visitor) })
        router.post("staff/reports/bulk", use: form(bulkChange))
        router.get("staff/reports/:id", use: page { request, context, visitor in try await staffReportPage(request, visitor, id: try id(context)) })
        router.post("staff/reports/:id/transition", use: form(changeStatus))
        registerPlanner(on: router)
        registerArchitect(on: router)
    }

    // MARK: Signing in and out

    func loginPage(_ request: Request, _ visitor: Visitor, error: String? = nil, username: String = "", status: HTTPResponse.Status = .ok) -> Response {
        // Staff listed in the identity configuration may sign in through a provider instead.
        let providers = backend.identity.map { $0.settings.staff.isEmpty ? [] : $0.settings.providers.map { ["id": $0.id, "name": $0.name] } } ?? []
        return pages.page("login", title: pages.text("login_title", visitor),
                          ["next": Self.safeNext(request.query("next")), "error": error ?? "", "username": username,
                           "providers": providers, "has_providers": !providers.isEmpty],
                          visitor: visitor, request: request, status: status)
    }

    /// Only paths of this site's staff area: never an open redirect.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/staff"), !next.hasPrefix("//"), !next.contains("\\") else { return "/staff" }
        return next
    }

    func login(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        try admit(.signIn, request, context)
        let username = form["username"] ?? ""
        let result: Result<(token: String, user: StaffUser, expiresAt: Date), StaffError>
        do { result = .success(try await backend.accounts.signIn(username: username, password: form["password"] ?? "")) } catch { result = .failure(error) }
        switch result {
        case .success(let session):
            let cookie = visitor.cookie(Visitor.sessionCookie, session.token, maxAge: Int(backend.accounts.tokenLifetime))
            return pages.redirect(Self.safeNext(form["next"]), visitor: visitor, cookies: [cookie])
        case .failure(.badCredentials):
            return loginPage(request, visitor, error: pages.text("login_failed", visitor), username: username, status: .unauthorized)
        case .failure(.throttled(let seconds)):
            var page = loginPage(request, visitor, error: describe(StaffError.throttled(retryAfter: seconds), visitor).1,
                                 username: username, status: .tooManyRequests)
            page.headers[.retryAfter] = String(seconds)
            return page
        case .failure(let error):
            throw error
        }
    }

    func logout(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        if let token = visitor.session { _ = try? await backend.accounts.signOut(token: token) }
        return pages.redirect("/", visitor: visitor, cookies: [visitor.cookie(Visitor.sessionCookie, "", maxAge: 0)])
    }

    func dashboard(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let user = try staff(visitor, request, roles: Set(StaffUser.Role.allCases))
        let ctx: [String: Any] = ["triage": Workflow.roles.contains(user.role),
                                  "planner": Authorization.allows(PlanActor.staff(user).audience, .moderate),
                                  "architect": Authorization.allows(PlanActor.staff(user).audience, .answer),
                                  "moderator": backend.petitions != nil && Self.moderatorRoles.contains(user.role)]
        return pages.page("staff", title: pages.text("staff_title", visitor), ctx, visitor: visitor, request: request)
    }

    // MARK: Triage

    func triagePage(_ request: Request, _ visitor: Visitor, messages: [String] = [], errors: [String] = []) async throws -> Response {
        _ = try staff(visitor, request, roles: Workflow.roles)
        let service = request.query("service_code"), status = request.query("status"), district = request.query("district")
        var query = ReportQuery(limit: 100)
        if let service { query.serviceCodes = [service] }
        if let status, let s = ReportStatus(rawValue: status) { query.statuses = [s] }
        if let district { query.districtCodes = [district] }
        let reports = try await backend.store.reports(query)
        let ctx: [String: Any] = [
            "services": serviceOptions(visitor, selected: service), "statuses": statusOptions(visitor, selected: status),
            "districts": backend.districts.sorted { $0.name < $1.name }.map { ["code": $0.code, "name": $0.name, "selected": $0.code == district] },
            "reports": reports.map { reportRow($0, visitor) }, "has_reports": !reports.isEmpty,
            "resolutions": resolutionOptions(visitor),
            "messages": messages, "errors": errors, "has_errors": !errors.isEmpty,
            "back": request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""),
        ]
        return pages.page("staff-reports", title: pages.text("triage_title", visitor), ctx, visitor: visitor, request: request,
                          status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func resolutionOptions(_ visitor: Visitor) -> [[String: Any]] {
        Resolution.allCases.map { ["code": $0.rawValue, "name": pages.text("resolution_\($0.rawValue)", visitor)] }
    }

    /// The same status change for every chosen report, each through `Workflow.move`; reports it
    /// refuses are listed with the reason, the others are moved.
    func bulkChange(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let user = try staff(visitor, request, roles: Workflow.roles)
        let ids = form.all("ids").compactMap { Int64($0) }
        var errors: [String] = [], moved = 0
        if ids.isEmpty { errors.append(pages.text("error_none_chosen", visitor)) }
        for id in ids {
            do {
                let (report, _) = try await move(id, form, user: user, visitor)
                backend.reportChanged(report)
                moved += 1
            } catch { errors.append("\(id): \(describe(error, visitor).1)") }
        }
        let message = moved > 0 ? ["\(pages.text("bulk_moved", visitor)) \(moved)"] : []
        return try await triagePage(request, visitor, messages: message, errors: errors)
    }

    func move(_ id: Int64, _ form: WebForm, user: StaffUser, _ visitor: Visitor) async throws -> (Report, ReportUpdate) {
        guard let status = form["status"].flatMap(ReportStatus.init(rawValue:)) else { throw WebFailure(.badRequest, pages.text("error_status", visitor)) }
        let resolution = form["resolution"].flatMap { $0.isEmpty ? nil : Resolution(rawValue: $0) }
        return try await Workflow.move(id, to: status, resolution: resolution, note: form["note"] ?? "", by: user.id,
                                       store: backend.store, openReports: backend.intake.openReports)
    }

    func staffReportPage(_ request: Request, _ visitor: Visitor, id: Int64, errors: [String] = [], note: String = "") async throws -> Response {
        _ = try staff(visitor, request, roles: Workflow.roles)
        guard let report = try await backend.store.report(id: id) else { throw WebFailure(.notFound, pages.text("error_no_report", visitor)) }
        let history = try await backend.store.updates(reportId: id)
        let d = report.details
        var ctx = reportRow(report, visitor)
        ctx["description"] = d.description
        ctx["email"] = d.contact.email ?? ""
        ctx["attributes"] = d.attributes.sorted { $0.key < $1.key }.map { ["code": $0.key, "value": $0.value.joined(separator: ", ")] }
        ctx["photo"] = d.mediaURL ?? ""
        ctx["history"] = history.map { u in
            ["status": pages.text("status_\(u.status.rawValue)", visitor), "note": u.note, "at": dateTime(u.at),
             "resolution": u.resolution.map { pages.text("resolution_\($0.rawValue)", visitor) } ?? ""] as [String: Any]
        }
        ctx["statuses"] = statusOptions(visitor, selected: nil)
        ctx["resolutions"] = resolutionOptions(visitor)
        ctx["errors"] = errors
        ctx["has_errors"] = !errors.isEmpty
        ctx["note"] = note
        return pages.page("staff-report", title: "\(pages.text("report_heading", visitor)) \(id)", ctx, visitor: visitor, request: request,
                          status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func changeStatus(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, _ form: WebForm) async throws -> Response {
        let user = try staff(visitor, request, roles: Workflow.roles)
        let reportId = try id(context)
        do {
            let (report, _) = try await move(reportId, form, user: user, visitor)
            backend.reportChanged(report)
            return pages.redirect("/staff/reports/\(reportId)", visitor: visitor)
        } catch let e as WorkflowError where e != .notFound(reportId) {
            return try await staffReportPage(request, visitor, id: reportId, errors: [pages.text(e.message, visitor)], note: form["note"] ?? "")
        }
    }
}
