import Foundation
import Geo
import Testing
@testable import Maps

/// `plans` (areas by stage) and `plan-comments` (published comment locations by kind).
@Suite struct PlanLayersTests {
    /// A plan under consultation over the west of the fixture city, a point objection inside it
    /// and a proposal about an area in the east.
    static let data = MapData(
        districts: Fixture.districts, reports: Fixture.data.reports,
        plans: StaticPlanSource(
            plans: [MapPlan(id: 4, title: "Žaliakalnio detalusis planas", stage: "consultation", area: Fixture.square(23.90, 54.88, 0.01))],
            comments: [MapPlanComment(id: 11, planId: 4, kind: "objection", location: .point(Coordinate(23.905, 54.885))),
                       MapPlanComment(id: 12, planId: 4, kind: "proposal", location: Fixture.square(23.93, 54.88, 0.005))]))

    static func handle(_ query: String) -> WMSResponse {
        Fixture.service.handle(WMSParameters(query: query), data: data, updateSequence: 1, onlineResource: "http://example.test/wms?")
    }

    /// 320 × 192 pixels over lon 23.895–23.945, lat 54.875–54.905 (1.1.1, lon/lat order).
    static let map = "SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&SRS=EPSG:4326&BBOX=23.895,54.875,23.945,54.905&WIDTH=320&HEIGHT=192&FORMAT=image/png&STYLES="

    static func pixel(_ lon: Double, _ lat: Double) -> (Int, Int) {
        (Int((lon - 23.895) / 0.05 * 320), Int((54.905 - lat) / 0.03 * 192))
    }

    @Test func areasAreFilledInTheStageColourAndCommentsInTheKindColour() throws {
        let image = try #require(Pixels(png: Self.handle(Self.map + "&LAYERS=plans,plan-comments&TRANSPARENT=TRUE").body))
        // Inside the plan, away from the comment: consultation green at a quarter opacity.
        let (px, py) = Self.pixel(23.902, 54.8885)
        let inside = image.pixel(px, py)
        #expect(inside.a > 40 && inside.a < 100 && inside.g > inside.r && inside.g > inside.b, "\(inside)")
        // Outside every plan and comment: transparent.
        let (ox, oy) = Self.pixel(23.92, 54.90)
        #expect(image.pixel(ox, oy).a == 0)
        // The objection's dot: opaque red.
        let (cx, cy) = Self.pixel(23.905, 54.885)
        let dot = image.pixel(cx, cy)
        #expect(dot.a == 255 && dot.r > 180 && dot.g < 90, "\(dot)")
        // The proposal's area: blue at a fifth opacity.
        let (ax, ay) = Self.pixel(23.9325, 54.8825)
        let area = image.pixel(ax, ay)
        #expect(area.a > 30 && area.b > area.r, "\(area)")
    }

    @Test func featureInfoNamesThePlanAndTheComment() throws {
        let info = Self.map.replacingOccurrences(of: "REQUEST=GetMap", with: "REQUEST=GetFeatureInfo")
            + "&LAYERS=plans,plan-comments&QUERY_LAYERS=plans,plan-comments&INFO_FORMAT=application/json&FEATURE_COUNT=5"
        let (cx, cy) = Self.pixel(23.905, 54.885)
        let body = Self.handle(info + "&X=\(cx)&Y=\(cy)").body
        let features = try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["features"] as? [[String: Any]])
        let properties = features.compactMap { $0["properties"] as? [String: Any] }
        #expect(properties.contains { $0["plan_id"] as? Int == 4 && $0["stage"] as? String == "consultation" })
        #expect(properties.contains { $0["comment_id"] as? Int == 11 && $0["kind"] as? String == "objection" })
        // Outside the plan: neither.
        let (ox, oy) = Self.pixel(23.92, 54.90)
        let empty = try JSONSerialization.jsonObject(with: Self.handle(info + "&X=\(ox)&Y=\(oy)").body) as? [String: Any]
        #expect((empty?["features"] as? [Any])?.isEmpty == true)
    }

    @Test func bothLayersAreInTheCapabilitiesWithLegends() throws {
        let capabilities = String(decoding: Self.handle("SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0").body, as: UTF8.self)
        #expect(capabilities.contains("<Name>plans</Name>") && capabilities.contains("<Name>plan-comments</Name>"))
        let legend = Self.handle("SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=1.3.0&LAYER=plans&FORMAT=image/png&SLD_VERSION=1.1.0")
        #expect(Pixels(png: legend.body) != nil)
    }
}
