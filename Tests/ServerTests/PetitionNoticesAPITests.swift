import Config
import Foundation
import Hummingbird
import HummingbirdTesting
import Petitions
import Server
import Store
import TestSupport
import Testing

/// What a petition's signers get besides their signature, on both backends: an email with the
/// answer (written in the answer's transaction, to those who asked and kept an email), a stop
/// link that acts only on a button, the answer's document, per-1,000-residents figures, the
/// residence an identity provider tells, and the open-data export without personal data.
@Suite struct PetitionNoticesAPITests {
    typealias API = PetitionsAPITests

    /// An open petition by a new author (no sponsors needed); answers its id.
    static func openPetition(_ client: any TestClientProtocol, _ f: API.Fixture, json: String = API.petitionJSON) async throws -> Int {
        let author = try await f.resident("author-\(UUID().uuidString)", code: nil)
        var r = try await f.call(client, .post, "/api/petitions", cookie: author, json: json)
        let id = try #require(try API.object(r)["id"] as? Int)
        r = try await f.call(client, .post, "/api/petitions/\(id)/submit", cookie: author)
        #expect(API.obj(r)["state"] as? String == "awaiting_moderation")
        r = try await f.call(client, .post, "/api/petitions/\(id)/moderation", token: "mod", json: #"{"action": "approve"}"#)
        #expect(API.obj(r)["state"] as? String == "open")
        return id
    }

    static func settings(_ s: inout Config.Settings) {
        s.petitions.sponsorsNeeded = 0
        s.petitions.thresholds = PetitionThresholds(response: 1, council: 3)
        s.petitions.districtPopulations = ["D1": 2_000]
    }

    @Test(arguments: TestStores.backends)
    func subscribersGetTheAnswerAndTheLinkAsksBeforeStopping(_ backend: StoreBackend) async throws {
        try await API.run(backend, Self.settings) { client, f in
            let id = try await Self.openPetition(client, f)
            let ona = try await f.resident("ona", code: "48001010011", keptEmail: "ona@example.lt", language: "lt")
            let jonas = try await f.resident("jonas", code: "38001010012")
            let petras = try await f.resident("petras", code: "38001010013", keptEmail: "petras@example.lt", language: "en")

            // Asking for the answer without a kept email is refused before anything is written.
            var r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: jonas, json: #"{"notify_answer": true}"#)
            #expect(r.status == .conflict && API.detail(r).contains("/me"))
            #expect(API.obj(try await f.call(client, .get, "/api/petitions/\(id)"))["signature_count"] as? Int == 0, "no signature stored")
            r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: ona,
                                 json: #"{"notify_answer": true, "location": {"longitude": 25.2, "latitude": 54.2}}"#)
            #expect(r.status == .created && API.obj(r)["notify_answer"] as? Bool == true && API.obj(r)["district_source"] as? String == "address")
            #expect(API.obj(try await f.call(client, .get, "/api/petitions/\(id)", cookie: ona))["notify_answer"] as? Bool == true)
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: jonas, json: "{}").status == .created)
            // Petras follows without signing, then changes his mind.
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/subscription", cookie: petras).status == .ok)
            #expect(try await f.call(client, .delete, "/api/petitions/\(id)/subscription", cookie: petras).status == .noContent)
            #expect(API.obj(try await f.call(client, .get, "/api/petitions/\(id)", cookie: petras))["notify_answer"] as? Bool == false)
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/subscription", token: "mod").status == .forbidden)

            // Per 1,000 residents where the population is configured.
            let o = try API.object(try await f.call(client, .get, "/api/petitions/\(id)/districts"))
            let rows = try #require(o["districts"] as? [[String: Any]])
            #expect(rows.first?["population"] as? Int == 2_000 && rows.first?["per_1000"] as? Double == 0.5)
            #expect(rows.last?["population"] == nil && rows.last?["per_1000"] == nil)
            let csv = String(buffer: try await f.call(client, .get, "/api/petitions/\(id)/districts.csv").body)
            #expect(csv.contains("D1,Senamiestis,1,2000,0.50\r\n"))

            // The answer with its document; a bad address is refused and nothing is sent.
            let answer = #"{"text": "Suolai bus", "decision": "partly_accepted", "date": "2027-03-01", "document": "DOC"}"#
            r = try await f.call(client, .post, "/api/petitions/\(id)/answer", token: "mod", json: answer.replacingOccurrences(of: "DOC", with: "ftp://x/y"))
            #expect(r.status == .badRequest && API.detail(r).contains("document"))
            #expect(try await f.store.outbox(unsentOnly: true).isEmpty)
            r = try await f.call(client, .post, "/api/petitions/\(id)/answer", token: "mod",
                                 json: answer.replacingOccurrences(of: "DOC", with: "https://savivaldybe.example.lt/sprendimai/1-23.pdf"))
            #expect(r.status == .ok)
            #expect((API.obj(r)["answer"] as? [String: Any])?["document"] as? String == "https://savivaldybe.example.lt/sprendimai/1-23.pdf")
            let mail = try await f.store.outbox(unsentOnly: true)
            #expect(mail.map(\.recipient) == ["ona@example.lt"], "only the subscriber who kept an email")
            let message = try #require(mail.first)
            #expect(message.subject.contains("Daugiau suolų") && message.body.contains("iš dalies pritarta"), "in her language (lt)")
            #expect(message.body.contains("/petitions/\(id)") && message.body.contains("1-23.pdf"))
            let link = try #require(message.body.range(of: #"/petition-notices/[0-9a-f]{32}"#, options: .regularExpression))
            let path = String(message.body[link])

            // The link shows a page with a button; opening it (as a mail scanner does) stops nothing.
            r = try await f.call(client, .get, path)
            let page = String(buffer: r.body)
            #expect(r.status == .ok && page.contains("<form method=\"post\" action=\"\(path)\""))
            let token = String(path.split(separator: "/").last!)
            #expect(try await f.store.subscription(token: token) != nil)
            let seed = try #require(r.headers[values: .setCookie].first { $0.hasPrefix("miestas_csrf=") }?.split(separator: ";").first)
            let csrf = try #require(page.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression).map { String(page[$0].dropFirst(19).dropLast()) })
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: String(seed)]
            r = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: "csrf=bad")) { $0 }
            var still = try await f.store.subscription(token: token)
            #expect(r.status == .forbidden && still != nil, "a forged POST stops nothing")
            r = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(csrf)")) { $0 }
            still = try await f.store.subscription(token: token)
            #expect(r.status == .ok && still == nil)
            headers[.cookie] = nil
            #expect(try await f.call(client, .get, path).status == .notFound, "a stopped link names nothing")
        }
    }

    @Test(arguments: TestStores.backends)
    func aDistrictPetitionCountsOnlyResidentsTheProviderPlacesThere(_ backend: StoreBackend) async throws {
        try await API.run(backend, { s in Self.settings(&s); s.petitions.thresholds = PetitionThresholds(response: 2, council: 3) }) { client, f in
            let id = try await Self.openPetition(client, f)  // about D1
            let here = try await f.resident("here", code: "38001010021", residence: "D1")
            let there = try await f.resident("there", code: "38001010022", residence: "D2")
            let away = try await f.resident("away", code: "38001010023", residence: "LT-13")
            let untold = try await f.resident("untold", code: "38001010024")

            // The provider's residence wins over an address placed on the map.
            var r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: there,
                                     json: #"{"location": {"longitude": 25.2, "latitude": 54.2}}"#)
            #expect(r.status == .created && API.obj(r)["district"] as? String == "D2" && API.obj(r)["district_source"] as? String == "provider")
            r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: away, json: "{}")
            #expect(r.status == .created && API.obj(r)["district"] is NSNull && API.obj(r)["district_source"] as? String == "provider")
            r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: here, json: "{}")
            #expect(r.status == .created && API.obj(r)["district"] as? String == "D1")
            var o = try API.object(try await f.call(client, .get, "/api/petitions/\(id)"))
            #expect(o["signature_count"] as? Int == 3 && o["counted_signatures"] as? Int == 1 && o["response_threshold_reached"] as? Bool == false)
            r = try await f.call(client, .post, "/api/petitions/\(id)/answer", token: "mod", json: #"{"text": "t", "decision": "accepted", "date": "2027-01-01"}"#)
            #expect(r.status == .conflict && API.detail(r).contains("it has 1"))
            // A signer whose residence nobody told counts (an address proves nothing either way).
            r = try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: untold, json: #"{"location": {"longitude": 25.7, "latitude": 54.2}}"#)
            #expect(r.status == .created && API.obj(r)["district_source"] as? String == "address")
            o = try API.object(try await f.call(client, .get, "/api/petitions/\(id)"))
            #expect(o["signature_count"] as? Int == 4 && o["counted_signatures"] as? Int == 2 && o["response_threshold_reached"] as? Bool == true)

            // A petition of the whole municipality counts everyone.
            let whole = try await Self.openPetition(client, f, json: API.petitionJSON.replacingOccurrences(of: #", "district": "D1""#, with: ""))
            #expect(try await f.call(client, .post, "/api/petitions/\(whole)/signatures", cookie: there, json: "{}").status == .created)
            #expect(try await f.call(client, .post, "/api/petitions/\(whole)/signatures", cookie: away, json: "{}").status == .created)
            o = try API.object(try await f.call(client, .get, "/api/petitions/\(whole)"))
            #expect(o["signature_count"] as? Int == 2 && o["counted_signatures"] as? Int == 2)
        }
    }
}
