import Foundation
import Hummingbird
import HummingbirdTesting
import Planning
import RateLimits
import Store
import Testing
@testable import Web

@Suite struct WebPagesTests {
    @Test func everyPublicPageRendersWithTheSecurityHeaders() async throws {
        try await WebFixture.run { client, _ in
            let browser = Browser()
            for uri in ["/", "/reports/new", "/reports/new?service_code=pothole", "/plans", "/staff/login", "/districts/\(try await firstDistrict(client))"] {
                let r = try await browser.get(client, uri)
                #expect(r.status == .ok, "\(uri): \(r.status)")
                #expect(r.headers[.contentType] == "text/html; charset=utf-8", "\(uri)")
                let csp = try #require(r.headers[.contentSecurityPolicy], "\(uri)")
                #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "\(uri): \(csp)")
                #expect(String(buffer: r.body).contains("<html lang=\"lt\">"), "\(uri) defaults to Lithuanian")
            }
            let css = try await browser.get(client, "/static/site.css")
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8")
            let missing = try await browser.get(client, "/reports/999999")
            #expect(missing.status == .notFound)
            #expect(String(buffer: missing.body).contains("Puslapis nerastas"))
        }
    }

    func firstDistrict(_ client: any TestClientProtocol) async throws -> String {
        let r = try await client.execute(uri: "/web/districts.geojson", method: .get) { $0 }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
        let features = try #require(json["features"] as? [[String: Any]])
        return try #require((features.first?["properties"] as? [String: Any])?["code"] as? String)
    }

    @Test func languageFollowsTheSwitchThenTheCookieThenAcceptLanguage() async throws {
        try await WebFixture.run { client, _ in
            let english = Browser(language: "en-GB,en;q=0.9,lt;q=0.5")
            #expect(String(buffer: try await english.get(client, "/plans").body).contains("Planning consultations"))
            let switcher = Browser(language: "en")
            let r = try await switcher.get(client, "/plans?lang=lt")
            #expect(String(buffer: r.body).contains("Planavimo svarstymai"))
            #expect(r.headers[values: .setCookie].contains { $0.hasPrefix("lang=lt;") && $0.contains("HttpOnly") && $0.contains("SameSite=Lax") })
            // The cookie now wins over Accept-Language.
            #expect(String(buffer: try await switcher.get(client, "/plans").body).contains("Planavimo svarstymai"))
        }
        #expect(Language.choose(query: nil, cookie: nil, acceptLanguage: "de, en;q=0.4, lt;q=0.8", offered: [.lt, .en], fallback: .lt) == .lt)
        #expect(Language.choose(query: nil, cookie: nil, acceptLanguage: "fr", offered: [.lt, .en], fallback: .lt) == .lt)
        #expect(Language.choose(query: nil, cookie: nil, acceptLanguage: "fr", offered: [.lt, .en], fallback: .en) == .en)
        // A language not offered is never chosen, from any source.
        #expect(Language.choose(query: "nb", cookie: "nb", acceptLanguage: "nb", offered: [.lt, .en], fallback: .en) == .en)
        #expect(Language.choose(query: "en", cookie: "lt", acceptLanguage: "lt", offered: [.lt, .en], fallback: .lt) == .en)
    }

    @Test func formsWithoutTheRightTokenAreRefused() async throws {
        try await WebFixture.run { client, fixture in
            let fields = [("service_code", "other"), ("lat", "54.8985"), ("long", "23.9036"), ("description", "CSRF probe")]
            // No seed cookie, no token: another site's form.
            let stranger = Browser()
            let r1 = try await stranger.post(client, "/reports/new", fields)
            #expect(r1.status == .forbidden)
            // A seed cookie but a forged token.
            let browser = Browser()
            let token = try await browser.token(client, "/reports/new?service_code=other")
            let r2 = try await browser.post(client, "/reports/new", fields + [("csrf", String(repeating: "0", count: token.count))])
            #expect(r2.status == .forbidden)
            #expect(String(buffer: r2.body).contains("Forma pasenusi"))
            // Another browser's token does not fit this browser's seed.
            let other = Browser()
            let otherToken = try await other.token(client, "/staff/login")
            #expect(try await browser.post(client, "/reports/new", fields + [("csrf", otherToken)]).status == .forbidden)
            #expect(try await fixture.store.reportCount() == 0, "nothing was stored")
            // The right token goes through.
            let ok = try await browser.post(client, "/reports/new", fields + [("csrf", token)])
            #expect(ok.status == .seeOther)
            #expect(try await fixture.store.reportCount() == 1)
        }
    }

    @Test func theReportFormShowsErrorsAndKeepsWhatWasTyped() async throws {
        try await WebFixture.run { client, fixture in
            let browser = Browser(language: "en")
            let token = try await browser.token(client, "/reports/new?service_code=pothole")
            // The required "lane" answer is missing: Intake's own message, and nothing stored.
            let typed = [("csrf", token), ("service_code", "pothole"), ("district", ""), ("address_string", "Laisvės al. 5"),
                         ("lat", "54.8985"), ("long", "23.9036"), ("description", "Deep hole <b>here</b>"), ("attribute[depth_cm]", "12")]
            let r = try await browser.post(client, "/reports/new", typed)
            #expect(r.status == .unprocessableContent)
            let page = String(buffer: r.body)
            #expect(page.contains("Please check the form") && page.contains("Please answer the question: Where is the pothole?"), "\(page)")
            #expect(page.contains("Deep hole &lt;b&gt;here&lt;/b&gt;</textarea>"))
            #expect(page.contains("value=\"Laisvės al. 5\"") && page.contains("value=\"54.8985\"") && page.contains("value=\"12\""))
            // Outside the city, in Lithuanian.
            let lt = Browser(language: "lt")
            let ltToken = try await lt.token(client, "/reports/new?service_code=other")
            let outside = try await lt.post(client, "/reports/new", [("csrf", ltToken), ("service_code", "other"), ("lat", "55.5"), ("long", "25.5")])
            #expect(String(buffer: outside.body).contains("už savivaldybės ribų"))
            // No place at all.
            let noPlace = try await browser.post(client, "/reports/new", [("csrf", token), ("service_code", "other"), ("description", "x")])
            #expect(noPlace.status == .unprocessableContent)
            #expect(String(buffer: noPlace.body).contains("Give the place"))
            // A district without coordinates needs the address text.
            let code = try await WebPagesTests().firstDistrict(client)
            let noAddress = try await browser.post(client, "/reports/new", [("csrf", token), ("service_code", "other"), ("district", code)])
            #expect(String(buffer: noAddress.body).contains("type the address"))
            #expect(try await fixture.store.reportCount() == 0)
            // District and address: stored at a point inside the district.
            let ok = try await browser.post(client, "/reports/new", [("csrf", token), ("service_code", "other"), ("district", code),
                                                                    ("address_string", "Laisvės al. 5"), ("description", "By the fountain")])
            #expect(ok.status == .seeOther)
            let report = try #require(try await fixture.store.reports(ReportQuery(limit: 1)).first)
            #expect(report.details.districtCode == code && report.details.address == "Laisvės al. 5" && report.details.source == "web")
        }
    }

    @Test func reportPagesEscapeWhatResidentsWrote() async throws {
        try await WebFixture.run { client, _ in
            let browser = Browser()
            let token = try await browser.token(client, "/reports/new?service_code=other")
            let evil = "<script>alert('x')</script>\" onmouseover=\"x"
            let r = try await browser.post(client, "/reports/new", [("csrf", token), ("service_code", "other"), ("lat", "54.8985"), ("long", "23.9036"),
                                                                    ("description", evil), ("address_string", evil)])
            #expect(r.status == .seeOther)
            let location = try #require(r.headers[.location])
            #expect(location.hasPrefix("/reports/") && location.contains("sent=1"))
            let page = String(buffer: try await browser.get(client, location).body)
            #expect(!page.contains("<script>alert"))
            #expect(!page.contains("\" onmouseover=\"x"))
            #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; onmouseover=&quot;x"))
            #expect(page.contains("Ačiū! Jūsų pranešimas užregistruotas."))
            #expect(!page.contains("panašus atviras") && !page.contains("Panašus į"), "no similar report, no notice")
            // A second report at the same place gets the similar-report notice.
            let second = try await browser.post(client, "/reports/new", [("csrf", token), ("service_code", "other"), ("lat", "54.8985"), ("long", "23.9036"),
                                                                         ("description", "again")])
            let notice = try #require(second.headers[.location])
            #expect(notice.contains("similar="))
            #expect(String(buffer: try await browser.get(client, notice).body).contains("Netoliese jau yra panašus atviras pranešimas"))
        }
    }

    @Test func staffPagesNeedASessionAndTheRightRole() async throws {
        try await WebFixture.run { client, fixture in
            let browser = Browser()
            let r = try await browser.get(client, "/staff/reports")
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/staff/login?next=%2Fstaff%2Freports")
            // A wrong password: 401 and the form again with the username.
            let token = try await browser.token(client, "/staff/login")
            let wrong = try await browser.post(client, "/staff/login", [("csrf", token), ("username", "sta"), ("password", "nope")])
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains("value=\"sta\""))
            // The session cookie is HttpOnly and SameSite=Lax (Secure behind TLS: see below).
            let ok = try await browser.post(client, "/staff/login", [("csrf", token), ("username", "sta"), ("password", WebFixture.password),
                                                                    ("next", "https://evil.example/")])
            #expect(ok.status == .seeOther && ok.headers[.location] == "/staff", "no open redirect")
            let cookie = try #require(ok.headers[values: .setCookie].first { $0.hasPrefix("miestas_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
            #expect(try await browser.get(client, "/staff/reports").status == .ok)
            // Staff may triage but not plan; the old token no longer fits the new session.
            let planner = try await browser.get(client, "/staff/plans/new")
            #expect(planner.status == .ok, "the form opens; Planning refuses the write")
            let create = try await browser.post(client, "/staff/plans/new", [("csrf", token), ("title", "x")])
            #expect(create.status == .forbidden)
            let fresh = try await browser.token(client, "/staff/plans/new")
            let refused = try await browser.post(client, "/staff/plans/new", [("csrf", fresh), ("title", "Planas"), ("kind", "detailed"),
                                                                             ("area", #"{"type":"Polygon","coordinates":[[[23.9,54.9],[23.91,54.9],[23.91,54.91],[23.9,54.9]]]}"#)])
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("Vaidmuo „darbuotojas“ to daryti negali"))
            #expect(try await fixture.store.plans().isEmpty)
            // Signing out revokes the token.
            #expect(try await browser.post(client, "/staff/logout", [("csrf", fresh)]).status == .seeOther)
            #expect(try await browser.get(client, "/staff/reports").status == .seeOther)
        }
    }

    @Test func repeatedFailedSignInsPauseTheUsernameWithAMessage() async throws {
        try await WebFixture.run { client, _ in
            let browser = Browser()
            let token = try await browser.token(client, "/staff/login")
            for _ in 0..<5 {
                #expect(try await browser.post(client, "/staff/login", [("csrf", token), ("username", "rasa"), ("password", "not it at all")]).status == .unauthorized)
            }
            let paused = try await browser.post(client, "/staff/login", [("csrf", token), ("username", "rasa"), ("password", WebFixture.password)])
            #expect(paused.status == .tooManyRequests)
            #expect(paused.headers[.retryAfter] != nil)
            #expect(String(buffer: paused.body).contains("Per daug nesėkmingų bandymų prisijungti"))
            #expect(paused.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("miestas_session=") }, "no session while paused")
            // Another username is not paused.
            #expect(try await browser.post(client, "/staff/login", [("csrf", token), ("username", "sta"), ("password", WebFixture.password)]).status == .seeOther)
        }
    }

    @Test func cookiesAreSecureBehindTLS() async throws {
        try await WebFixture.run { client, _ in
            let browser = Browser()
            browser.headers[.init("X-Forwarded-Proto")!] = "https"
            let r = try await browser.get(client, "/")
            #expect(r.headers[values: .setCookie].contains { $0.hasPrefix("miestas_csrf=") && $0.contains("; Secure") })
        }
    }

    @Test func triageMovesReportsThroughTheWorkflow() async throws {
        try await WebFixture.run { client, fixture in
            let resident = Browser()
            let token = try await resident.token(client, "/reports/new?service_code=other")
            for place in [("54.8985", "23.9036"), ("54.91", "23.95")] {
                _ = try await resident.post(client, "/reports/new", [("csrf", token), ("service_code", "other"), ("lat", place.0), ("long", place.1)])
            }
            let ids = try await fixture.store.reports(ReportQuery()).map(\.id)
            #expect(ids.count == 2)
            let staff = Browser()
            try await staff.signIn(client, "sta")
            let csrf = try await staff.token(client, "/staff/reports")
            // Workflow's rules: a note is required; closing needs a resolution.
            let noNote = try await staff.post(client, "/staff/reports/bulk", ids.map { ("ids", String($0)) } + [("csrf", csrf), ("status", "acknowledged")])
            #expect(noNote.status == .unprocessableContent)
            #expect(String(buffer: noNote.body).contains("parašykite pastabą"))
            let bulk = try await staff.post(client, "/staff/reports/bulk", ids.map { ("ids", String($0)) } + [("csrf", csrf), ("status", "acknowledged"), ("note", "seen")])
            #expect(bulk.status == .ok)
            #expect(try await fixture.store.reports(ReportQuery()).allSatisfy { $0.details.status == .acknowledged })
            let close = try await staff.post(client, "/staff/reports/\(ids[0])/transition", [("csrf", csrf), ("status", "closed"), ("note", "done")])
            #expect(close.status == .unprocessableContent)
            #expect(String(buffer: close.body).contains("nurodykite sprendimą"))
            let closed = try await staff.post(client, "/staff/reports/\(ids[0])/transition",
                                              [("csrf", csrf), ("status", "closed"), ("resolution", "fixed"), ("note", "patched")])
            #expect(closed.status == .seeOther)
            let page = String(buffer: try await staff.get(client, "/reports/\(ids[0])").body)
            #expect(page.contains("Uždarytas") && page.contains("patched"))
        }
    }

    @Test func theConsultationFlowThroughThePages() async throws {
        try await WebFixture.run { client, fixture in
            let planner = Browser()
            try await planner.signIn(client, "rasa")
            let (planPath, planId) = try await planner.createPlan(client, title: "Laisvės alėja", moderation: "post")
            // Planning's stage rule: consultation needs a published version first.
            var csrf = try await planner.token(client, planPath)
            let early = try await planner.post(client, "\(planPath)/transition", [("csrf", csrf), ("to", "consultation")])
            #expect(early.status == .unprocessableContent)
            #expect(String(buffer: early.body).contains("paskelbkite plano versiją"))
            #expect(try await planner.post(client, "\(planPath)/versions", [("csrf", csrf), ("note", "v1")]).status == .seeOther)
            #expect(try await planner.post(client, "\(planPath)/transition", [("csrf", csrf), ("to", "consultation")]).status == .seeOther)

            let resident = Browser()
            let rcsrf = try await resident.token(client, "/plans/\(planId)")
            let bad = try await resident.post(client, "/plans/\(planId)/comments", [("csrf", rcsrf), ("kind", "objection"), ("text", "Keep the trees"),
                                                                                  ("name", "Aistė"), ("email", "not-an-email")])
            #expect(bad.status == .unprocessableContent)
            #expect(String(buffer: bad.body).contains("value=\"Aistė\""))
            let sent = try await resident.post(client, "/plans/\(planId)/comments", [("csrf", rcsrf), ("kind", "objection"), ("text", "Keep the trees"),
                                                                                   ("name", "Aistė"), ("email", "aiste@example.lt"), ("lat", "54.90"), ("long", "23.915")])
            #expect(sent.status == .seeOther)
            let commentId = try #require(try await fixture.store.comments(planId: planId, publishedOnly: false, includeHidden: true).first?.id)

            let architect = Browser()
            try await architect.signIn(client, "tomas")
            #expect(String(buffer: try await architect.get(client, "/staff/answers").body).contains("/staff/comments/\(commentId)/answer"))
            let acsrf = try await architect.token(client, "/staff/comments/\(commentId)/answer")
            let answered = try await architect.post(client, "/staff/comments/\(commentId)/answer",
                                                    [("csrf", acsrf), ("decision", "rejected"), ("reasoning", "The trees are <kept> anyway.")])
            #expect(answered.status == .seeOther)
            // The planner may not answer: the authorization table says architects only.
            let pcsrf = try await planner.token(client, "/staff/comments/\(commentId)/answer")
            let forbidden = try await planner.post(client, "/staff/comments/\(commentId)/answer", [("csrf", pcsrf), ("decision", "accepted"), ("reasoning", "x")])
            #expect(forbidden.status == .unprocessableContent)
            #expect(!String(buffer: try await resident.get(client, "/plans/\(planId)").body).contains("kept"), "a draft is not public")

            csrf = try await planner.token(client, planPath)
            #expect(try await planner.post(client, "\(planPath)/answers/publish", [("csrf", csrf), ("all", "1")]).status == .seeOther)
            let lt = String(buffer: try await resident.get(client, "/plans/\(planId)?lang=lt").body)
            #expect(lt.contains("The trees are &lt;kept&gt; anyway.") && lt.contains("atmesta"))
            #expect(!lt.contains("Viešas susirinkimas"), "no hearing yet, none shown")
            let en = String(buffer: try await resident.get(client, "/plans/\(planId)?lang=en").body)
            #expect(en.contains("Register of comments") && en.contains("rejected"))
        }
    }

    @Test func aCommentCarriesAFileThatTheRegisterLinks() async throws {
        try await WebFixture.run { client, fixture in
            let planner = Browser()
            try await planner.signIn(client, "rasa")
            let (_, planId) = try await planner.openConsultation(client, title: "Savanorių prospektas", moderation: "post")
            let resident = Browser(language: "en")
            let csrf = try await resident.token(client, "/plans/\(planId)")
            let fields = [("csrf", csrf), ("kind", "objection"), ("text", "See the attached photo"), ("name", "Aistė"), ("email", "aiste@example.lt")]
            // Not a PDF, JPEG or PNG: refused with the form again, nothing stored.
            let gif = try await resident.postMultipart(client, "/plans/\(planId)/comments", fields,
                                                       files: [("attachment", "x.gif", Array("GIF89a....".utf8))])
            #expect(gif.status == .unprocessableContent)
            #expect(String(buffer: gif.body).contains("value=\"Aistė\""))
            #expect(try await fixture.store.comments(planId: planId, publishedOnly: false, includeHidden: true).isEmpty)
            // A PNG (its first bytes are what counts, not its name).
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 64)
            let sent = try await resident.postMultipart(client, "/plans/\(planId)/comments", fields, files: [("attachment", "photo.bin", png)])
            #expect(sent.status == .seeOther)
            let comment = try #require(try await fixture.store.comments(planId: planId, publishedOnly: false, includeHidden: true).first)
            let register = String(buffer: try await resident.get(client, "/plans/\(planId)").body)
            #expect(register.contains("<a href=\"/api/v1/comments/\(comment.id)/attachment\">Attached file (PNG)</a>"), "\(register)")
            let file = try await resident.get(client, "/api/v1/comments/\(comment.id)/attachment")
            #expect(file.status == .ok && file.headers[.contentType] == "image/png" && Array(buffer: file.body) == png)
            // An empty file field (nothing chosen) is no attachment.
            let plain = try await resident.postMultipart(client, "/plans/\(planId)/comments", fields, files: [("attachment", "", [])])
            #expect(plain.status == .seeOther)
            #expect(try await fixture.store.comments(planId: planId, publishedOnly: false, includeHidden: true).filter { $0.attachment != nil }.count == 1)
        }
    }

    @Test func moderationAndTheRegister() async throws {
        try await WebFixture.run { client, fixture in
            let planner = Browser()
            try await planner.signIn(client, "rasa")
            let (planPath, planId) = try await planner.openConsultation(client, title: "Pre-moderated", moderation: "pre")
            let csrf = try await planner.token(client, planPath)
            let resident = Browser()
            let rcsrf = try await resident.token(client, "/plans/\(planId)")
            for text in ["First comment", "Rude comment"] {
                let r = try await resident.post(client, "/plans/\(planId)/comments", [("csrf", rcsrf), ("kind", "proposal"), ("text", text),
                                                                                     ("name", "Jonas"), ("email", "jonas@example.lt")])
                #expect(r.headers[.location]?.contains("sent=pending") == true)
            }
            // Pre-moderation: nothing public yet.
            #expect(!String(buffer: try await resident.get(client, "/plans/\(planId)").body).contains("First comment"))
            let ids = try await fixture.store.comments(planId: planId, publishedOnly: false, includeHidden: true).sorted { $0.id < $1.id }.map(\.id)
            #expect(try await planner.post(client, "\(planPath)/moderate", [("csrf", csrf), ("comment", String(ids[0])), ("action", "publish")]).status == .seeOther)
            // Hiding needs a reason (Planning's rule), then shows the reason instead of the text.
            let noReason = try await planner.post(client, "\(planPath)/moderate", [("csrf", csrf), ("comment", String(ids[1])), ("action", "hide"), ("reason", "")])
            #expect(noReason.status == .unprocessableContent)
            _ = try await planner.post(client, "\(planPath)/moderate", [("csrf", csrf), ("comment", String(ids[1])), ("action", "hide"), ("reason", "Insulting")])
            let register = String(buffer: try await resident.get(client, "/plans/\(planId)").body)
            #expect(register.contains("First comment") && !register.contains("Rude comment") && register.contains("Insulting"))
            // An architect may not moderate: the authorization table.
            let architect = Browser()
            try await architect.signIn(client, "tomas")
            let acsrf = try await architect.token(client, "/staff/plans/\(planId)")
            let refused = try await architect.post(client, "\(planPath)/moderate", [("csrf", acsrf), ("comment", String(ids[0])), ("action", "hide"), ("reason", "x")])
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("Vaidmuo „architektas“ to daryti negali"))
        }
    }

    @Test func oversizedFormsAreRefusedWithAPage() async throws {
        try await WebFixture.run { client, fixture in
            let browser = Browser()
            let token = try await browser.token(client, "/staff/login")
            let huge = try await browser.post(client, "/staff/login", [("csrf", token), ("username", String(repeating: "a", count: 300_000))])
            #expect(huge.status == .badRequest)
            #expect(String(buffer: huge.body).contains("Forma didesnė nei 256 KB"))
            let broken = try await browser.request(client, .post, "/staff/login", body: ByteBuffer(string: "csrf=%zz"),
                                                   contentType: "application/x-www-form-urlencoded")
            #expect(broken.status == .badRequest)
            let multipart = try await browser.request(client, .post, "/reports/new", body: ByteBuffer(string: "--x\r\nbroken"),
                                                      contentType: "multipart/form-data; boundary=x")
            #expect(multipart.status == .badRequest)
            #expect(try await fixture.store.reportCount() == 0)
        }
    }

    @Test func theDistrictPageCountsAndCharts() async throws {
        try await WebFixture.run { client, _ in
            let browser = Browser(language: "en")
            let token = try await browser.token(client, "/reports/new?service_code=pothole")
            for depth in ["3", "30"] {
                _ = try await browser.post(client, "/reports/new", [("csrf", token), ("service_code", "pothole"), ("lat", "54.8985"), ("long", "23.9036"),
                                                                    ("attribute[lane]", "roadway"), ("attribute[depth_cm]", depth)])
            }
            let location = try await client.execute(uri: "/api/v1/locate?lon=23.9036&lat=54.8985", method: .get) { $0 }
            let code = try #require((try JSONSerialization.jsonObject(with: Data(buffer: location.body)) as? [String: Any])?["code"] as? String)
            let page = String(buffer: try await browser.get(client, "/districts/\(code)").body)
            #expect(page.contains("<th scope=\"row\">Pothole</th><td>2</td>"), "\(page)")
            #expect(page.contains("<svg") && page.contains("class=\"bar\""))
            #expect(page.contains("/api/v1/districts/\(code)/hotspots?since="))
            #expect(page.contains("No hotspots in this period."), "two reports make no hotspot")
            #expect(try await browser.get(client, "/districts/nowhere").status == .notFound)
        }
    }

    @Test func theDistrictPageListsItsHotspotsWithoutJavaScript() async throws {
        try await WebFixture.run { client, _ in
            let browser = Browser(language: "en")
            let token = try await browser.token(client, "/reports/new?service_code=graffiti")
            // Six graffiti reports a few metres apart (a hotspot: at least 5 within 50 m), one far away.
            for (i, service) in ["graffiti", "graffiti", "graffiti", "graffiti", "graffiti", "street_light"].enumerated() {
                let r = try await browser.post(client, "/reports/new", [("csrf", token), ("service_code", service),
                                                                        ("lat", String(54.8985 + Double(i) * 0.00005)), ("long", "23.9036")])
                #expect(r.status == .seeOther)
            }
            _ = try await browser.post(client, "/reports/new", [("csrf", token), ("service_code", "graffiti"), ("lat", "54.9050"), ("long", "23.9036")])
            let location = try await client.execute(uri: "/api/v1/locate?lon=23.9036&lat=54.8985", method: .get) { $0 }
            let code = try #require((try JSONSerialization.jsonObject(with: Data(buffer: location.body)) as? [String: Any])?["code"] as? String)
            // The page's list is the API's analysis: one hotspot of the six, mostly graffiti.
            var api: [[String: Any]] = []
            for _ in 0..<50 {  // the map's index takes new reports within 50 ms
                let body = try await client.execute(uri: "/api/v1/districts/\(code)/hotspots?since=2000-01-01", method: .get) { $0 }.body
                api = (try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["features"] as? [[String: Any]] ?? []
                if (api.first?["properties"] as? [String: Any])?["count"] as? Int == 6 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(api.count == 1 && (api.first?["properties"] as? [String: Any])?["count"] as? Int == 6)
            let page = String(buffer: try await browser.get(client, "/districts/\(code)").body)
            #expect(page.contains("<tr><th scope=\"row\">1</th><td>6</td><td>Graffiti (5), Street light out (1)</td><td>54.89"), "\(page)")
            #expect(!page.contains("<th scope=\"row\">2</th><td>"), "the far report is noise")
        }
    }
}

/// The anonymous forms' per-client limits and their honeypot field.
@Suite struct WebAbuseTests {
    static let report = [("service_code", "other"), ("lat", "54.8985"), ("long", "23.9036"), ("description", "Limit probe")]

    @Test func theReportFormIsLimitedPerClientWithATranslatedPage() async throws {
        var limits = RateLimitSettings.none
        limits.reportsPerAddress = Rate(count: 2, period: 3600)
        try await WebFixture.run(limits: limits) { client, fixture in
            let browser = Browser()
            let token = try await browser.token(client, "/reports/new?service_code=other")
            for _ in 0..<2 {
                let r = try await browser.post(client, "/reports/new", Self.report + [("csrf", token), ("website", "")])
                #expect(r.status == .seeOther)
            }
            let refused = try await browser.post(client, "/reports/new", Self.report + [("csrf", token)])
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter].flatMap { Int($0) }.map { $0 > 1000 } == true)
            #expect(String(buffer: refused.body).contains("Iš jūsų ryšio gauta per daug pranešimų"))
            let stored = try await fixture.store.reportCount()
            #expect(stored == 2)
        }
    }

    @Test func aFilledHoneypotIsRefusedAndNothingIsStored() async throws {
        try await WebFixture.run { client, fixture in
            let browser = Browser(language: "en")
            let page = try await browser.get(client, "/reports/new?service_code=other")
            // The field is in the form, hidden from people.
            #expect(String(buffer: page.body).contains(#"<div class="hp" aria-hidden="true">"#))
            let token = try #require(WebFixture.csrf(in: String(buffer: page.body)))
            let bot = try await browser.post(client, "/reports/new", Self.report + [("csrf", token), ("website", "https://spam.example")])
            #expect(bot.status == .badRequest)
            #expect(String(buffer: bot.body).contains("filled in by a program"))
            let stored = try await fixture.store.reportCount()
            #expect(stored == 0)
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"miestas_honeypot_total{form="report"} 1"#))
        }
    }

    @Test func signInAttemptsAreLimitedPerClient() async throws {
        var limits = RateLimitSettings.none
        limits.signInsPerAddress = Rate(count: 2, period: 600)
        try await WebFixture.run(limits: limits) { client, _ in
            let browser = Browser(language: "en")
            let token = try await browser.token(client, "/staff/login")
            for name in ["a", "b"] {
                let r = try await browser.post(client, "/staff/login", [("csrf", token), ("username", name), ("password", "x")])
                #expect(r.status == .unauthorized)
            }
            let refused = try await browser.post(client, "/staff/login", [("csrf", token), ("username", "sta"), ("password", WebFixture.password)])
            #expect(refused.status == .tooManyRequests)
            #expect(String(buffer: refused.body).contains("too many sign-in attempts from your connection"))
            #expect(refused.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("miestas_session=") })
        }
    }
}
