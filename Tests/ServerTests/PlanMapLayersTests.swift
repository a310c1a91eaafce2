import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The WMS layers `plans` and `plan-comments` follow the planning API: a plan created over HTTP
/// shows on the map with its stage.
@Suite struct PlanMapLayersTests {
    typealias F = PlanningHTTPFixture

    @Test func aCreatedPlanShowsOnTheMapWithItsStage() async throws {
        try await F.run { client, f in
            let start = Date().addingTimeInterval(3600), end = start.addingTimeInterval(86_400)
            let created = try await f.call(client, .post, "/api/v1/plans", as: "rasa", json: F.planJSON(start: start, end: end))
            #expect(created.status == .created)
            let id = try #require(try F.object(created)["id"] as? Int)
            // The plan's area is lon 23.93–23.94, lat 54.90–54.91; ask for the pixel at its middle.
            let info = "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&SRS=EPSG:4326&BBOX=23.92,54.89,23.95,54.92"
                + "&WIDTH=300&HEIGHT=300&LAYERS=plans&QUERY_LAYERS=plans&STYLES=&FORMAT=image/png&INFO_FORMAT=application/json&X=150&Y=150"
            var found: [String: Any]?
            let deadline = ContinuousClock.now + .seconds(30)  // generous: CI runs every suite at once on 2 cores
            repeat {  // the map's plan snapshot reloads just after the write is answered
                let r = try await client.execute(uri: info, method: .get)
                let features = (try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])?["features"] as? [[String: Any]]
                found = features?.first?["properties"] as? [String: Any]
                if found != nil { break }
                try await Task.sleep(for: .milliseconds(50))
            } while ContinuousClock.now < deadline
            #expect(found?["plan_id"] as? Int == id)
            #expect(found?["stage"] as? String == "draft")
            // Outside the area: nothing.
            let outside = try await client.execute(uri: info.replacingOccurrences(of: "X=150&Y=150", with: "X=5&Y=5"), method: .get)
            let none = (try JSONSerialization.jsonObject(with: Data(buffer: outside.body)) as? [String: Any])?["features"] as? [Any]
            #expect(none?.isEmpty == true)
        }
    }
}
