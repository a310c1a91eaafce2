import ArgumentParser
import CSV
import Clusters
import Foundation
import Geo

/// DBSCAN over the 58k Boston reports in metres, against scikit-learn and PostGIS in the same run.
struct DBSCANBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dbscan",
                                                    abstract: "DBSCAN and hotspot analysis on the Boston reports, with peers.")

    @Option(help: "The shared data folder.") var data = "../shared/data"
    @Option(help: "Timed repetitions; the median is reported.") var runs = 5
    @Option(help: "Neighbourhood radius in metres.") var eps = 50.0
    @Option(help: "Neighbourhood size that makes a core report.") var minPoints = 5
    @Flag(help: "Skip the scikit-learn and PostGIS peers.") var noPeers = false

    func run() async throws {
        guard let boston = BostonReportFile.load(data: data) else {
            print("the Boston reports are absent from \(data): nothing to measure")
            return
        }
        let lonLat = boston.points.map { Coordinate($0.lon, $0.lat) }
        let plane = try MetricProjection(for: lonLat)
        let metres = try plane.project(lonLat)
        let dbscan = try DBSCAN(eps: eps, minPoints: minPoints)
        var result: DBSCANResult?
        let swiftSeconds = median(runs: runs) { result = dbscan.cluster(metres) }
        let projectSeconds = try median(runs: runs) { _ = try MetricProjection(for: lonLat).project(lonLat) }
        var report: HotspotReport?
        let hotspotSeconds = try median(runs: runs) { report = try HotspotAnalysis(eps: eps, minPoints: minPoints).run(boston.points) }
        let ours = result!

        // The peers get the very coordinates DBSCAN got.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-dbscan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("xy.csv").path
        try Data(("x,y\n" + metres.map { "\($0.x),\($0.y)" }.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: input))
        let args = ["--input", input, "--eps", String(eps), "--min-samples", String(minPoints), "--repeat", String(runs)]
        let peers = noPeers ? [] : [("scikit-learn", Peer.run("sklearn_dbscan.py", args)), ("PostGIS", Peer.run("postgis_dbscan.py", args))]

        let unique = Set(metres.map { [$0.x, $0.y] }).count
        print("\(boston.points.count) Boston reports (\(unique) distinct positions) in \(plane.crs) (\(plane.crs.name)); eps \(eps) m, minPoints \(minPoints); median of \(runs).\n")
        print("| implementation | median | clusters | noise | core | ÷ Miestas |")
        print("|---|---:|---:|---:|---:|---:|")
        print("| Miestas `DBSCAN.cluster` (Swift, one core) | \(ms(swiftSeconds)) | \(ours.clusterCount) | \(ours.noiseCount) | \(ours.isCore.filter { $0 }.count) | 1.0× |")
        for (name, outcome) in peers {
            switch outcome {
            case .success(let json):
                let seconds = json["median_seconds"] as? Double ?? .nan
                let label = json["peer"] as? String ?? name
                let detail = json["timed"] as? String ?? ""
                print("| \(label): \(detail) | \(ms(seconds)) | \(json["clusters"] ?? "?") | \(json["noise"] ?? "?") | \(json["core"] ?? "—") | \(String(format: "%.1f×", seconds / swiftSeconds)) |")
            case .failure(let reason):
                print("| \(name) | not run: \(reason) | | | | |")
            }
        }
        print("\n| step | median |")
        print("|---|---:|")
        print("| projection of \(lonLat.count) lon/lat points to \(plane.crs) (PROJ, with transformer set-up) | \(ms(projectSeconds)) |")
        print("| `HotspotAnalysis.run` (projection, DBSCAN, \(report!.hotspots.count) outlines, top services, centroids) | \(ms(hotspotSeconds)) |")
    }
}

/// Runs a Python peer script from Tools/bench/peers, preferring the repository's .venv-tools.
enum Peer {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ script: String, _ args: [String]) -> Result<[String: Any], Failure> {
        let venv = repository.appendingPathComponent(".venv-tools/bin/python").path
        let python = FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repository.appendingPathComponent("Tools/bench/peers/\(script)").path] + args
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return .failure(Failure(description: "cannot start \(python): \(error)")) }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(decoding: output, as: UTF8.self).split(separator: "\n").last,
              let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            let reason = String(decoding: errors, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "exit \(process.terminationStatus)"
            return .failure(Failure(description: reason))
        }
        return .success(json)
    }
}

/// Writes DBSCAN's answer for lon/lat points, projected exactly as `HotspotAnalysis` projects
/// them, so that Tools/check-dbscan can compare it with scikit-learn on the same x, y.
struct DBSCANDump: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dbscan-dump", abstract: "x,y,label,core for a CSV of lon/lat points.",
                                                    shouldDisplay: false)

    @Option(help: "Neighbourhood radius in metres.") var eps: Double
    @Option(help: "Neighbourhood size that makes a core point.") var minPoints: Int
    @Option(help: "A CSV with lon/lat columns.") var input: String
    @Option(help: "Where to write x,y,label,core.") var output: String
    @Option(help: "The longitude column.") var lonColumn = "longitude"
    @Option(help: "The latitude column.") var latColumn = "latitude"
    @Option(help: "Keep only points in this ward (needs --wards).") var ward: Int64?
    @Option(help: "boston-wards.geojson, for --ward.") var wards: String?

    func run() throws {
        let table = try CSV.read(try Data(contentsOf: URL(fileURLWithPath: input)))
        guard let lon = table.column(lonColumn), let lat = table.column(latColumn) else {
            throw ValidationError("\(input) has no \(lonColumn) and \(latColumn) columns")
        }
        var lonLat = table.rows.compactMap { row -> Coordinate? in
            guard let x = Double(row[lon]), let y = Double(row[lat]) else { return nil }
            return Coordinate(x, y)
        }
        if let ward {
            guard let wards else { throw ValidationError("--ward needs --wards") }
            let locator = try BostonReportFile.wards(wards)
            lonLat = lonLat.filter { locator.locate($0)?.id == ward }
        }
        let plane = try MetricProjection(for: lonLat)
        let metres = try plane.project(lonLat)
        let result = try DBSCAN(eps: eps, minPoints: minPoints).cluster(metres)
        var text = "x,y,label,core\n"
        for (i, p) in metres.enumerated() {
            text += "\(p.x),\(p.y),\(result.labels[i]),\(result.isCore[i] ? 1 : 0)\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: output))
        FileHandle.standardError.write(Data("\(metres.count) points in \(plane.crs), \(result.clusterCount) clusters, \(result.noiseCount) noise\n".utf8))
    }
}
