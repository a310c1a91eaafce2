import ArgumentParser
import Districts
import Foundation
import Geo
import Reports
import Store

/// Intake without HTTP: many concurrent submissions straight into `Intake`, to separate the
/// store's and the pipeline's cost from the server's.
struct IntakeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "intake", abstract: "In-process intake throughput (no HTTP).")

    @Option(help: "Reports to submit.") var count = 50_000
    @Option(help: "Submissions in flight at once.") var concurrency = 64

    func run() async throws {
        let store = try temporaryStore()
        _ = try await DistrictImporter(store: store).importFile("Data/demo/kaunas-seniunijos.geojson")
        let services = try ServiceCatalogue.load(path: "Data/services.json")
        let intake = Intake(services: services, locator: try DistrictLocator(districts: try await store.districts()), store: store)
        let points = BoundingBox(minX: 23.88, minY: 54.88, maxX: 23.96, maxY: 54.92).randomPoints(count: count, seed: 1)
        let codes = ["graffiti", "street_light", "illegal_dumping", "damaged_sidewalk", "other"]
        let start = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let p = points[next], code = codes[next % codes.count]
                next += 1
                group.addTask {
                    _ = try await intake.submit(Submission(serviceCode: code, lat: String(p.y), long: String(p.x), description: "bench"))
                }
            }
            for _ in 0..<min(concurrency, count) { add() }
            while try await group.next() != nil { if next < count { add() } }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let totals = intake.writerTotals
        func share(_ d: Duration) -> String {
            String(format: "%.0f%%", 100 * (Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) / seconds)
        }
        print("| reports | concurrency | seconds | reports/s | transactions | reports per transaction | writer busy | writer on CPU |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        print("| \(count) | \(concurrency) | \(String(format: "%.2f", seconds)) | \(Int(Double(count) / seconds)) | \(totals.batches) | \(String(format: "%.1f", Double(totals.items) / Double(max(totals.batches, 1)))) | \(share(totals.busy)) | \(share(totals.cpu)) |")
    }
}
