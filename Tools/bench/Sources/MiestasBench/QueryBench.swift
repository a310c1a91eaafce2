import ArgumentParser
import Foundation
import Geo
import Store

/// The store's side of `GET requests.json`: the newest 1,000 reports of the last 90 days out of
/// a large table, as the Open311 default query asks for them.
struct QueryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "query", abstract: "Latency of the default Open311 query over many reports (store only, no HTTP).")

    @Option(help: "Reports in the table.") var reports = 1_000_000
    @Option(help: "Timed queries; the median and p99 are reported.") var runs = 200
    @Option(help: "Fill (and keep) this database instead of a temporary one, e.g. to serve it over HTTP afterwards.")
    var database: String?

    func run() async throws {
        let store = try database.map { try SpatiaLiteStore(path: $0) } ?? temporaryStore()
        let box = BoundingBox(minX: 23.88, minY: 54.88, maxX: 23.96, maxY: 54.92)
        let now = Date()
        let codes = ["pothole", "graffiti", "street_light", "illegal_dumping", "damaged_sidewalk", "other"]
        var ticker = 0
        let fill = DispatchTime.now().uptimeNanoseconds
        for start in stride(from: 0, to: reports, by: 20_000) {
            let points = box.randomPoints(count: min(20_000, reports - start), seed: UInt64(start + 1))
            let batch = points.enumerated().map { i, p in
                NewReport(serviceCode: codes[(start + i) % codes.count], description: "report \(start + i)", location: p,
                          districtCode: "d\((start + i) % 11)", requestedAt: now.addingTimeInterval(-Double(reports - start - i) * 20),
                          source: "bench")
            }
            for case .failure(let e) in await store.insertReports(batch) { throw e }
            ticker += batch.count
            if ticker % 200_000 == 0 { FileHandle.standardError.write(Data("filled \(ticker)\n".utf8)) }
        }
        let fillSeconds = Double(DispatchTime.now().uptimeNanoseconds - fill) / 1e9
        var times: [Double] = []
        for i in 0..<runs {
            // The default window (last 90 days, newest first, 1,000 at most), and a filtered variant.
            var query = ReportQuery(requestedFrom: now.addingTimeInterval(-90 * 24 * 3600), requestedUntil: now, limit: 1_000)
            if i % 2 == 1 { query.serviceCodes = ["pothole", "graffiti"]; query.statuses = [.open, .acknowledged, .inProgress] }
            let t = DispatchTime.now().uptimeNanoseconds
            let found = try await store.reports(query)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
            precondition(found.count == 1_000)
        }
        times.sort()
        print("| reports in table | fill | queries | p50 ms | p99 ms |")
        print("|---:|---:|---:|---:|---:|")
        print("| \(reports) | \(String(format: "%.1f s", fillSeconds)) | \(runs) | \(String(format: "%.2f", times[times.count / 2])) | \(String(format: "%.2f", times[min(times.count - 1, times.count * 99 / 100)])) |")
    }
}
