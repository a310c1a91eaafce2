import ArgumentParser
import Foundation
import RateLimits

/// What the per-client limiter adds to each anonymous write: `ClientLimits.admit` (an address's
/// bucket and an API key's) and the client address from a forwarded header, per call, from one
/// thread and from two at once, with few and with many clients (evictions included). Compared with
/// the CPU one report costs the server (`--report-cpu-us`, from `Tools/bench/intake/run`'s server
/// CPU seconds over reports), it gives the limiter's share of intake, which wrk alone cannot show on
/// this noisy machine.
struct LimiterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "limiter", abstract: "Cost of the per-client limiter per write.")
    @Option(help: "Calls per measurement.") var calls = 2_000_000
    @Option(help: "Measurements; the median is printed.") var runs = 5
    @Option(help: "Server CPU per accepted report, in µs, to express the limiter's share.") var reportCpuUs = 180.0

    func run() async throws {
        var settings = RateLimitSettings()
        settings.reportsPerAddress = Rate(count: 1_000_000_000, period: 3600)
        settings.reportsPerAPIKey = Rate(count: 1_000_000_000, period: 3600)
        let resolver = ClientAddressResolver(trustedProxies: [IPRange("127.0.0.1")!])
        print("| case | ns per write (median of \(runs)) | share of \(Int(reportCpuUs)) µs per report |")
        print("|---|---:|---:|")
        for (label, clients) in [("one client", 1), ("10,000 clients", 10_000), ("1,000,000 clients (evicting beyond 100,000)", 1_000_000)] {
            let keys = (0..<min(clients, 1_000_000)).map { "198.51.\($0 / 256 % 256).\($0 % 256)-\($0)" }
            for threads in [1, 2] {
                let limits = ClientLimits(settings: settings, addresses: resolver)
                let perCall = median(runs: runs) {
                    DispatchQueue.concurrentPerform(iterations: threads) { t in
                        let n = calls / threads
                        var i = t
                        for _ in 0..<n {
                            let key = keys[i % keys.count]
                            _ = limits.admit(.report, client: key, apiKey: "app")
                            i &+= threads
                        }
                    }
                } * 1e9 / Double(calls) * Double(threads)
                print("| \(label), \(threads) thread\(threads == 1 ? "" : "s") | \(String(format: "%.0f", perCall)) | \(String(format: "%.2f%%", perCall / (reportCpuUs * 1000) * 100)) |")
            }
        }
        let headers = (0..<1000).map { ["203.0.113.\($0 % 200), 198.51.100.\($0 % 250)"] }
        let forwarded = median(runs: runs) {
            for i in 0..<calls / 10 { _ = resolver.client(peer: "127.0.0.1", forwardedFor: headers[i % headers.count]) }
        } * 1e9 / Double(calls / 10)
        print("| client address from X-Forwarded-For (two hops) | \(String(format: "%.0f", forwarded)) | \(String(format: "%.2f%%", forwarded / (reportCpuUs * 1000) * 100)) |")
    }
}
