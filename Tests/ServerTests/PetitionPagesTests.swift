import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Hummingbird
import HummingbirdTesting
import Petitions
import Server
import Store
import TestSupport
import Testing

/// The petition pages (LT/EN) on both backends, as a browser uses them: forms with their CSRF
/// token, redirects after each POST, a resident's and a moderator's cookies. The whole lifecycle,
/// sponsoring through the link (a page with a button: opening it sponsors nothing), signing with
/// a place that gives the district, refusals shown as pages with their status, bulk invalidation
/// from the velocity table, the answer, and the server-drawn SVG map.
@Suite struct PetitionPagesTests {
    typealias API = PetitionsAPITests

    /// One browser: its CSRF seed cookie, and a resident's or a staff member's session.
    struct Browser {
        let client: any TestClientProtocol
        var cookies: [String] = []

        init(_ client: any TestClientProtocol, resident: String? = nil, staffToken: String? = nil) {
            self.client = client
            if let resident { cookies.append("miestas_resident=\(resident)") }
            if let staffToken { cookies.append("miestas_session=\(staffToken)") }
        }

        mutating func get(_ uri: String) async throws -> (TestResponse, String) {
            let r = try await client.execute(uri: uri, method: .get, headers: headers(), body: nil) { $0 }
            if let seed = r.headers[values: .setCookie].first(where: { $0.hasPrefix("miestas_csrf=") })?.split(separator: ";").first {
                cookies.append(String(seed))
            }
            return (r, String(buffer: r.body))
        }

        /// Reads the form's token from `page`, then posts `fields` with it.
        mutating func post(_ uri: String, from page: String, _ fields: [(String, String)] = []) async throws -> (TestResponse, String) {
            if !cookies.contains(where: { $0.hasPrefix("miestas_csrf=") }) { _ = try await get(page) }
            let (_, html) = try await get(page)
            let csrf = try #require(html.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression).map { String(html[$0].dropFirst(19).dropLast()) })
            let body = ([("csrf", csrf)] + fields).map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
            var h = headers()
            h[.contentType] = "application/x-www-form-urlencoded"
            let r = try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: body)) { $0 }
            return (r, String(buffer: r.body))
        }

        /// English unless the address asks for another language (the demo's default is Lithuanian).
        func headers() -> HTTPFields {
            var h: HTTPFields = [.acceptLanguage: "en"]
            if !cookies.isEmpty { h[.cookie] = cookies.joined(separator: "; ") }
            return h
        }
    }

    static let petition: [(String, String)] = [("title", "Daugiau suolų parke"), ("change", "Pastatyti dešimt suolų"),
                                               ("reason", "Senjorams reikia poilsio"), ("act", "Sprendimas Nr. 1-23"), ("district", "")]

    @Test(arguments: TestStores.backends)
    func theLifecycleThroughThePages(_ backend: StoreBackend) async throws {
        try await API.run(backend) { client, f in
            var author = Browser(client, resident: try await f.resident("author", code: "38001010001"))
            var mod = Browser(client, staffToken: f.tokens["mod"])
            var planner = Browser(client, staffToken: f.tokens["pl"])
            var anyone = Browser(client)

            // Writing: a wrong form comes back with its values and the reason, and nothing is written.
            var (r, page) = try await author.get("/petitions/new")
            #expect(r.status == .ok && page.contains("name=\"title\""))
            (r, page) = try await author.post("/petitions", from: "/petitions/new", Self.petition.map { $0.0 == "title" ? ("title", " ") : $0 })
            #expect(r.status == .badRequest && page.contains("title: required") && page.contains("Pastatyti dešimt suolų"))
            #expect(try await f.store.petitions(PetitionFilter()).isEmpty)
            (r, page) = try await author.post("/petitions", from: "/petitions/new", Self.petition)
            #expect(r.status == .seeOther)
            let location = try #require(r.headers[.location])
            let id = try #require(Int64(location.dropFirst("/petitions/".count).prefix { $0.isNumber }))
            (r, page) = try await author.get(location)
            #expect(r.status == .ok && page.contains("Daugiau suolų parke") && page.contains("/petitions/\(id)/submit"))
            #expect(try await anyone.get("/petitions/\(id)").0.status == .notFound, "a draft is its author's")

            // Sponsors through the link: the GET shows a button and sponsors nothing.
            (r, _) = try await author.post("/petitions/\(id)/submit", from: "/petitions/\(id)")
            #expect(r.status == .seeOther)
            (_, page) = try await author.get("/petitions/\(id)")
            #expect(page.contains("/petitions/\(id)/sponsor"))
            for (n, code) in [("s1", "38001010002"), ("s2", "38001010003")] {
                var sponsor = Browser(client, resident: try await f.resident(n, code: code))
                (r, page) = try await sponsor.get("/petitions/\(id)/sponsor")
                #expect(r.status == .ok && page.contains("action=\"/petitions/\(id)/sponsor\""))
                (r, _) = try await sponsor.post("/petitions/\(id)/sponsor", from: "/petitions/\(id)/sponsor")
                #expect(r.status == .seeOther)
            }
            #expect(try await f.store.sponsorCount(petitionId: id) == 2)
            (r, _) = try await author.post("/petitions/\(id)/submit", from: "/petitions/\(id)")
            #expect(try await f.store.petition(id: id)?.state == .awaitingModeration)

            // Moderation: moderators only.
            #expect(try await planner.get("/staff/petitions").0.status == .forbidden)
            (r, page) = try await mod.get("/staff/petitions")
            #expect(r.status == .ok && page.contains("/staff/petitions/\(id)"))
            (r, _) = try await mod.post("/staff/petitions/\(id)/moderation", from: "/staff/petitions/\(id)", [("action", "reject"), ("code", ""), ("reason", "x")])
            #expect(r.status == .badRequest, "a rejection needs its code")
            (r, _) = try await mod.post("/staff/petitions/\(id)/moderation", from: "/staff/petitions/\(id)", [("action", "approve")])
            let opened = try await f.store.petition(id: id)?.state
            #expect(r.status == .seeOther && opened == .open)

            // Signing: the place gives the district; the address is not kept.
            var signer = Browser(client, resident: try await f.resident("signer", code: "48001010004"))
            (r, page) = try await signer.get("/petitions/\(id)")
            #expect(r.status == .ok && page.contains("action=\"/petitions/\(id)/sign\""))
            (r, page) = try await signer.post("/petitions/\(id)/sign", from: "/petitions/\(id)", [("lat", "10"), ("long", "10")])
            #expect(r.status == .badRequest && page.contains("none of the municipality"), "an address outside every district is refused")
            #expect(try await f.store.signatureCounts(petitionId: id).total == 0)
            (r, _) = try await signer.post("/petitions/\(id)/sign", from: "/petitions/\(id)",
                                           [("lat", "54.2"), ("long", "25.7"), ("show_name", "1"), ("public_name", "Ona")])
            #expect(r.status == .seeOther && r.headers[.location] == "/petitions/\(id)?done=signed")
            (_, page) = try await signer.get("/petitions/\(id)?done=signed")
            #expect(page.contains("your signature is counted") && page.contains("id=\"signature-count\">1<") && page.contains("Žirmūnai"))
            (r, page) = try await signer.post("/petitions/\(id)/sign", from: "/petitions/\(id)", [])
            #expect(r.status == .conflict && page.contains("signed this petition already"))
            var twin = Browser(client, resident: try await f.resident("twin", provider: "b", code: "48001010004"))
            (r, _) = try await twin.post("/petitions/\(id)/sign", from: "/petitions/\(id)", [])
            #expect(r.status == .conflict, "the same person through another provider")
            (r, page) = try await twin.post("/petitions/\(id)/sign?lang=lt", from: "/petitions/\(id)", [])
            #expect(r.status == .conflict && page.contains("To padaryti negalima: Šis asmuo šią peticiją jau pasirašė (per šį ar kitą tapatybės teikėją).")
                    && !page.contains("signed this petition already"), "the refusal's reason in the visitor's language")

            // The map: D2 shaded, D1 not; a well-formed SVG with a title per district.
            (r, page) = try await anyone.get("/petitions/\(id)/map.svg")
            #expect(r.status == .ok && r.headers[.contentType]?.hasPrefix("image/svg+xml") == true)
            #expect(page.contains("id=\"district-D2\" fill=\"#") && !page.contains("id=\"district-D2\" fill=\"#ffffff\"")
                    && page.contains("id=\"district-D1\" fill=\"#ffffff\""))
            #expect(page.contains("<title>Žirmūnai: Signatures: 1</title>"))
            #expect(XMLParser(data: Data(page.utf8)).parse(), "the SVG is well-formed XML")
            (_, page) = try await anyone.get("/petitions/\(id)?lang=lt")
            #expect(page.contains("Parašai žemėlapyje") && page.contains("/petitions/\(id)/map.svg"))

            // Velocity and bulk invalidation: the count drops at once, the signature is kept with the reason.
            (_, page) = try await mod.get("/staff/petitions/\(id)")
            let hour = try #require(page.range(of: #"name="hour" value="[0-9]+""#, options: .regularExpression).map { String(page[$0].dropFirst(19).dropLast()) })
            (r, _) = try await mod.post("/staff/petitions/\(id)/invalidations", from: "/staff/petitions/\(id)", [("reason", "")])
            #expect(r.status == .badRequest, "hours and a reason are needed")
            (r, _) = try await mod.post("/staff/petitions/\(id)/invalidations", from: "/staff/petitions/\(id)", [("hour", hour), ("reason", "a bot burst")])
            #expect(r.status == .seeOther && r.headers[.location]?.contains("n=1") == true)
            #expect(try await f.store.signatureCounts(petitionId: id).total == 0)
            (_, page) = try await signer.get("/petitions/\(id)")
            #expect(page.contains("a bot burst"))

            // Two valid signatures reach the response threshold (2): the answer is published.
            for (n, code) in [("v1", "38001010011"), ("v2", "38001010012")] {
                var b = Browser(client, resident: try await f.resident(n, code: code))
                (r, _) = try await b.post("/petitions/\(id)/sign", from: "/petitions/\(id)", [])
                #expect(r.status == .seeOther)
            }
            (r, _) = try await mod.post("/staff/petitions/\(id)/answer", from: "/staff/petitions/\(id)",
                                        [("decision", "accepted"), ("date", "2026-12-01"), ("text", "Suolai bus pastatyti."), ("document", "")])
            #expect(r.status == .seeOther)
            (_, page) = try await anyone.get("/petitions/\(id)")
            #expect(page.contains("Suolai bus pastatyti.") && page.contains("accepted"))
            (_, page) = try await anyone.get("/petitions")
            #expect(page.contains("/petitions/\(id)\"") && page.contains("Answered"))
            // The list's counts come from one read for every row: the two valid signatures, not the invalidated one.
            #expect(page.contains("<span>Signatures: 2</span>") && page.contains("aria-label=\"Response threshold: 2 / 2\""), "\(page)")
            (_, page) = try await mod.get("/staff/petitions")
            #expect(page.contains("answered · 2 / 2 ✓"), "the moderators' queue too")
        }
    }

    @Test(arguments: TestStores.backends)
    func aSignatureIsWithdrawnAndAHiddenPetitionKeepsItsTextBack(_ backend: StoreBackend) async throws {
        try await API.run(backend, { $0.petitions.sponsorsNeeded = 0 }) { client, f in
            var author = Browser(client, resident: try await f.resident("author", code: "38001010001"))
            var mod = Browser(client, staffToken: f.tokens["adm"])
            var signer = Browser(client, resident: try await f.resident("signer", code: "38001010002"))
            var anyone = Browser(client)
            var (r, _) = try await author.post("/petitions", from: "/petitions/new", Self.petition)
            let id = try #require(r.headers[.location].flatMap { Int64($0.dropFirst("/petitions/".count).prefix { $0.isNumber }) })
            (r, _) = try await author.post("/petitions/\(id)/submit", from: "/petitions/\(id)")
            #expect(try await f.store.petition(id: id)?.state == .awaitingModeration, "no sponsors needed: straight to moderation")
            (r, _) = try await mod.post("/staff/petitions/\(id)/moderation", from: "/staff/petitions/\(id)", [("action", "approve")])
            (r, _) = try await signer.post("/petitions/\(id)/sign", from: "/petitions/\(id)", [])
            #expect(try await f.store.signatureCounts(petitionId: id).total == 1)
            var page: String
            (r, page) = try await signer.get("/petitions/\(id)")
            #expect(page.contains("/petitions/\(id)/signature/withdraw"))
            (r, _) = try await signer.post("/petitions/\(id)/signature/withdraw", from: "/petitions/\(id)")
            let left = try await f.store.signatureCounts(petitionId: id).total
            #expect(r.status == .seeOther && left == 0)

            // Signing needs a sign-in: the page offers it, the form's POST sends the visitor to sign in.
            (r, page) = try await anyone.get("/petitions/\(id)")
            #expect(page.contains("/signin?") && !page.contains("action=\"/petitions/\(id)/sign\""))

            (r, _) = try await mod.post("/staff/petitions/\(id)/moderation", from: "/staff/petitions/\(id)", [("action", "hide"), ("reason", "Šmeižia asmenį")])
            (r, page) = try await anyone.get("/petitions/\(id)")
            #expect(r.status == .ok && page.contains("Šmeižia asmenį") && !page.contains("Pastatyti dešimt suolų"), "the reason shows, the text does not")
            (r, page) = try await author.get("/petitions/\(id)")
            #expect(page.contains("Pastatyti dešimt suolų"), "its author still reads it")
            (r, page) = try await author.post("/petitions/\(id)/withdraw", from: "/petitions/\(id)")
            #expect(r.status == .conflict, "a hidden petition cannot be withdrawn")
        }
    }
}
