import Districts
import Foundation
import Hummingbird
import RateLimits
import Reports
import Store
import Synchronization

/// `/districts/{code}`: the district's report counts by service and status, a weekly chart
/// drawn on the server, and its hotspots of the last 90 days on a small map.
extension WebPages {
    /// The district page lists this many hotspots (the map and the GeoJSON have them all).
    static let listedHotspots = 10

    func registerDistricts(on router: Router<ClientRequestContext>) {
        router.get("districts/:code", use: page(districtPage))
    }

    func districtPage(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor) async throws -> Response {
        let code = context.parameters.get("code") ?? ""
        guard let district = backend.districts.first(where: { $0.code == code }) else {
            throw WebFailure(.notFound, pages.text("error_no_district", visitor))
        }
        let (summary, latestReport, hotspots) = try await summaries.summary(of: district, backend: backend)
        let lang = visitor.language.rawValue
        let statuses = ReportStatus.allCases
        let rows: [[String: Any]] = summary.services.map { s in
            ["service": backend.intake.services[s.serviceCode]?.name.text(lang) ?? s.serviceCode, "code": s.serviceCode,
             "counts": statuses.map { ["n": s.counts[$0]] }, "total": s.counts.total]
        }
        let weeks = Array(summary.weekly.suffix(26))
        let latest = latestReport ?? Date()
        let since = DistrictSummaries.hotspotsSince(latest: latestReport)
        let listed = hotspots.prefix(Self.listedHotspots).enumerated().map { rank, h -> [String: Any] in
            ["rank": rank + 1, "count": h.reports,
             "services": h.services.map { "\(backend.intake.services[$0.code]?.name.text(lang) ?? $0.code) (\($0.count))" }.joined(separator: ", "),
             "lat": String(format: "%.5f", h.latitude), "lon": String(format: "%.5f", h.longitude)]
        }
        let ctx: [String: Any] = [
            "code": district.code, "name": district.name,
            "area_km2": String(format: "%.2f", district.areaSquareMetres / 1e6),
            "status_names": statuses.map { ["name": pages.text("status_\($0.rawValue)", visitor)] },
            "rows": rows, "has_rows": !rows.isEmpty,
            "totals": statuses.map { ["n": summary.counts[$0]] }, "total": summary.counts.total,
            "backlog": summary.backlog.count,
            "median_hours": summary.medianHoursToClose.map { String(format: "%.1f", $0) } ?? "–",
            "chart": WeeklyChart(weeks: weeks, title: pages.text("district_weekly", visitor), dayText: dayText).svg,
            "weeks": weeks.map { ["start": dayText($0.start), "count": $0.count] },
            "hotspots_url": "/api/v1/districts/\(district.code)/hotspots?since=\(dayText(since))",
            "since": dayText(since), "until": dayText(latest),
            "hotspots": listed, "has_hotspots": !listed.isEmpty, "more_hotspots": hotspots.count - listed.count, "has_more_hotspots": hotspots.count > listed.count,
            "feed": "/feeds/reports.atom?district=\(district.code)",
        ]
        return pages.page("district", title: district.name, ctx, visitor: visitor, request: request, scripts: ["minimap.js"], leaflet: true)
    }
}

/// District summaries and hotspots, each kept for a few seconds: computing them reads every
/// report of the district (10–20 ms for a Boston ward) and runs DBSCAN over 90 days of them, and a
/// statistics page a few seconds behind is fine, while the same page opened by many people at
/// once must not redo it each time.
final class DistrictSummaries: Sendable {
    static let lifetime: TimeInterval = 5
    private struct Entry { var at: Date, summary: DistrictSummary, latest: Date?, hotspots: [DistrictHotspot] }
    private let cache = Mutex<[String: Entry]>([:])

    /// The hotspots' window: the 90 days up to the district's latest report (imported data may be old).
    static func hotspotsSince(latest: Date?) -> Date { (latest ?? Date()).addingTimeInterval(-90 * 86_400) }

    func summary(of district: District, backend: WebBackend, now: Date = Date()) async throws
        -> (DistrictSummary, latest: Date?, hotspots: [DistrictHotspot]) {
        if let hit = cache.withLock({ $0[district.code] }), now.timeIntervalSince(hit.at) < Self.lifetime { return (hit.summary, hit.latest, hit.hotspots) }
        let facts = try await backend.store.districtFacts(code: district.code, from: nil, until: nil)
        let summary = DistrictSummary(district: district, facts: facts, from: nil, until: nil, time: backend.time)
        let latest = facts.requestedAt.max().map { Date(timeIntervalSince1970: Double($0) / 1000) }
        let hotspots = backend.hotspots(district.code, Self.hotspotsSince(latest: latest))
        cache.withLock { $0[district.code] = Entry(at: now, summary: summary, latest: latest, hotspots: hotspots) }
        return (summary, latest, hotspots)
    }
}

/// A bar chart of reports per week as inline SVG (no script needed; the table beside it is the
/// accessible version).
struct WeeklyChart {
    var weeks: [DistrictSummary.Week]
    var title: String
    /// A week's first day as the page writes it.
    var dayText: (Date) -> String
    static let width = 640.0, height = 200.0, bottom = 24.0, left = 36.0

    var svg: String {
        let top = Double(max(weeks.map(\.count).max() ?? 0, 1))
        let plotWidth = Self.width - Self.left - 4, plotHeight = Self.height - Self.bottom - 8
        let bar = weeks.isEmpty ? 0 : plotWidth / Double(weeks.count)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        out += "<title>\(escape(title))</title>"
        out += "<line x1=\"\(Self.left)\" y1=\"\(8 + plotHeight)\" x2=\"\(Self.width - 4)\" y2=\"\(8 + plotHeight)\" class=\"axis\"/>"
        out += "<text x=\"\(Self.left - 4)\" y=\"14\" text-anchor=\"end\" class=\"label\">\(Int(top))</text>"
        out += "<text x=\"\(Self.left - 4)\" y=\"\(8 + plotHeight)\" text-anchor=\"end\" class=\"label\">0</text>"
        for (i, week) in weeks.enumerated() {
            let h = plotHeight * Double(week.count) / top
            let x = Self.left + Double(i) * bar + 1
            let day = dayText(week.start)
            out += "<rect x=\"\(n(x))\" y=\"\(n(8 + plotHeight - h))\" width=\"\(n(max(bar - 2, 1)))\" height=\"\(n(h))\" class=\"bar\"><title>\(day): \(week.count)</title></rect>"
            if i % 4 == 0 { out += "<text x=\"\(n(x))\" y=\"\(n(Self.height - 6))\" class=\"label\">\(day.suffix(5))</text>" }
        }
        return out + "</svg>"
    }

    /// One decimal place is plenty for a chart.
    func n(_ x: Double) -> String { String((x * 10).rounded() / 10) }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
