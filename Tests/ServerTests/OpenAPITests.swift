import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct OpenAPITests {
    /// The router's own 404 (a handler's 404 says what was not found).
    static func isUnrouted(_ r: TestResponse) -> Bool {
        guard r.status == .notFound else { return false }
        let body = try? JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
        return body?["detail"] as? String == "Not Found"
    }

    /// The document is served, and every path it lists is routed (a request to each answers
    /// something other than the router's 404 for an unknown path).
    @Test func theDocumentDescribesRoutesThatExist() async throws {
        try await Open311Fixture.run { client, _ in
            // What the router answers for a path it does not know, so the check below can fail.
            #expect(Self.isUnrouted(try await get(client, "/api/v1/no-such-thing")))
            let r = try await get(client, "/openapi.json")
            #expect(r.status == .ok)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
            #expect(doc["openapi"] as? String == "3.0.3")
            let paths = try #require(doc["paths"] as? [String: [String: Any]])
            #expect(paths.count >= 6)
            for (path, operations) in paths {
                for method in operations.keys {
                    let concrete = path.replacingOccurrences(of: "{id}", with: "1")
                    let response = try await client.execute(uri: concrete + (path.contains("locate") ? "?lon=23.93&lat=54.9" : ""),
                                                            method: HTTPRequest.Method(rawValue: method.uppercased())!,
                                                            headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")) { $0 }
                    #expect(!Self.isUnrouted(response), "\(method) \(path) is not routed")
                }
            }
        }
    }
}
