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

            // Less of each feature: the top services, none, or only some fields.
            func properties(_ uri: String) async throws -> [[String: Any]] {
                let response = try await get(client, uri)
                #expect(response.headers[.contentType] == "application/geo+json")
                return try Self.features(response).map { try #require($0["properties"] as? [String: Any]) }
            }
            let top1 = try await properties("/api/v1/clusters?zoom=3&services=top1")
            #expect(top1.first?["services"] as? [String: Int] == ["pothole": 12])
            #expect(top1.first?["count"] as? Int == 15 && top1.first?["cluster_id"] as? String == id)
            let top3 = try await properties("/api/v1/clusters?zoom=3&services=top3")
            #expect(top3.first?["services"] as? [String: Int] == ["pothole": 12, "graffiti": 3])
            let none = try await properties("/api/v1/clusters?zoom=3&services=none")
            #expect(none.first?["services"] == nil && none.first?["count"] as? Int == 15)
            #expect(Set(none.first?.keys.map { $0 } ?? []) == ["cluster", "count", "cluster_id", "expansion_zoom", "district"])
            let few = try await properties("/api/v1/clusters?zoom=3&fields=count,cluster_id")
            #expect(few.first.map { Set($0.keys) } == ["count", "cluster_id"])
            let reports = try await properties("/api/v1/clusters?zoom=19&fields=report_id,status&services=none")
            #expect(reports.count == 15 && reports.allSatisfy { Set($0.keys) == ["report_id", "status"] && $0["status"] as? String == "open" })
            let leafFields = try await properties("/api/v1/clusters/\(id)/leaves?limit=100&fields=service_code")
            #expect(leafFields.count == 15 && Set(leafFields.compactMap { $0["service_code"] as? String }) == ["pothole", "graffiti"])
            // Single reports keep their GeoJSON id and position whatever the fields.
            let single = try Self.features(try await get(client, "/api/v1/clusters?zoom=19&fields=count"))
            #expect(single.allSatisfy { ($0["id"] as? Int).map { $0 > 0 } == true })
            let coordinates = (single.first?["geometry"] as? [String: Any])?["coordinates"] as? [Double]
            #expect(coordinates.map { $0.count == 2 && abs($0[0] - 23.9) < 0.05 && abs($0[1] - 54.9) < 0.01 } == true)
            for bad in ["services=top0", "services=top21", "services=top", "services=some", "services=top3x", "services=top05", "services=top+3", "fields=count,nope", "fields=count,"] {
                let status = try await get(client, "/api/v1/clusters?zoom=3&\(bad)").status
                #expect(status == .badRequest, "\(bad)")
            }

            // The same request again is the same bytes from the answer cache; a new report makes a
            // new snapshot, and the next answer counts it.
            let uri = "/api/v1/clusters?zoom=3&services=none&fields=count"
            let before = try await get(client, uri)
            let again = try await get(client, uri)
            #expect(again.body == before.body)
            let metrics = String(buffer: try await get(client, "/metrics").body)
            #expect(metrics.contains(#"miestas_clusters_answers_total{cache="hit"}"#))
            _ = try await f.post(client, f.pothole(lat: "54.9001", long: "23.9300"))
            var counted = 0
            let newReportDeadline = ContinuousClock.now + .seconds(10)
            repeat {
                counted = Self.count(try Self.features(try await get(client, uri)))
                if counted == 16 { break }
                try await Task.sleep(for: .milliseconds(20))
            } while ContinuousClock.now < newReportDeadline
            #expect(counted == 16)

            // Hotspots: the 12 potholes form one, the 3 graffiti are noise at min_points 5.
            let r = try await get(client, "/api/v1/districts/zaliakalnis/hotspots?eps=30&min_points=5")
            let hotspots = try Self.features(r)
            #expect(hotspots.count == 1)
            #expect((hotspots.first?["properties"] as? [String: Any])?["count"] as? Int == 13)
            #expect((hotspots.first?["geometry"] as? [String: Any])?["type"] as? String == "Polygon")
            #expect(try Self.features(try await get(client, "/api/v1/districts/centras/hotspots?eps=30&min_points=5")).isEmpty)
            let badStatus = try await get(client, "/api/v1/districts/zaliakalnis/hotspots?eps=-1").status
            #expect(badStatus == .badRequest)
            let unknown = try await get(client, "/api/v1/districts/nowhere/hotspots").status
            #expect(unknown == .notFound)
        }
    }
}
