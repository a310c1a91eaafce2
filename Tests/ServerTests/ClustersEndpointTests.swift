import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/v1/clusters` and `/api/v1/districts/{code}/hotspots` over reports posted through Open311.
@Suite struct ClustersEndpointTests {
    static func features(_ r: TestResponse) throws -> [[String: Any]] {
        let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
        return try #require(body["features"] as? [[String: Any]])
    }

    static func count(_ features: [[String: Any]]) -> Int {
        features.reduce(0) { $0 + (($1["properties"] as? [String: Any])?["count"] as? Int ?? 0) }
    }

    @Test func newReportsShowInBothClusterModesAndFiltersHold() async throws {
        try await Open311Fixture.run { client, f in
            // 12 potholes within a few metres in Žaliakalnis and 3 graffiti in Centras.
            for i in 0..<12 { _ = try await f.post(client, f.pothole(lat: String(54.9000 + Double(i) * 0.00002), long: "23.9300")) }
            for i in 0..<3 {
                _ = try await f.post(client, [("api_key", f.key), ("service_code", "graffiti"), ("lat", String(54.8970 + Double(i) * 0.00002)), ("long", "23.9000")])
            }
            // New reports show at once, placed into the existing clusters; here there are none, so
            // they show as single reports until both indexes (free and per district) have had
            // their full build, 2 s after the reports, each on its own schedule. The one-second
            // promise is timed in LiveClusterIndexTests; with every suite running in parallel,
            // allow time for the builds before calling it a failure.
            var world: [[String: Any]] = [], byDistrict: [[String: Any]] = []
            let deadline = ContinuousClock.now + .seconds(10)
            repeat {
                world = try Self.features(try await get(client, "/api/v1/clusters?zoom=3"))
                byDistrict = try Self.features(try await get(client, "/api/v1/clusters?zoom=12&by=district"))
                if Self.count(world) == 15 && world.count == 1 && Self.count(byDistrict) == 15 && byDistrict.count < 15 { break }
                try await Task.sleep(for: .milliseconds(50))
            } while ContinuousClock.now < deadline
            #expect(Self.count(world) == 15)
            #expect(world.count == 1)
            let services = try #require((world.first?["properties"] as? [String: Any])?["services"] as? [String: Int])
            #expect(services == ["pothole": 12, "graffiti": 3])

            // Per district at a city zoom: never mixed.
            #expect(Self.count(byDistrict) == 15)
            let districts = byDistrict.compactMap { ($0["properties"] as? [String: Any])?["district"] as? String }
            #expect(Set(districts) == ["zaliakalnis", "centras"])
            // Filters.
            #expect(Self.count(try Self.features(try await get(client, "/api/v1/clusters?zoom=3&service=graffiti"))) == 3)
            #expect(Self.count(try Self.features(try await get(client, "/api/v1/clusters?zoom=3&status=closed"))) == 0)
            #expect(Self.count(try Self.features(try await get(client, "/api/v1/clusters?zoom=3&since=2000-01-01&until=2001-01-01"))) == 0)
            // Single reports at the deepest zoom; children and leaves of a cluster.
            let deepest = try Self.features(try await get(client, "/api/v1/clusters?zoom=19"))
            #expect(deepest.count == 15)
            let cluster = try #require(world.first?["properties"] as? [String: Any])
            let id = try #require(cluster["cluster_id"] as? String)
            let children = try Self.features(try await get(client, "/api/v1/clusters/\(id)/children"))
            #expect(Self.count(children) == 15)
            let leaves = try Self.features(try await get(client, "/api/v1/clusters/\(id)/leaves?limit=100"))
            #expect(leaves.count == 15)
            // Errors.
            for bad in ["/api/v1/clusters", "/api/v1/clusters?zoom=99", "/api/v1/clusters?zoom=3&service=nope", "/api/v1/clusters?zoom=3&by=ward",
                        "/api/v1/clusters?zoom=3&bbox=1,2,3", "/api/v1/clusters?zoom=3&status=done"] {
                let status = try await get(client, bad).status
                #expect(status == .badRequest, "\(bad)")
            }
            let missing = try await get(client, "/api/v1/clusters/999999/children").status
            #expect(missing == .notFound)

            // Hotspots: the 12 potholes form one, the 3 graffiti are noise at min_points 5.
            let r = try await get(client, "/api/v1/districts/zaliakalnis/hotspots?eps=30&min_points=5")
            let hotspots = try Self.features(r)
            #expect(hotspots.count == 1)
            #expect((hotspots.first?["properties"] as? [String: Any])?["count"] as? Int == 12)
            #expect((hotspots.first?["geometry"] as? [String: Any])?["type"] as? String == "Polygon")
            #expect(try Self.features(try await get(client, "/api/v1/districts/centras/hotspots?eps=30&min_points=5")).isEmpty)
            let badStatus = try await get(client, "/api/v1/districts/zaliakalnis/hotspots?eps=-1").status
            #expect(badStatus == .badRequest)
            let unknown = try await get(client, "/api/v1/districts/nowhere/hotspots").status
            #expect(unknown == .notFound)
        }
    }
}
