import Foundation
import Hummingbird
import RateLimits
import Reports
import Store

/// District statistics: every district with its report counts, and one district's summary.
struct DistrictsController: Sendable {
    let districts: [District]
    let statistics: any ReportStatisticsStore
    let services: [String: Service]
    let locale: String
    let time: LocalTime

    func register(on router: Router<ClientRequestContext>) {
        router.get("api/v1/districts") { _, _ in try await list() }
        router.get("api/v1/districts/:code/summary") { request, context in
            try await summary(request, district: try district(context))
        }
    }

    func district(_ context: ClientRequestContext) throws -> District {
        let code = context.parameters.get("code") ?? ""
        guard let found = districts.first(where: { $0.code == code }) else {
            throw Problem(.notFound, "no district with code '\(code.prefix(60))'")
        }
        return found
    }

    static func counts(_ c: StatusCounts) -> JSONScalar {
        var out = Dictionary(uniqueKeysWithValues: ReportStatus.allCases.map { ($0.rawValue, JSONScalar.int(c[$0])) })
        out["total"] = .int(c.total)
        return .object(out)
    }

    func list() async throws -> Response {
        let counts = try await statistics.statusCountsByDistrict()
        let rows: [JSONScalar] = districts.map { d in
            let c = counts[d.code] ?? StatusCounts()
            let km2 = d.areaSquareMetres / 1e6
            return .object([
                "code": .string(d.code), "name": .string(d.name), "area_km2": .double((km2 * 1000).rounded() / 1000),
                "reports": Self.counts(c), "reports_per_km2": .double(km2 > 0 ? (Double(c.total) / km2 * 10).rounded() / 10 : 0),
            ])
        }
        return jsonResponse(["districts": .array(rows), "reports_outside_districts": JSONScalar.int(counts[""]?.total ?? 0)])
    }

    /// `since` and `until` (a day such as 2015-03-01, or an ISO 8601 instant) bound every figure.
    static func range(_ request: Request, time: LocalTime) throws -> (Date?, Date?) {
        func parse(_ name: String) throws -> Date? {
            guard let text = request.parameter(name) else { return nil }
            guard let date = time.parseDayOrInstant(text) else {
                throw Problem(.badRequest, "\(name) must be a day (2015-03-01) or an ISO 8601 instant with an offset, got '\(text.prefix(40))'")
            }
            return date
        }
        let (since, until) = (try parse("since"), try parse("until"))
        if let since, let until, since >= until { throw Problem(.badRequest, "since must be before until") }
        return (since, until)
    }

    func summary(_ request: Request, district: District) async throws -> Response {
        let (since, until) = try Self.range(request, time: time)
        let facts = try await statistics.districtFacts(code: district.code, from: since, until: until)
        let s = DistrictSummary(district: district, facts: facts, from: since, until: until, time: time)
        let date = { (d: Date?) in d.map { JSONScalar.string(time.format($0)) } ?? .null }
        let number = { (x: Double?) in x.map { JSONScalar.double(($0 * 10).rounded() / 10) } ?? .null }
        return jsonResponse([
            "code": .string(district.code), "name": .string(district.name),
            "area_km2": .double((district.areaSquareMetres / 1e3).rounded() / 1e3),
            "since": date(since), "until": date(until),
            "reports": Self.counts(s.counts),
            "services": .array(s.services.map { sc in
                .object(["service_code": .string(sc.serviceCode),
                         "service_name": .string(services[sc.serviceCode]?.name.text(locale) ?? sc.serviceCode),
                         "reports": Self.counts(sc.counts)])
            }),
            "open_backlog": .object(["count": .int(s.backlog.count), "oldest_requested": date(s.backlog.oldest),
                                     "median_age_days": number(s.backlog.medianAgeDays)]),
            "median_hours_to_close": number(s.medianHoursToClose),
            "weekly": .array(s.weekly.map { .object(["week_start": .string(time.format($0.start)), "count": .int($0.count)]) }),
            "data_quality": .object(["pile_ups": .array(s.pileUps.map { p in
                .object(["lon": .double(p.location.x), "lat": .double(p.location.y), "reports": .int(p.reports), "services": .int(p.services),
                         "flag": .string("\(p.reports) reports of \(p.services) services on one identical point: likely a default location, not real places")])
            })]),
        ] as [String: JSONScalar])
    }
}
