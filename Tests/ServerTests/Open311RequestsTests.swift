import Config
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Districts
import Hummingbird
import Logging
import HummingbirdTesting
import Reports
import Server
import Store
import TestSupport
import Testing

/// An app over a fresh database with the demo districts, the catalogue (with `other` made a
/// batch service, to exercise tokens) and one API key.
struct Open311Fixture {
    static let repository = ServerTests.repository
    let store: SpatiaLiteStore
    let key: String

    static func run(_ test: @Sendable (any TestClientProtocol, Open311Fixture) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-open311-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SpatiaLiteStore(path: dir.appendingPathComponent("db.sqlite").path)
        _ = try await DistrictImporter(store: store).importFile(repository.appendingPathComponent("Data/demo/kaunas-seniunijos.geojson").path)
        var services = try ServiceCatalogue.load(path: repository.appendingPathComponent("Data/services.json").path)
        if let i = services.firstIndex(where: { $0.code == "other" }) { services[i].kind = .batch }
        try await store.replaceServices(services)
        let (_, key) = try await store.addAPIKey(name: "tests")
        let fixture = Open311Fixture(store: store, key: key)
        let app = buildApplication(services: try await AppServices.load(store: store, settings: try .demo(tiles: dir)), logger: ServerTests.quietLogger)
        try await app.test(.router) { client in try await test(client, fixture) }
    }

    func form(_ fields: [(String, String)]) -> ByteBuffer {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return ByteBuffer(string: fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&"))
    }

    /// A valid pothole report in Žaliakalnis, with personal data.
    func pothole(_ extra: [(String, String)] = [], lat: String = "54.9000", long: String = "23.9300") -> [(String, String)] {
        [("api_key", key), ("service_code", "pothole"), ("lat", lat), ("long", long), ("attribute[lane]", "roadway"),
         ("attribute[depth_cm]", "12"), ("description", "Gili duobė prie perėjos"), ("email", "jonas@example.lt"),
         ("phone", "+37060012345"), ("first_name", "Jonas"), ("last_name", "Jonaitis"), ("device_id", "device-77")] + extra
    }

    func post(_ client: any TestClientProtocol, _ fields: [(String, String)], format: String = "json") async throws -> TestResponse {
        try await client.execute(uri: "/open311/v2/requests.\(format)", method: .post,
                                 headers: [.contentType: "application/x-www-form-urlencoded; charset=utf-8"], body: form(fields)) { $0 }
    }
}

func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
    try await client.execute(uri: uri, method: .get) { $0 }
}

func jsonArray(_ r: TestResponse) throws -> [[String: Any]] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]])
}

@Suite struct Open311RequestsTests {
    @Test func postThenGetByIdAndByFiltersWithoutPersonalData() async throws {
        try await Open311Fixture.run { client, f in
            var id = ""
            do { let r = try await f.post(client, f.pothole())
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/json; charset=utf-8")
                let body = try jsonArray(r)
                id = try #require(body.first?["service_request_id"] as? String)
                #expect(body.first?["token"] == nil)
                #expect(body.first?["service_notice"] == nil)
            }
            let captured = id
            do { let r = try await get(client, "/open311/v2/requests/\(captured).json")
                #expect(r.status == .ok)
                let request = try #require(try jsonArray(r).first)
                #expect(request["service_request_id"] as? String == captured)
                #expect(request["status"] as? String == "open")
                #expect(request["service_code"] as? String == "pothole")
                #expect(request["service_name"] as? String == "Duobė kelyje")
                #expect(request["description"] as? String == "Gili duobė prie perėjos")
                #expect(request["agency_responsible"] as? String == "Miesto tvarkymo skyrius")
                #expect(request["lat"] as? Double == 54.9 && request["long"] as? Double == 23.93)
                #expect((request["requested_datetime"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$"#, options: .regularExpression) != nil)
                for key in ["service_request_id", "status", "service_name", "service_code", "description", "requested_datetime",
                            "updated_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"] {
                    #expect(request[key] != nil, "missing \(key)")
                }
            }
            // Every public view of it: no e-mail, phone, names or device id.
            for uri in ["/open311/v2/requests/\(captured).json", "/open311/v2/requests/\(captured).xml", "/open311/v2/requests.json",
                        "/open311/v2/requests.xml", "/open311/v2/requests.json?service_request_id=\(captured)"] {
                do { let r = try await get(client, uri)
                    let text = String(buffer: r.body)
                    #expect(text.contains("Gili duob"), "\(uri)")
                    for secret in ["jonas@example.lt", "37060012345", "Jonaitis", "device-77"] { #expect(!text.contains(secret), "\(uri) leaks \(secret)") }
                }
            }
            do { let r = try await get(client, "/open311/v2/requests.json?service_code=graffiti")
                #expect(try jsonArray(r).isEmpty)
            }
            do { let r = try await get(client, "/open311/v2/requests.json?service_code=pothole,graffiti&status=open&district=zaliakalnis")
                #expect(try jsonArray(r).count == 1)
            }
            do { let r = try await get(client, "/open311/v2/requests.json?status=closed"); #expect(try jsonArray(r).isEmpty) }
            do { let r = try await get(client, "/open311/v2/requests.json?bbox=23.9,54.89,23.95,54.91"); #expect(try jsonArray(r).count == 1) }
            do { let r = try await get(client, "/open311/v2/requests.json?bbox=24.0,54.89,24.05,54.91"); #expect(try jsonArray(r).isEmpty) }
            do { let r = try await get(client, "/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00%2B02:00")
                #expect(r.status == .ok)
                #expect(try jsonArray(r).isEmpty)
            }
        }
    }

    @Test func xmlFollowsTheSpecNames() async throws {
        try await Open311Fixture.run { client, f in
            do { let r = try await f.post(client, f.pothole(), format: "xml")
                #expect(r.headers[.contentType] == "text/xml; charset=utf-8")
                let doc = try XMLDocument(data: Data(buffer: r.body))
                #expect(try doc.nodes(forXPath: "/service_requests/request/service_request_id").first?.stringValue == "1")
            }
            do { let r = try await get(client, "/open311/v2/requests.xml")
                let doc = try XMLDocument(data: Data(buffer: r.body))
                #expect(try doc.nodes(forXPath: "/service_requests/request/status").first?.stringValue == "open")
                #expect(try doc.nodes(forXPath: "/service_requests/request/lat").first?.stringValue == "54.9")
            }
        }
    }

    @Test func aSimilarOpenReportNearbyIsNoticedButTheReportIsKept() async throws {
        try await Open311Fixture.run { client, f in
            do { let r = try await f.post(client, f.pothole()); #expect(r.status == .ok) }
            // About 11 m away: the same pothole, most likely.
            do { let r = try await f.post(client, f.pothole(lat: "54.9001", long: "23.9300"))
                #expect(r.status == .ok)
                let notice = try #require(try jsonArray(r).first?["service_notice"] as? String)
                #expect(notice.contains("request 1"))
            }
            // About 110 m away: a different one.
            do { let r = try await f.post(client, f.pothole(lat: "54.9010", long: "23.9300"))
                #expect(try jsonArray(r).first?["service_notice"] == nil)
            }
            do { let r = try await get(client, "/open311/v2/requests/2.json")
                #expect((try jsonArray(r).first?["service_notice"] as? String)?.contains("request 1") == true)
            }
        }
    }

    @Test func batchServicesAnswerATokenThatLeadsToTheId() async throws {
        try await Open311Fixture.run { client, f in
            var token = ""
            do { let r = try await f.post(client, [("api_key", f.key), ("service_code", "other"), ("lat", "54.9"), ("long", "23.93"), ("description", "x")])
                let body = try jsonArray(r)
                token = try #require(body.first?["token"] as? String)
                #expect(body.first?["service_request_id"] == nil)
            }
            let t = token
            do { let r = try await get(client, "/open311/v2/tokens/\(t).json")
                #expect(try jsonArray(r).first?["service_request_id"] as? String == "1")
            }
            do { let r = try await get(client, "/open311/v2/tokens/nope.json"); #expect(r.status == .notFound) }
        }
    }

    @Test func jsonBodiesAreAcceptedToo() async throws {
        try await Open311Fixture.run { client, f in
            let body = #"{"api_key":"\#(f.key)","service_code":"unsafe_facade","lat":54.9,"long":23.93,"#
                + #""attribute":{"people_in_danger":"yes","elements":["plaster","balcony"]}}"#
            try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: body)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
            }
            let stored = try await f.store.report(id: 1)
            #expect(stored?.details.attributes == ["people_in_danger": ["yes"], "elements": ["plaster", "balcony"]])
            #expect(stored?.details.districtCode == "zaliakalnis")
        }
    }

    @Test func everyErrorPathAnswersInTheSpecFormat() async throws {
        try await Open311Fixture.run { client, f in
            let cases: [([(String, String)], HTTPResponse.Status, String)] = [
                (f.pothole().filter { $0.0 != "api_key" }, .forbidden, "api_key is required"),
                (f.pothole().map { $0.0 == "api_key" ? ("api_key", "mk_wrong") : $0 }, .forbidden, "Invalid api_key"),
                (f.pothole().map { $0.0 == "service_code" ? ("service_code", "volcano") : $0 }, .notFound, "service_code 'volcano' not found"),
                (f.pothole().filter { $0.0 != "service_code" }, .badRequest, "service_code is required"),
                (f.pothole().filter { $0.0 != "attribute[lane]" }, .badRequest, "attribute[lane] is required"),
                (f.pothole().map { $0.0 == "attribute[lane]" ? ("attribute[lane]", "sky") : $0 }, .badRequest, "is not one of"),
                (f.pothole().map { $0.0 == "attribute[depth_cm]" ? ("attribute[depth_cm]", "deep") : $0 }, .badRequest, "must be a number"),
                (f.pothole().map { $0.0 == "attribute[depth_cm]" ? ("attribute[depth_cm]", "500") : $0 }, .badRequest, "at most 100"),
                (f.pothole([("attribute[colour]", "red")]), .badRequest, "attribute[colour] is not an attribute"),
                (f.pothole(lat: "north", long: "23.93"), .badRequest, "lat must be a latitude"),
                (f.pothole(lat: "54.9", long: "190"), .badRequest, "long must be a longitude"),
                (f.pothole().filter { $0.0 != "lat" && $0.0 != "long" } + [("address_string", "Laisvės al. 1, Kaunas")], .badRequest, "no geocoder"),
                (f.pothole().filter { $0.0 != "lat" && $0.0 != "long" }, .badRequest, "lat and long are required"),
                (f.pothole(lat: "55.5", long: "25.5"), .badRequest, "outside the service area"),
                (f.pothole().map { $0.0 == "email" ? ("email", "not-an-address") : $0 }, .badRequest, "email is not an e-mail address"),
                (f.pothole().map { $0.0 == "description" ? ("description", String(repeating: "ą", count: 4001)) : $0 }, .badRequest, "longer than 4000"),
                (f.pothole([("media_url", "ftp://example.lt/x.jpg")]), .badRequest, "media_url must be an http"),
            ]
            for (fields, status, message) in cases {
                do { let r = try await f.post(client, fields)
                    #expect(r.status == status, "\(message): \(r.status)")
                    let error = try jsonArray(r).first
                    #expect(error?["code"] as? Int == Int(status.code), "\(message)")
                    #expect((error?["description"] as? String)?.contains(message) == true, "\(message): \(String(buffer: r.body))")
                }
            }
            // Nothing was stored by any of them.
            #expect(try await f.store.reportCount() == 0)

            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 12 * 1024 * 1024)
            try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: big) { r in
                #expect(r.status == .contentTooLarge)
            }
            for (uri, status) in [("/open311/v2/requests/999.json", HTTPResponse.Status.notFound), ("/open311/v2/requests/abc.xml", .notFound),
                                  ("/open311/v2/requests.json?start_date=yesterday", .badRequest),
                                  ("/open311/v2/requests.json?start_date=2026-01-01T00:00:00", .badRequest),
                                  ("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", .badRequest),
                                  ("/open311/v2/requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", .badRequest),
                                  ("/open311/v2/requests.json?status=pending", .badRequest),
                                  ("/open311/v2/requests.json?bbox=1,2,3", .badRequest),
                                  ("/open311/v2/requests.json?page_size=5000", .badRequest),
                                  ("/open311/v2/requests.json?service_request_id=1,x", .badRequest)] {
                do { let r = try await get(client, uri)
                    #expect(r.status == status, "\(uri)")
                    #expect((try? jsonArray(r))?.first?["description"] != nil || uri.hasSuffix(".xml"), "\(uri)")
                }
            }
        }
    }

    @Test func pagingAndTheDefaultWindow() async throws {
        try await Open311Fixture.run { client, f in
            for i in 0..<5 {
                do { let r = try await f.post(client, f.pothole(lat: String(54.90 + Double(i) * 0.001), long: "23.93")); #expect(r.status == .ok) }
            }
            do { let r = try await get(client, "/open311/v2/requests.json?page_size=2&page=1")
                #expect(try jsonArray(r).map { $0["service_request_id"] as? String } == ["5", "4"])  // newest first
            }
            do { let r = try await get(client, "/open311/v2/requests.json?page_size=2&page=3")
                #expect(try jsonArray(r).map { $0["service_request_id"] as? String } == ["1"])
            }
            do { let r = try await get(client, "/open311/v2/requests.json?service_request_id=2,4")
                #expect(Set(try jsonArray(r).compactMap { $0["service_request_id"] as? String }) == ["2", "4"])
            }
        }
    }
}
