import Config
import Foundation
import Hummingbird
import HummingbirdTesting
import Petitions
import Server
import Store
import TestSupport
import Testing

/// A petition's signatures on the public map (the WMS layer `petition-signatures` with
/// `PETITION=<id>`) and in the open-data export, which carries no personal data.
@Suite struct PetitionMapAndExportTests {
    typealias API = PetitionsAPITests

    /// Two signatures in D1 (population 2,000), one in D2 (population 500), one without a district.
    static func signed(_ client: any TestClientProtocol, _ f: API.Fixture) async throws -> Int {
        let id = try await PetitionNoticesAPITests.openPetition(client, f)
        for (i, point) in ["25.2", "25.3", "25.7", nil].enumerated() {
            let cookie = try await f.resident("s\(i)", code: "3800101002\(i)")
            let body = point.map { #"{"public_name": "Vardas Pavardė", "location": {"longitude": \#($0), "latitude": 54.2}}"# } ?? "{}"
            #expect(try await f.call(client, .post, "/api/petitions/\(id)/signatures", cookie: cookie, json: body).status == .created)
        }
        return id
    }

    static func settings(_ s: inout Config.Settings) {
        PetitionNoticesAPITests.settings(&s)
        s.petitions.districtPopulations = ["D1": 2_000, "D2": 500]
    }

    static func wms(_ request: String, _ extra: String) -> String {
        "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=\(request)&CRS=EPSG:4326&BBOX=54.0,25.0,54.5,26.0&WIDTH=200&HEIGHT=100&STYLES=&FORMAT=image/png\(extra)"
    }

    @Test(arguments: TestStores.backends)
    func theWMSLayerDrawsOnePetitionsSignaturesPerDistrict(_ backend: StoreBackend) async throws {
        try await API.run(backend, Self.settings) { client, f in
            let id = try await Self.signed(client, f)
            var r = try await f.call(client, .get, Self.wms("GetMap", "&LAYERS=petition-signatures&PETITION=\(id)"))
            #expect(r.status == .ok && r.headers[.contentType] == "image/png" && Array(Data(buffer: r.body).prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            // D1: 2 signatures, 1 per 1,000; D2: 1 signature, 2 per 1,000 (the pixel (50, 50) is in D1, (150, 50) in D2).
            for (x, code, signatures, per) in [(50, "D1", 2, 1.0), (150, "D2", 1, 2.0)] {
                r = try await f.call(client, .get, Self.wms("GetFeatureInfo", "&LAYERS=petition-signatures&QUERY_LAYERS=petition-signatures&PETITION=\(id)&INFO_FORMAT=application/json&I=\(x)&J=50"))
                let body = String(buffer: r.body)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any], "\(body)")
                let properties = try #require((json["features"] as? [[String: Any]])?.first?["properties"] as? [String: Any], "\(body)")
                #expect(properties["code"] as? String == code && properties["signatures"] as? Int == signatures && properties["per_1000"] as? Double == per,
                        "\(properties)")
            }
            r = try await f.call(client, .get, "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=petition-signatures&FORMAT=image/png")
            #expect(r.status == .ok && r.headers[.contentType] == "image/png")

            // Without PETITION, with a bad one, with a draft: a WMS exception saying which.
            r = try await f.call(client, .get, Self.wms("GetMap", "&LAYERS=petition-signatures"))
            #expect(String(buffer: r.body).contains("MissingParameterValue") && String(buffer: r.body).contains("PETITION"))
            r = try await f.call(client, .get, Self.wms("GetMap", "&LAYERS=petition-signatures&PETITION=abc"))
            #expect(String(buffer: r.body).contains("InvalidParameterValue"))
            let author = try await f.resident("drafter", code: nil)
            let draft = try #require(try API.object(try await f.call(client, .post, "/api/petitions", cookie: author, json: API.petitionJSON))["id"] as? Int)
            r = try await f.call(client, .get, Self.wms("GetMap", "&LAYERS=petition-signatures&PETITION=\(draft)"))
            #expect(String(buffer: r.body).contains("InvalidParameterValue") && String(buffer: r.body).contains("no petition \(draft)"))
            // Other layers ignore PETITION; tiles do not draw the layer (its colours change with every signature).
            #expect(try await f.call(client, .get, Self.wms("GetMap", "&LAYERS=districts&PETITION=\(draft)")).headers[.contentType] == "image/png")
            r = try await f.call(client, .get, "/tiles/petition-signatures/10/600/330.png")
            #expect(r.status != .ok)
        }
    }

    @Test(arguments: TestStores.backends)
    func theOpenDataExportHasTheFiguresAndNoPersonalData(_ backend: StoreBackend) async throws {
        try await API.run(backend, Self.settings) { client, f in
            let id = try await Self.signed(client, f)
            let author = try await f.resident("drafter", code: nil)
            #expect(try await f.call(client, .post, "/api/petitions", cookie: author, json: API.petitionJSON.replacingOccurrences(of: "suolų", with: "juodraštis")).status == .created)
            var r = try await f.call(client, .get, "/open-data/petitions.json")
            let text = String(buffer: r.body)
            let json = try API.object(r)
            let petitions = try #require(json["petitions"] as? [[String: Any]])
            #expect(petitions.map { $0["id"] as? Int } == [id], "drafts are not public")
            let p = try #require(petitions.first)
            #expect(p["signatures"] as? Int == 4 && p["without_district"] as? Int == 1)
            let rows = try #require(p["districts"] as? [[String: Any]])
            #expect(rows.map { $0["signatures"] as? Int } == [2, 1] && rows.map { $0["per_1000"] as? Double } == [1.0, 2.0])
            #expect(!text.contains("Vardas") && !text.contains("author") && !text.contains("signer") && !text.contains("juodraštis"),
                    "no public names, no authors or signers, no drafts")
            r = try await f.call(client, .get, "/open-data/petitions.csv")
            let csv = String(buffer: r.body)
            #expect(r.headers[.contentType]?.hasPrefix("text/csv") == true && csv.split(separator: "\r\n").count == 2 && csv.contains("\(id),open,Daugiau suolų"))
            r = try await f.call(client, .get, "/open-data/petition-districts.csv")
            let lines = String(buffer: r.body).split(separator: "\r\n").map(String.init)
            #expect(lines == ["petition_id,district_code,district_name,signatures,population,per_1000",
                              "\(id),D1,Senamiestis,2,2000,1.00", "\(id),D2,Žirmūnai,1,500,2.00", "\(id),,(no district given),1,,"])
        }
    }
}
