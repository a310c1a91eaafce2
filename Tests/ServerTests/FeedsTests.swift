import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct FeedsTests {
    @Test func atomFeedsPerDistrictAndService() async throws {
        try await Open311Fixture.run { client, f in
            _ = try await f.post(client, f.pothole([("description", "Duobė <prie> \"mokyklos\" & kiemo")]))
            _ = try await f.post(client, [("api_key", f.key), ("service_code", "graffiti"), ("lat", "54.9"), ("long", "23.93")])
            let all = try await get(client, "/feeds/reports.atom")
            #expect(all.headers[.contentType] == "application/atom+xml; charset=utf-8")
            let doc = try XMLDocument(data: Data(buffer: all.body))
            let entries = try doc.nodes(forXPath: "//*[local-name()='entry']")
            #expect(entries.count == 2)
            let text = String(buffer: all.body)
            #expect(text.contains("Duobė &lt;prie&gt; &quot;mokyklos&quot; &amp; kiemo"))
            #expect(!text.contains("jonas@example.lt"))
            let potholes = try XMLDocument(data: Data(buffer: try await get(client, "/feeds/reports.atom?service=pothole&district=zaliakalnis").body))
            #expect(try potholes.nodes(forXPath: "//*[local-name()='entry']").count == 1)
            let elsewhere = try XMLDocument(data: Data(buffer: try await get(client, "/feeds/reports.atom?district=aleksotas").body))
            #expect(try elsewhere.nodes(forXPath: "//*[local-name()='entry']").isEmpty)
            #expect(try await get(client, "/feeds/reports.atom?service=volcano").status == .notFound)
        }
    }
}
