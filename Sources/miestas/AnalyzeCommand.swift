import ArgumentParser
import Clusters
import Foundation
import Geo
import Reports
import Store

struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "analyze", abstract: "Analyses of the stored reports.",
                                                    subcommands: [AnalyzeHotspots.self])
}

/// `miestas analyze hotspots --district CODE`: DBSCAN in metres over one district's reports.
struct AnalyzeHotspots: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotspots",
        abstract: "Find the problem areas of a district: DBSCAN in metres (UTM) over its reports; prints a table, writes GeoJSON outlines.")

    @OptionGroup var options: SettingsOptions
    @Option(help: "The district's code.") var district: String
    @Option(help: "The neighbourhood radius in metres.") var eps = 50.0
    @Option(help: "Reports within eps (itself included) that make a report a core of a hotspot.") var minPoints = 5
    @Option(help: "Only these services (comma-separated codes).") var service: String?
    @Option(help: "Only these statuses (comma-separated: open, acknowledged, in_progress, closed).") var status: String?
    @Option(help: "Only reports made on or after this day (2015-03-01) or instant.") var since: String?
    @Option(help: "Only reports made before this day or instant.") var until: String?
    @Option(help: "Write the hotspots as a GeoJSON FeatureCollection to this file.") var output: String?

    func run() async throws {
        let settings = try options.load()
        let store = try await options.open(settings)
        let time = LocalTime(settings.municipality.timeZone)
        let points: [ReportPoint]
        do {
            guard try await store.districts().contains(where: { $0.code == district }) else { throw fail("no district with code '\(district)'") }
            points = try await store.reportPoints(districtCode: district)
        } catch let error as StoreError { throw fail(error) }
        func day(_ text: String?, _ name: String) throws -> Int64? {
            guard let text else { return nil }
            guard let d = time.parseDayOrInstant(text) else { throw fail("--\(name) must be a day (2015-03-01) or an ISO 8601 instant, got '\(text)'") }
            return Int64((d.timeIntervalSince1970 * 1000).rounded())
        }
        let services = service.map { Set($0.split(separator: ",").map(String.init)) }
        let statuses = try status.map { text in
            Set(try text.split(separator: ",").map { s in
                guard let v = ReportStatus(rawValue: String(s)) else { throw fail("unknown status '\(s)'") }
                return v
            })
        }
        let (from, to) = (try day(since, "since"), try day(until, "until"))
        let selected = points.filter { p in
            (services?.contains(p.serviceCode) ?? true) && (statuses?.contains(p.status) ?? true)
                && from.map { p.requestedAt >= $0 } ?? true && to.map { p.requestedAt < $0 } ?? true
        }
        var codes: [String] = [], index: [String: UInt16] = [:]
        let clusterPoints = selected.map { p in
            let i = index[p.serviceCode] ?? { let n = UInt16(truncatingIfNeeded: codes.count); codes.append(p.serviceCode); index[p.serviceCode] = n; return n }()
            return ClusterPoint(id: p.id, lon: p.location.x, lat: p.location.y, service: i, requestedAt: p.requestedAt)
        }
        let started = Date()
        let report: HotspotReport
        do { report = try HotspotAnalysis(eps: eps, minPoints: minPoints).run(clusterPoints) } catch { throw fail(error) }
        note("\(report.pointCount) reports in district \(district); \(report.hotspots.count) hotspots, \(report.noiseCount) reports in none "
             + "(eps \(WKT.number(eps)) m, min \(minPoints), \(report.crs), \(String(format: "%.2f", Date().timeIntervalSince(started))) s)")
        let rows = report.hotspots.prefix(50).enumerated().map { rank, h in
            [String(rank + 1), String(h.count), h.dominantServices.map { "\(codes[Int($0.service)]) \($0.count)" }.joined(separator: ", "),
             String(format: "%.5f, %.5f", h.centroid.y, h.centroid.x)]
        }
        print(table(header: ["rank", "reports", "dominant services", "centre (lat, lon)"], rows: rows, rightAligned: [0, 1]))
        if report.hotspots.count > 50 { note("… \(report.hotspots.count - 50) more in the GeoJSON output") }
        if let output {
            let features = report.features(serviceCode: { Int($0) < codes.count ? codes[Int($0)] : "?" })
            do { try GeoJSON.encode(FeatureCollection(features: features)).write(to: URL(fileURLWithPath: output)) } catch {
                throw fail("cannot write \(output): \(error.localizedDescription)")
            }
            note("wrote \(features.count) hotspot outlines to \(output)")
        }
    }
}
