import Foundation
import Hummingbird
import HummingbirdTesting
import Staff
import Store
import Testing

@Suite struct StaffWorkflowTests {
    func json(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
    }

    func signIn(_ client: any TestClientProtocol, _ user: String, _ password: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                                 body: ByteBuffer(string: #"{"username":"\#(user)","password":"\#(password)"}"#)) { $0 }
    }

    func move(_ client: any TestClientProtocol, _ token: String?, _ id: String, _ body: String) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: "/api/v1/reports/\(id)/transitions", method: .post, headers: headers, body: ByteBuffer(string: body)) { $0 }
    }

    @Test func repeatedFailedSignInsGetA429WithRetryAfter() async throws {
        try await Open311Fixture.run { client, f in
            var accounts = StaffAccounts(store: f.store)
            accounts.cost = 4
            _ = try await accounts.add(username: "ona", role: .staff, password: "correct horse battery")
            for _ in 0..<5 { #expect(try await signIn(client, "ona", "wrong password!!").status == .unauthorized) }
            let paused = try await signIn(client, "ona", "correct horse battery")
            #expect(paused.status == .tooManyRequests)
            #expect(paused.headers[.contentType] == "application/problem+json")
            let seconds = try #require(paused.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...30).contains(seconds))
            #expect((try json(paused)["detail"] as? String)?.contains("try again in") == true)
        }
    }

    @Test func staffMoveReportsAndTheWorldSeesTheHistory() async throws {
        try await Open311Fixture.run { client, f in
            var accounts = StaffAccounts(store: f.store)
            accounts.cost = 4  // fast hashes for tests; the default is 12
            _ = try await accounts.add(username: "ona", role: .staff, password: "correct horse battery")
            _ = try await accounts.add(username: "petras", role: .architect, password: "correct horse battery")
            let created = try await f.post(client, f.pothole())
            let id = try #require(try jsonArray(created).first?["service_request_id"] as? String)

            #expect(try await signIn(client, "ona", "wrong password!!").status == .unauthorized)
            #expect(try await signIn(client, "nobody", "correct horse battery").status == .unauthorized)
            let session = try await signIn(client, "ona", "correct horse battery")
            #expect(session.status == .ok)
            let token = try #require(try json(session)["token"] as? String)

            #expect(try await move(client, nil, id, #"{"status":"acknowledged","note":"x"}"#).status == .unauthorized)
            #expect(try await move(client, "st_bogus", id, #"{"status":"acknowledged","note":"x"}"#).status == .unauthorized)
            let architect = try #require(try json(try await signIn(client, "petras", "correct horse battery"))["token"] as? String)
            #expect(try await move(client, architect, id, #"{"status":"acknowledged","note":"x"}"#).status == .forbidden)

            #expect(try await move(client, token, id, #"{"status":"acknowledged"}"#).status == .badRequest)  // no note
            #expect(try await move(client, token, id, #"{"status":"closed","note":"done"}"#).status == .badRequest)  // no resolution
            #expect(try await move(client, token, id, #"{"status":"done","note":"x"}"#).status == .badRequest)
            #expect(try await move(client, token, "999", #"{"status":"acknowledged","note":"x"}"#).status == .notFound)
            let ack = try await move(client, token, id, #"{"status":"acknowledged","note":"Crew notified"}"#)
            #expect(ack.status == .ok)
            let back = try await move(client, token, id, #"{"status":"open","note":"oops"}"#)
            #expect(back.status == .conflict)
            #expect((try json(back)["detail"] as? String)?.contains("cannot go from acknowledged to open") == true)
            let done = try await move(client, token, id, #"{"status":"closed","resolution":"fixed","note":"Patched with asphalt"}"#)
            #expect(try json(done)["status"] as? String == "closed")

            // Open311 sees it closed, with the note; the updates feed has both steps.
            let open311 = try await get(client, "/open311/v2/requests/\(id).json")
            #expect(try jsonArray(open311).first?["status"] as? String == "closed")
            #expect(try jsonArray(open311).first?["status_notes"] as? String == "Patched with asphalt")
            let feed = try jsonArray(try await get(client, "/open311/v2/servicerequestupdates.json"))
            #expect(feed.map { $0["status"] as? String } == ["investigating", "fixed"])
            #expect(feed.allSatisfy { $0["service_request_id"] as? String == id })
            let xml = try await get(client, "/open311/v2/servicerequestupdates.xml")
            #expect(String(buffer: xml.body).contains("<service_request_updates><request_update><update_id>"))
            // The report's page data: history, no personal data.
            let page = try await get(client, "/api/v1/reports/\(id)")
            let history = try #require(try json(page)["history"] as? [[String: Any]])
            #expect(history.map { $0["note"] as? String } == ["Crew notified", "Patched with asphalt"])
            #expect(!String(buffer: page.body).contains("jonas@example.lt"))
            // Reopen, then sign out: the token stops working.
            #expect(try await move(client, token, id, #"{"status":"open","note":"Came back"}"#).status == .ok)
            let signOut = try await client.execute(uri: "/api/v1/auth/token", method: .delete, headers: [.authorization: "Bearer \(token)"]) { $0 }
            #expect(signOut.status == .noContent)
            #expect(try await move(client, token, id, #"{"status":"acknowledged","note":"x"}"#).status == .unauthorized)
        }
    }

    @Test func reportsAsGeoJSON() async throws {
        try await Open311Fixture.run { client, f in
            _ = try await f.post(client, f.pothole())
            let r = try await get(client, "/api/v1/reports.geojson?service=pothole&district=zaliakalnis&bbox=23.9,54.89,23.95,54.91")
            #expect(r.headers[.contentType] == "application/geo+json")
            let fc = try json(r)
            #expect((fc["features"] as? [Any])?.count == 1)
            #expect(!String(buffer: r.body).contains("jonas@example.lt"))
            #expect(try await get(client, "/api/v1/reports.geojson?status=pending").status == .badRequest)
            #expect(try await get(client, "/api/v1/reports.geojson?since=yesterday").status == .badRequest)
            #expect(try await get(client, "/api/v1/reports/abc").status == .notFound)
        }
    }
}
