import ArgumentParser
import CSV
import Districts
import Foundation
import Geo
import Store

/// Benchmarks, run as a program (not as timed tests) and recorded in BENCHMARKS.md.
@main
struct MiestasBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "miestas-bench",
        abstract: "Miestas benchmarks: prints markdown tables with medians and ratios against peers measured in the same run.",
        subcommands: [LocateBench.self, IntakeBench.self, QueryBench.self, ClustersBench.self, DBSCANBench.self, DBSCANDump.self, PlanningBench.self, LimiterBench.self, PetitionsBench.self, PetitionsHTTPBench.self])
}

/// Seconds taken by `body`, median of `runs`.
func median(runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return times.sorted()[times.count / 2]
}

func medianAsync(runs: Int, _ body: () async throws -> Void) async rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return times.sorted()[times.count / 2]
}

func rate(_ count: Int, _ seconds: Double) -> String {
    let r = Double(count) / seconds
    return r >= 1e6 ? String(format: "%.2f M/s", r / 1e6) : String(format: "%.0f k/s", r / 1e3)
}

func temporaryStore() throws -> SpatiaLiteStore {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-bench-\(UUID().uuidString)/bench.sqlite").path
    return try SpatiaLiteStore(path: path)
}

