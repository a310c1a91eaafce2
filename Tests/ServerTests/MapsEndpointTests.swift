import Districts
import Config
import Foundation
import Hummingbird
import HummingbirdTesting
import Reports
import Server
import Staff
import Store
import TestSupport
import Testing

/// `/wms` and `/tiles` over HTTP: a fresh database with the demo districts, reports posted
/// through Open311, and a tile cache in a temporary folder.
@Suite struct MapsEndpointTests {
    static func run(_ test: @Sendable (any TestClientProtocol, Open311Fixture, URL) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-maps-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SpatiaLiteStore(path: dir.appendingPathComponent("db.sqlite").path)
        _ = try await DistrictImporter(store: store).importFile(ServerTests.repository.appendingPathComponent("Data/demo/kaunas-seniunijos.geojson").path)
        try await store.replaceServices(try ServiceCatalogue.load(path: ServerTests.repository.appendingPathComponent("Data/services.json").path))
        let (_, key) = try await store.addAPIKey(name: "tests")
        let cache = dir.appendingPathComponent("tiles")
        let app = buildApplication(services: try await AppServices.load(store: store, settings: try .demo(tiles: dir) { $0.storage.tileCache = cache.path }), logger: ServerTests.quietLogger)
        try await app.test(.router) { client in try await test(client, Open311Fixture(store: store, key: key), cache) }
    }

    @Test func capabilitiesMapAndExceptionsOverHTTP() async throws {
        try await Self.run { client, f, _ in
            let caps = try await get(client, "/wms?service=WMS&request=GetCapabilities")
            #expect(caps.status == .ok && caps.headers[.contentType]?.hasPrefix("text/xml") == true)
            let text = String(buffer: caps.body)
            #expect(text.contains("<Name>districts</Name>") && text.contains("/wms?"))
            _ = try await f.post(client, f.pothole())
            let map = try await get(client, "/wms?VERSION=1.3.0&REQUEST=GetMap&LAYERS=districts,reports&STYLES=&CRS=EPSG:4326&BBOX=54.85,23.85,54.95,24.0&WIDTH=300&HEIGHT=200&FORMAT=image/png")
            #expect(map.status == .ok && map.headers[.contentType] == "image/png")
            #expect(Array(Data(buffer: map.body).prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            let bad = try await get(client, "/wms?VERSION=1.3.0&REQUEST=GetMap&LAYERS=nope&STYLES=&CRS=EPSG:4326&BBOX=54.85,23.85,54.95,24.0&WIDTH=300&HEIGHT=200&FORMAT=image/png")
            #expect(bad.headers[.contentType] == "text/xml" && String(buffer: bad.body).contains("code=\"LayerNotDefined\""))
            let huge = try await get(client, "/wms?VERSION=1.3.0&REQUEST=GetMap&LAYERS=reports&STYLES=&CRS=EPSG:4326&BBOX=54.85,23.85,54.95,24.0&WIDTH=100000&HEIGHT=100000&FORMAT=image/png")
            #expect(String(buffer: huge.body).contains("InvalidParameterValue"))
        }
    }

    @Test func tilesAreCachedWithETagsAndInvalidatedByNewReports() async throws {
        try await Self.run { client, f, cache in
            // Zoom 14 tile over the pothole's place (54.9000, 23.9300).
            let z = 14, n = Double(1 << z)
            let x = Int((23.93 + 180) / 360 * n)
            let lat = 54.9 * Double.pi / 180
            let y = Int((1 - log(tan(lat) + 1 / cos(lat)) / .pi) / 2 * n)
            let uri = "/tiles/reports/\(z)/\(x)/\(y).png"
            let empty = try await get(client, uri)
            #expect(empty.status == .ok && empty.headers[.contentType] == "image/png")
            #expect(empty.headers[.cacheControl]?.contains("max-age") == true)
            let etag = try #require(empty.headers[.eTag])
            let file = cache.appendingPathComponent("reports/all/\(z)/\(x)/\(y).png")
            #expect(FileManager.default.fileExists(atPath: file.path))
            try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: etag]) { r in #expect(r.status == .notModified) }

            // Layers drawn together into one tile: cached under their joint name.
            let together = "/tiles/clusters,districts/\(z)/\(x)/\(y).png"
            let togetherTag = try #require(try await get(client, together).headers[.eTag])
            #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent("clusters,districts/all/\(z)/\(x)/\(y).png").path))
            // A far tile at the same zoom stays cached when the report arrives.
            let far = "/tiles/reports/\(z)/\(x + 3)/\(y).png"
            _ = try await get(client, far)
            #expect(try await f.post(client, f.pothole()).status == .ok)
            // The tile is gone once the report is in the index, and renders with it again.
            let deadline = ContinuousClock.now + .seconds(5)
            var fresh = try await get(client, uri)
            while fresh.headers[.eTag] == etag, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                fresh = try await get(client, uri)
            }
            #expect(fresh.headers[.eTag] != etag)
            #expect(try await get(client, together).headers[.eTag] != togetherTag)
            #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent("reports/all/\(z)/\(x + 3)/\(y).png").path))
            let hidpi = try await get(client, "/tiles/reports/\(z)/\(x)/\(y)@2x.png?status=open&service_code=pothole")
            #expect(hidpi.status == .ok)
            #expect(try await get(client, "/tiles/nothing/1/0/0.png").status == .notFound)
            #expect(try await get(client, "/tiles/clusters,nothing/1/0/0.png").status == .notFound)
            #expect(try await get(client, "/tiles/clusters,clusters/1/0/0.png").status == .notFound)
            #expect(try await get(client, "/tiles/reports/1/5/0.png").status == .notFound)
            #expect(try await get(client, "/tiles/reports/1/0/0.png?status=lost").status == .badRequest)
            #expect(try await get(client, "/tiles/reports/1/0/0.png?time=whenever").status == .badRequest)
        }
    }

    @Test func statusChangesInvalidateTheFilteredTiles() async throws {
        try await Self.run { client, f, _ in
            var accounts = StaffAccounts(store: f.store)
            accounts.cost = 4
            _ = try await accounts.add(username: "ona", role: .staff, password: "correct horse battery")
            let created = try await f.post(client, f.pothole())
            let id = try #require(try jsonArray(created).first?["service_request_id"] as? String)
            let session = try await client.execute(uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: #"{"username":"ona","password":"correct horse battery"}"#)) { $0 }
            let token = try #require((try JSONSerialization.jsonObject(with: Data(buffer: session.body)) as? [String: Any])?["token"] as? String)
            let z = 15, n = Double(1 << z), lat = 54.9 * Double.pi / 180
            let uri = "/tiles/reports/\(z)/\(Int((23.93 + 180) / 360 * n))/\(Int((1 - log(tan(lat) + 1 / cos(lat)) / .pi) / 2 * n)).png?status=closed"
            // Wait until the new report is in the index, then cache the closed-reports tile: empty.
            let before = try await get(client, uri)
            let emptyTag = try #require(before.headers[.eTag])
            for body in [#"{"status":"acknowledged","note":"Crew notified"}"#, #"{"status":"closed","resolution":"fixed","note":"Patched"}"#] {
                let moved = try await client.execute(uri: "/api/v1/reports/\(id)/transitions", method: .post,
                                                     headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
                                                     body: ByteBuffer(string: body)) { $0 }
                #expect(moved.status == .ok)
            }
            // The closed report now shows on the closed-reports tile: the cached empty one went.
            let deadline = ContinuousClock.now + .seconds(5)
            var after = try await get(client, uri)
            while after.headers[.eTag] == emptyTag, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                after = try await get(client, uri)
            }
            #expect(after.headers[.eTag] != emptyTag)
            #expect(after.body.readableBytes > before.body.readableBytes)
        }
    }
}
