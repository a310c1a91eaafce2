import ArgumentParser
import CSV
import Districts
import Foundation
import Geo
import Store

/// District lookup: the in-memory index against SpatiaLite SQL, shapely and PostGIS (when installed),
/// plus import and index-build times.
struct LocateBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "locate", abstract: "District lookup and import throughput.")

    @Option(help: "The shared data folder.") var data = "../shared/data"
    @Option(help: "Timed repetitions; the median is reported.") var runs = 5
    @Option(help: "Random points in Lithuania's bounding box.") var randomPoints = 1_000_000
    @Option(help: "Points sent through the (slow) SQL path per data set.") var sqlPoints = 20_000
    @Flag(help: "Skip the shapely peer.") var noPeers = false

    struct Case { var name: String; var polygons: String; var points: [Coordinate]; var store: SpatiaLiteStore; var locator: DistrictLocator; var peerArgs: [String] }

    func run() async throws {
        let wardsPath = "\(data)/boston-wards.geojson", municipalitiesPath = "\(data)/lithuania-municipalities.geojson"
        let csvPath = "\(data)/boston-311-2015-h1.csv"

        // Import: the municipalities file into a fresh database each time.
        var phases: [String: [Double]] = [:]
        let importSeconds = try await medianAsync(runs: runs) {
            let report = try await DistrictImporter(store: try temporaryStore()).importFile(municipalitiesPath)
            for (phase, s) in report.timings { phases[phase, default: []].append(s) }
        }
        let phaseText = phases.keys.sorted().map { (k: String) -> String in
            let v = phases[k]!.sorted()
            return "\(k) \(String(format: "%.3f", v[v.count / 2])) s"
        }.joined(separator: ", ")

        let wards = try temporaryStore(), municipalities = try temporaryStore()
        _ = try await DistrictImporter(store: wards).importFile(wardsPath, options: .init(nameField: "WARD", codeField: "WARD"))
        _ = try await DistrictImporter(store: municipalities).importFile(municipalitiesPath)
        var wardLocator: DistrictLocator?
        let wardDistricts = try await wards.districts(), municipalityDistricts = try await municipalities.districts()
        let buildWards = try median(runs: runs) { wardLocator = try DistrictLocator(districts: wardDistricts) }
        var municipalityLocator: DistrictLocator?
        let buildMunicipalities = try median(runs: runs) { municipalityLocator = try DistrictLocator(districts: municipalityDistricts) }

        let table = try CSV.read(try Data(contentsOf: URL(fileURLWithPath: csvPath)))
        let lon = table.column("longitude")!, lat = table.column("latitude")!
        let boston = table.rows.compactMap { r -> Coordinate? in Double(r[lon]).flatMap { x in Double(r[lat]).map { Coordinate(x, $0) } } }
        let lithuania = BoundingBox(minX: 20.9, minY: 53.89, maxX: 26.84, maxY: 56.45)
        let random = lithuania.randomPoints(count: randomPoints, seed: 42)
        let bbox = "\(lithuania.minX),\(lithuania.minY),\(lithuania.maxX),\(lithuania.maxY)"
        let cases = [
            Case(name: "58k Boston reports × 22 wards", polygons: wardsPath, points: boston, store: wards, locator: wardLocator!,
                 peerArgs: ["--polygons", wardsPath, "--points", csvPath]),
            Case(name: "58k Boston reports × 60 municipalities", polygons: municipalitiesPath, points: boston, store: municipalities,
                 locator: municipalityLocator!, peerArgs: ["--polygons", municipalitiesPath, "--points", csvPath]),
            Case(name: "\(randomPoints / 1000)k random points in Lithuania × 60 municipalities", polygons: municipalitiesPath, points: random,
                 store: municipalities, locator: municipalityLocator!,
                 peerArgs: ["--polygons", municipalitiesPath, "--random", String(randomPoints), "--bbox", bbox]),
        ]

        print("| case | index | SpatiaLite SQL | index ÷ SQL | shapely 2: STRtree query predicate | shapely 2: STRtree + prepared intersects | PostGIS: ST_Intersects join | index ÷ best peer |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for c in cases {
            var found = 0
            let indexSeconds = median(runs: runs) {
                found = 0
                for p in c.points where c.locator.locateIndex(p) != nil { found += 1 }
            }
            let sample = Array(c.points.prefix(sqlPoints))
            let sqlSeconds = try await medianAsync(runs: max(1, runs / 2)) { _ = try await c.store.locateWithSQL(sample) }
            let indexRate = Double(c.points.count) / indexSeconds, sqlRate = Double(sample.count) / sqlSeconds
            let peers = noPeers ? [nil, nil, nil] : [peer("shapely_locate.py", c.peerArgs), peer("shapely_locate.py", c.peerArgs + ["--method", "prepared"]),
                                                     peer("postgis_locate.py", c.peerArgs)]
            let peerText = peers.map { $0.map { rate(Int($0), 1) } ?? "—" }
            let best = peers.compactMap { $0 }.max()
            let peerRatio = best.map { String(format: "%.0f×", indexRate / $0) } ?? "—"
            print("| \(c.name) (\(found) located) | \(rate(c.points.count, indexSeconds)) | \(rate(sample.count, sqlSeconds)) | \(String(format: "%.0f×", indexRate / sqlRate)) | \(peerText[0]) | \(peerText[1]) | \(peerText[2]) | \(peerRatio) |")
        }
        print("")
        print("| operation | median |")
        print("|---|---:|")
        print("| import lithuania-municipalities.geojson (60 polygons, 53k vertices; \(phaseText)) | \(String(format: "%.3f s", importSeconds)) |")
        print("| index build, 22 wards (grid \(wardLocator!.gridSize.columns)×\(wardLocator!.gridSize.rows), \(String(format: "%.1f%%", 100 * wardLocator!.boundaryCellShare)) boundary cells) | \(String(format: "%.3f s", buildWards)) |")
        print("| index build, 60 municipalities (grid \(municipalityLocator!.gridSize.columns)×\(municipalityLocator!.gridSize.rows), \(String(format: "%.1f%%", 100 * municipalityLocator!.boundaryCellShare)) boundary cells) | \(String(format: "%.3f s", buildMunicipalities)) |")
    }

    /// Runs a peer script from Tools/bench/peers and returns its points per second; nil (with a
    /// note) when the peer cannot run here.
    func peer(_ name: String, _ args: [String]) -> Double? {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("peers/\(name)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + args + ["--repeat", String(runs)]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let r = json["points_per_second"] as? Double else {
            FileHandle.standardError.write(Data("peer \(name) unavailable: see its header for what it needs\n".utf8))
            return nil
        }
        return r
    }
}
