import Config
import Districts
import Foundation
import Geo
import Hummingbird
import HummingbirdTesting
import Reports
import Server
import Store
import TestSupport
import Testing

/// The same reports served under two configurations: Kaunas (Europe/Vilnius, kaunas.lt) and
/// Boston (America/New_York, boston.gov). Nothing about either city is in the code: the offsets,
/// the days, the weeks and the jurisdiction all come from the settings.
@Suite struct MunicipalityTests {
    static func at(_ text: String) throws -> Date { try #require(Open311Time.parse(text)) }

    /// Four reports in Žaliakalnis, around both daylight-saving changes of 2026 (8 March in North
    /// America, 29 March in Europe), and one that is 2 March in Kaunas but still 1 March in Boston.
    static let times = ["2026-03-07T12:00:00Z", "2026-03-09T12:00:00Z", "2026-03-30T12:00:00Z", "2026-03-02T03:00:00Z"]

    static func withBothCities(_ test: @Sendable (_ kaunas: any TestClientProtocol, _ boston: any TestClientProtocol) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-cities-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SpatiaLiteStore(path: dir.appendingPathComponent("db.sqlite").path)
        _ = try await DistrictImporter(store: store).importFile(ServerTests.repository.appendingPathComponent("Data/demo/kaunas-seniunijos.geojson").path)
        try await store.replaceServices(try ServiceCatalogue.load(path: ServerTests.repository.appendingPathComponent("Data/services.json").path))
        let reports = try times.map { NewReport(serviceCode: "pothole", location: Coordinate(23.93, 54.90), districtCode: "zaliakalnis", requestedAt: try at($0)) }
        for case .failure(let e) in await store.insertReports(reports) { throw e }

        let kaunas = try Settings.demo(tiles: dir.appendingPathComponent("kaunas"))
        var boston = try SettingsLoader(environment: [:], workingDirectory: dir.path).load()
        boston.municipality.jurisdictionID = "boston.gov"
        boston.municipality.timeZone = try #require(TimeZone(identifier: "America/New_York"))
        boston.storage.tileCache = dir.appendingPathComponent("boston").path
        let kaunasApp = buildApplication(services: try await AppServices.load(store: store, settings: kaunas), logger: ServerTests.quietLogger)
        let bostonApp = buildApplication(services: try await AppServices.load(store: store, settings: boston), logger: ServerTests.quietLogger)
        try await kaunasApp.test(.router) { k in
            try await bostonApp.test(.router) { b in try await test(k, b) }
        }
    }

    static func json(_ client: any TestClientProtocol, _ uri: String) async throws -> Any {
        try await client.execute(uri: uri, method: .get) { r in
            #expect(r.status == .ok, "\(uri): \(String(buffer: r.body))")
            return try JSONSerialization.jsonObject(with: Data(buffer: r.body))
        }
    }

    @Test func open311TimesCarryEachCitysOffsetAcrossDaylightSaving() async throws {
        try await Self.withBothCities { kaunas, boston in
            let query = "/open311/v2/requests.json?service_request_id=1,2,3,4"
            func times(_ client: any TestClientProtocol) async throws -> [String] {
                let list = try #require(try await Self.json(client, query) as? [[String: Any]])
                return list.sorted { ($0["service_request_id"] as? String ?? "") < ($1["service_request_id"] as? String ?? "") }
                    .map { $0["requested_datetime"] as? String ?? "" }
            }
            let (k, b) = (try await times(kaunas), try await times(boston))
            #expect(k == ["2026-03-07T14:00:00+02:00", "2026-03-09T14:00:00+02:00",
                                                "2026-03-30T15:00:00+03:00", "2026-03-02T05:00:00+02:00"])
            #expect(b == ["2026-03-07T07:00:00-05:00", "2026-03-09T08:00:00-04:00",
                                                "2026-03-30T08:00:00-04:00", "2026-03-01T22:00:00-05:00"])
        }
    }

    @Test func districtDaysAndWeeksStartAtLocalMidnight() async throws {
        try await Self.withBothCities { kaunas, boston in
            // 2 March is a local day: report 4 falls on it in Kaunas, on 1 March in Boston.
            let day = "/api/v1/districts/zaliakalnis/summary?since=2026-03-02&until=2026-03-03"
            let k = try #require(try await Self.json(kaunas, day) as? [String: Any])
            let b = try #require(try await Self.json(boston, day) as? [String: Any])
            #expect((k["reports"] as? [String: Int])?["total"] == 1, "\(k)")
            #expect((b["reports"] as? [String: Int])?["total"] == 0, "\(b)")
            #expect(k["since"] as? String == "2026-03-02T00:00:00+02:00")
            #expect(b["since"] as? String == "2026-03-02T00:00:00-05:00")
            // Weeks start on Monday at local midnight: report 4 is in the week of 2 March in
            // Kaunas, in the week of 23 February in Boston (1 March is a Sunday there).
            func weeks(_ client: any TestClientProtocol) async throws -> [String: Int] {
                let s = try #require(try await Self.json(client, "/api/v1/districts/zaliakalnis/summary") as? [String: Any])
                let weekly = try #require(s["weekly"] as? [[String: Any]])
                return Dictionary(uniqueKeysWithValues: weekly.map { ($0["week_start"] as? String ?? "", $0["count"] as? Int ?? -1) }).filter { $0.value > 0 }
            }
            let (kw, bw) = (try await weeks(kaunas), try await weeks(boston))
            #expect(kw == ["2026-03-02T00:00:00+02:00": 2, "2026-03-09T00:00:00+02:00": 1, "2026-03-30T00:00:00+03:00": 1])
            #expect(bw == ["2026-02-23T00:00:00-05:00": 1, "2026-03-02T00:00:00-05:00": 1,
                                                "2026-03-09T00:00:00-04:00": 1, "2026-03-30T00:00:00-04:00": 1])
        }
    }

    @Test func eachServerAnswersForItsOwnJurisdictionOnly() async throws {
        try await Self.withBothCities { kaunas, boston in
            for (client, mine, other) in [(kaunas, "kaunas.lt", "boston.gov"), (boston, "boston.gov", "kaunas.lt")] {
                try await client.execute(uri: "/open311/v2/services.json?jurisdiction_id=\(mine)", method: .get) { r in #expect(r.status == .ok) }
                try await client.execute(uri: "/open311/v2/services.json?jurisdiction_id=\(other)", method: .get) { r in
                    #expect(r.status == .notFound)
                    #expect(String(buffer: r.body).contains("this server answers for '\(mine)'"))
                }
            }
            // Discovery names the configured contact; Boston set none, so it names the jurisdiction.
            let k = try #require(try await Self.json(kaunas, "/open311/v2/discovery.json") as? [String: Any])
            let b = try #require(try await Self.json(boston, "/open311/v2/discovery.json") as? [String: Any])
            #expect(k["contact"] as? String == "Miestas demo <open311@kaunas.lt>")
            #expect(b["contact"] as? String == "the administrator of boston.gov")
        }
    }
}
