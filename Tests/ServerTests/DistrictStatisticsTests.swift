import Foundation
import Geo
import Hummingbird
import HummingbirdTesting
import Reports
import Store
import Testing

/// `GET /api/v1/districts` and `/api/v1/districts/{code}/summary` over reports with known
/// places, times and states.
@Suite struct DistrictStatisticsTests {
    static func at(_ text: String) throws -> Date { try #require(Open311Time.parse(text)) }

    static func object(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
    }

    /// Žaliakalnis: 2 potholes (open), 2 graffiti closed after 10 h and 30 h, and a pile-up of 60
    /// reports of 6 services on one point; Centras: 1 pothole.
    static func seed(_ store: SpatiaLiteStore) async throws {
        let zal = Coordinate(23.93, 54.90), centras = Coordinate(23.90, 54.897)
        var reports = [
            NewReport(serviceCode: "pothole", location: zal, districtCode: "zaliakalnis", requestedAt: try at("2026-03-02T10:00:00+02:00")),
            NewReport(serviceCode: "pothole", location: zal, districtCode: "zaliakalnis", requestedAt: try at("2026-03-04T10:00:00+02:00")),
            NewReport(serviceCode: "graffiti", location: zal, districtCode: "zaliakalnis", requestedAt: try at("2026-03-10T08:00:00+02:00"),
                      status: .closed, resolution: .fixed, closedAt: try at("2026-03-10T18:00:00+02:00")),
            NewReport(serviceCode: "graffiti", location: zal, districtCode: "zaliakalnis", requestedAt: try at("2026-03-10T09:00:00+02:00"),
                      status: .closed, resolution: .fixed, closedAt: try at("2026-03-11T15:00:00+02:00")),
            NewReport(serviceCode: "pothole", location: centras, districtCode: "centras", requestedAt: try at("2026-03-03T10:00:00+02:00")),
        ]
        let pile = Coordinate(23.95, 54.91)
        for i in 0..<60 {
            reports.append(NewReport(serviceCode: ["a", "b", "c", "d", "e", "f"][i % 6], location: pile, districtCode: "zaliakalnis",
                                     requestedAt: try at("2026-01-05T12:00:00+02:00")))
        }
        for case .failure(let e) in await store.insertReports(reports) { throw e }
    }

    @Test func districtsListCountsByStatusAndDensity() async throws {
        try await Open311Fixture.run { client, f in
            try await Self.seed(f.store)
            let body = try Self.object(try await get(client, "/api/v1/districts"))
            let rows = try #require(body["districts"] as? [[String: Any]])
            #expect(rows.count == 11)
            let zal = try #require(rows.first { $0["code"] as? String == "zaliakalnis" })
            let counts = try #require(zal["reports"] as? [String: Int])
            #expect(counts == ["open": 62, "acknowledged": 0, "in_progress": 0, "closed": 2, "total": 64])
            let area = try #require(zal["area_km2"] as? Double)
            #expect(area > 1)
            #expect(abs((zal["reports_per_km2"] as? Double ?? 0) - 64 / area) < 0.06)
            let centras = try #require(rows.first { $0["code"] as? String == "centras" }?["reports"] as? [String: Int])
            #expect(centras["total"] == 1)
            #expect(body["reports_outside_districts"] as? Int == 0)
        }
    }

    @Test func summaryHasServicesBacklogCloseTimeWeeksAndPileUps() async throws {
        try await Open311Fixture.run { client, f in
            try await Self.seed(f.store)
            let all = try Self.object(try await get(client, "/api/v1/districts/zaliakalnis/summary"))
            #expect((all["reports"] as? [String: Int])?["total"] == 64)
            #expect(all["median_hours_to_close"] as? Double == 20)
            let backlog = try #require(all["open_backlog"] as? [String: Any])
            #expect(backlog["count"] as? Int == 62)
            #expect(backlog["oldest_requested"] as? String == "2026-01-05T12:00:00+02:00")
            let pileUps = try #require((all["data_quality"] as? [String: Any])?["pile_ups"] as? [[String: Any]])
            #expect(pileUps.count == 1)
            #expect(pileUps.first?["reports"] as? Int == 60 && pileUps.first?["services"] as? Int == 6)
            let services = try #require(all["services"] as? [[String: Any]])
            // Most reports first, ties by code.
            #expect(services.map { $0["service_code"] as? String ?? "" } == ["a", "b", "c", "d", "e", "f", "graffiti", "pothole"])
            let pothole = try #require(services.first { $0["service_code"] as? String == "pothole" })
            #expect(pothole["service_name"] as? String == "Duobė kelyje")

            // A range bounds every figure; weeks start on Monday, city time.
            let march = try Self.object(try await get(client, "/api/v1/districts/zaliakalnis/summary?since=2026-03-01&until=2026-03-15"))
            #expect((march["reports"] as? [String: Int])?["total"] == 4)
            #expect(((march["data_quality"] as? [String: Any])?["pile_ups"] as? [Any])?.isEmpty == true)
            let weeks = try #require(march["weekly"] as? [[String: Any]])
            #expect(weeks.map { $0["week_start"] as? String ?? "" } == ["2026-02-23T00:00:00+02:00", "2026-03-02T00:00:00+02:00", "2026-03-09T00:00:00+02:00"])
            #expect(weeks.map { $0["count"] as? Int ?? -1 } == [0, 2, 2])
        }
    }

    @Test func badCodesAndRangesAreClearErrors() async throws {
        try await Open311Fixture.run { client, _ in
            #expect(try await get(client, "/api/v1/districts/nowhere/summary").status == .notFound)
            for query in ["since=yesterday", "since=2026-02-30", "since=2026-03-10&until=2026-03-01"] {
                let r = try await get(client, "/api/v1/districts/centras/summary?\(query)")
                #expect(r.status == .badRequest, "\(query)")
            }
        }
    }
}
