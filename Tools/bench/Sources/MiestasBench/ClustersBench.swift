import ArgumentParser
import CSV
import Clusters
import Districts
import Foundation
import Geo
import Store

/// Map clusters: index builds over a million synthetic reports and the 58k Boston reports, viewport
/// query latency per zoom, per-district and filtered builds, and how soon a live insert shows.
struct ClustersBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clusters",
                                                    abstract: "Cluster index builds and viewport queries (zooms 0...18).")

    @Option(help: "The shared data folder.") var data = "../shared/data"
    @Option(help: "Timed builds; the median is reported.") var runs = 5
    @Option(help: "Synthetic reports over Boston's bounding box.") var randomPoints = 1_000_000
    @Option(help: "Random 1024×768 viewports timed per zoom.") var queries = 2_000
    @Flag(help: "Only the live index: how soon inserted reports show, and queries with placed reports.") var liveOnly = false

    static let zooms = [0, 4, 8, 10, 12, 14, 16, 18]

    func run() async throws {
        let boston = BostonReportFile.load(data: data)
        var sets: [(name: String, points: [ClusterPoint])] = []
        sets.append(("\(randomPoints / 1000)k synthetic (70% around 300 centres, 30% uniform)",
                     SyntheticReports.make(count: randomPoints, in: BostonReportFile.bounds, locator: boston?.wardLocator)))
        if let boston { sets.append(("58k Boston 311 reports", boston.points)) }
        else { print("(the Boston reports are absent from \(data): only the synthetic set is measured)\n") }

        if !liveOnly { try buildsAndViewports(sets) }
        try await live(sets, boston: boston)
    }

    private func buildsAndViewports(_ sets: [(name: String, points: [ClusterPoint])]) throws {
        print("Builds, zooms 0...18, median of \(runs): wall time (this thread's CPU time). The machine is shared: wall time includes waiting for a core.\n")
        print("| data set | reports | build, free | build, per district | filtered build: open reports of the 3 busiest services (matching) | index memory (free) |")
        print("|---|---:|---:|---:|---:|---:|")
        var indexes: [(String, ClusterIndex, ClusterIndex, ClusterIndex)] = []
        for set in sets {
            // Built indexes are kept until the timing is over: releasing one (a hundred
            // megabytes for a million reports) is not part of building the next.
            var built: [ClusterIndex] = []
            let freeSeconds = try timed(runs: runs) { built.append(try ClusterIndex(points: set.points)) }
            let free = built[0]
            built.removeAll()
            let districtSeconds = try timed(runs: runs) {
                built.append(try ClusterIndex(points: set.points, options: ClusterOptions(grouping: .byDistrict)))
            }
            let byDistrict = built[0]
            built.removeAll()
            let busiest = Dictionary(grouping: set.points.map(\.service), by: { $0 }).sorted { $0.value.count > $1.value.count }.prefix(3).map(\.key)
            let filter = ClusterFilter(services: Set(busiest), statuses: [SyntheticReports.open])
            let filteredSeconds = timed(runs: runs) {
                // A fresh catalogue each time: the cold path a first request for this filter takes.
                built.append(ClusterCatalogue(unfiltered: free, capacity: 1).index(for: filter))
            }
            let filtered = built[0]
            built.removeAll()
            let megabytes = Double(free.approximateByteCount) / 1_048_576
            print("| \(set.name) | \(set.points.count) | \(freeSeconds) | \(districtSeconds) | \(filteredSeconds) (\(filtered.count)) | \(String(format: "%.0f MiB", megabytes)) |")
            indexes.append((set.name, free, byDistrict, filtered))
        }

        print("\nViewport queries: \(queries) random 1024×768-pixel viewports (512-pixel tiles) per zoom, centred in Boston's bounding box; one core.\n")
        print("| data set | mode | zoom | features at zoom | p50 ms | p99 ms | max ms | features per viewport (mean) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for (name, free, byDistrict, filtered) in indexes {
            for (mode, index) in [("free", free), ("per district", byDistrict), ("filtered (as above)", filtered)] {
                for zoom in Self.zooms {
                    let (p50, p99, worst, mean, _) = Self.timeQueries(index, zoom: zoom, count: queries, seed: UInt64(zoom + 1))
                    print("| \(name) | \(mode) | \(zoom) | \(index.featureCount(atZoom: zoom)) | \(String(format: "%.3f", p50)) | \(String(format: "%.3f", p99)) | \(String(format: "%.3f", worst)) | \(String(format: "%.0f", mean)) |")
                }
            }
        }

    }

    /// How soon inserted reports show (they are placed into the current index at once; a full
    /// build folds them in `rebuildInterval` later), and what placed reports cost a viewport query.
    private func live(_ sets: [(name: String, points: [ClusterPoint])], boston: BostonReportFile?) async throws {
        let interval = LiveClusterIndex.defaultRebuildInterval
        print("\nLive index (`LiveClusterIndex`: new reports placed into the current index at once, a full build \(interval) later): how long until a query sees an inserted report. Idle: one report after a quiet spell, median of \(runs). Streaming: one report every millisecond (1,000 reports/s) for 3 s, each placed near existing reports.\n")
        print("| data set | idle: visible after | streaming: p50 | streaming: max | full builds while streaming |")
        print("|---|---:|---:|---:|---:|")
        for set in sets {
            let live = try LiveClusterIndex(points: set.points)
            var idle: [Double] = []
            for k in 0..<runs {
                usleep(100_000)
                let point = ClusterPoint(id: -1 - Int64(k), lon: 10 + Double(k), lat: -10, service: 0)
                let area = MapBounds(west: point.lon - 0.01, south: -10.01, east: point.lon + 0.01, north: -9.99)
                let start = DispatchTime.now().uptimeNanoseconds
                live.insert(point)
                while !live.index().clusters(in: area, zoom: 19).contains(where: { $0.report?.id == point.id }) { usleep(50) }
                idle.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            await live.waitUntilApplied()
            // Streaming: the index holds the reports in insertion order, so its count tells how
            // many of the streamed ones a query sees.
            let base = live.index().count, generation = live.generation
            let stream = SyntheticReports.make(count: 3_000, in: BostonReportFile.bounds, locator: boston?.wardLocator)
            var inserted: [UInt64] = [], latencies: [Double] = []
            let begin = DispatchTime.now().uptimeNanoseconds
            while DispatchTime.now().uptimeNanoseconds - begin < 3_000_000_000 || latencies.count < inserted.count {
                let now = DispatchTime.now().uptimeNanoseconds
                if inserted.count < stream.count && now - begin < 3_000_000_000
                    && (inserted.isEmpty || now - inserted[inserted.count - 1] >= 1_000_000) {
                    var point = stream[inserted.count]
                    point.id = -1_000 - Int64(inserted.count)
                    live.insert(point)
                    inserted.append(now)
                }
                let visible = live.index().count - base
                while latencies.count < visible { latencies.append(Double(now - inserted[latencies.count]) / 1e9) }
                usleep(100)
            }
            latencies.sort()
            print("| \(set.name) | \(ms(idle.sorted()[idle.count / 2])) | \(ms(latencies[latencies.count / 2])) | \(ms(latencies[latencies.count - 1])) | \(live.generation - generation) |")
        }

        print("\nViewport queries with 3,000 reports placed since the last full build (the most a full build leaves behind at 1,000 reports/s): \(queries) random 1024×768 viewports per zoom, as above.\n")
        print("| data set | zoom | p50 ms | p99 ms | max ms | p99 thread CPU ms |")
        print("|---|---:|---:|---:|---:|---:|")
        for set in sets {
            let stream = SyntheticReports.make(count: 3_000, in: BostonReportFile.bounds, locator: boston?.wardLocator)
            let grown = try ClusterIndex(points: set.points).adding(stream.enumerated().map { k, p in
                var point = p
                point.id = -1 - Int64(k)
                return point
            })
            for zoom in Self.zooms {
                let (p50, p99, worst, _, cpuP99) = Self.timeQueries(grown, zoom: zoom, count: queries, seed: UInt64(zoom + 1))
                print("| \(set.name) | \(zoom) | \(String(format: "%.3f", p50)) | \(String(format: "%.3f", p99)) | \(String(format: "%.3f", worst)) | \(String(format: "%.3f", cpuP99)) |")
            }
        }
    }

    /// Milliseconds per query at `zoom`: p50, p99, max, and the mean number of features returned.
    /// Also the p99 of the thread's CPU time per query: on a shared machine a wall-time p99 of
    /// about 4 ms is the scheduler's tick (another process ran), not the query.
    static func timeQueries(_ index: ClusterIndex, zoom: Int, count: Int, seed: UInt64) -> (Double, Double, Double, Double, cpuP99: Double) {
        var rng = SplitMix64(seed: seed)
        let box = BostonReportFile.bounds
        var times: [Double] = [], cpuTimes: [Double] = []
        var features = 0
        times.reserveCapacity(count)
        cpuTimes.reserveCapacity(count)
        for _ in 0..<count {
            let centre = Coordinate(Double.random(in: box.minX...box.maxX, using: &rng), Double.random(in: box.minY...box.maxY, using: &rng))
            let viewport = Viewport.bounds(centre: centre, zoom: zoom, width: 1024, height: 768)
            let start = DispatchTime.now().uptimeNanoseconds, cpu = threadCPUNanoseconds()
            let found = index.clusters(in: viewport, zoom: zoom)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            cpuTimes.append(Double(threadCPUNanoseconds() - cpu) / 1e6)
            features += found.count
        }
        times.sort()
        cpuTimes.sort()
        let p99 = min(times.count - 1, times.count * 99 / 100)
        return (times[times.count / 2], times[p99], times[times.count - 1], Double(features) / Double(count), cpuTimes[p99])
    }
}

func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

/// Wall and thread-CPU time of `body`, medians of `runs`, as "wall ms (CPU ms)".
func timed(runs: Int, _ body: () throws -> Void) rethrows -> String {
    var walls: [Double] = [], cpus: [Double] = []
    for _ in 0..<runs {
        let wall = DispatchTime.now().uptimeNanoseconds, cpu = threadCPUNanoseconds()
        try body()
        cpus.append(Double(threadCPUNanoseconds() - cpu) / 1e9)
        walls.append(Double(DispatchTime.now().uptimeNanoseconds - wall) / 1e9)
    }
    return "\(ms(walls.sorted()[runs / 2])) (\(ms(cpus.sorted()[runs / 2])))"
}

func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// The lon/lat box a `width` × `height` pixel map shows around `centre` at `zoom`, on 512-pixel
/// tiles (Web Mercator).
enum Viewport {
    static func bounds(centre: Coordinate, zoom: Int, width: Double, height: Double) -> MapBounds {
        let worldPixels = 512 * pow(2, Double(zoom))
        let x = centre.x / 360 + 0.5
        let sine = sin(centre.y * .pi / 180)
        let y = 0.5 - 0.25 * log((1 + sine) / (1 - sine)) / .pi
        let halfWidth = width / 2 / worldPixels, halfHeight = height / 2 / worldPixels
        func latitude(_ y: Double) -> Double { 360 * atan(exp((180 - min(max(y, 0), 1) * 360) * .pi / 180)) / .pi - 90 }
        return MapBounds(west: (x - halfWidth - 0.5) * 360, south: latitude(y + halfHeight),
                         east: (x + halfWidth - 0.5) * 360, north: latitude(y - halfHeight))
    }
}

/// Deterministic synthetic reports: most around random centres (a sum of uniforms, so dense in
/// the middle), the rest uniform; skewed services (150), 15% open, times over 2015 H1.
enum SyntheticReports {
    static let open: UInt8 = 0

    static func make(count: Int, in box: BoundingBox, locator: DistrictLocator?) -> [ClusterPoint] {
        var rng = SplitMix64(seed: 2015)
        let centres = box.randomPoints(count: 300, seed: 7)
        let spread = 0.004  // degrees: a few hundred metres
        let start: Int64 = 1_420_070_400_000, span: Int64 = 181 * 86_400_000
        return (0..<count).map { (i: Int) -> ClusterPoint in
            var lon: Double, lat: Double
            if Double.random(in: 0..<1, using: &rng) < 0.7 {
                let c = centres[Int.random(in: 0..<centres.count, using: &rng)]
                lon = c.x + (Double.random(in: -1...1, using: &rng) + Double.random(in: -1...1, using: &rng)) * spread
                lat = c.y + (Double.random(in: -1...1, using: &rng) + Double.random(in: -1...1, using: &rng)) * spread
            } else {
                lon = Double.random(in: box.minX...box.maxX, using: &rng)
                lat = Double.random(in: box.minY...box.maxY, using: &rng)
            }
            let u = Double.random(in: 0..<1, using: &rng)
            let service = UInt16(min(149, Int(u * u * 150)))
            let status: UInt8 = Double.random(in: 0..<1, using: &rng) < 0.15 ? open : 1
            let district = locator?.locate(Coordinate(lon, lat)).map { Int32($0.id) } ?? SyntheticReports.gridDistrict(lon, lat, box)
            return ClusterPoint(id: Int64(i), lon: lon, lat: lat, service: service, status: status,
                                requestedAt: start + Int64.random(in: 0..<span, using: &rng), district: district)
        }
    }

    /// Without the wards file: 22 vertical strips.
    static func gridDistrict(_ lon: Double, _ lat: Double, _ box: BoundingBox) -> Int32 {
        Int32(max(0, min(21, Int((lon - box.minX) / box.width * 22))))
    }
}

/// The Boston 311 reports of ../shared/data as cluster points (service = category position in the
/// sorted category list, status 0 = Open, `opened` read as UTC, district = the ward covering the
/// report by `DistrictLocator`, -1 outside every ward).
struct BostonReportFile {
    static let bounds = BoundingBox(minX: -71.191, minY: 42.227, maxX: -70.986, maxY: 42.398)

    let points: [ClusterPoint]
    let wardLocator: DistrictLocator

    static func load(data: String) -> BostonReportFile? {
        let csvPath = "\(data)/boston-311-2015-h1.csv", wardsPath = "\(data)/boston-wards.geojson"
        guard FileManager.default.fileExists(atPath: csvPath), FileManager.default.fileExists(atPath: wardsPath) else { return nil }
        do {
            let locator = try wards(wardsPath)
            let table = try CSV.read(try Data(contentsOf: URL(fileURLWithPath: csvPath)))
            guard let caseID = table.column("case_id"), let lon = table.column("longitude"), let lat = table.column("latitude"),
                  let category = table.column("category"), let status = table.column("status"), let opened = table.column("opened") else { return nil }
            let categories = Set(table.rows.map { $0[category] }).sorted()
            let serviceOf = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, UInt16($0)) })
            let points = table.rows.compactMap { row -> ClusterPoint? in
                guard let x = Double(row[lon]), let y = Double(row[lat]), let id = Int64(row[caseID]), let service = serviceOf[row[category]] else { return nil }
                let ward = locator.locate(Coordinate(x, y)).map { Int32($0.id) } ?? ClusterPoint.noDistrict
                return ClusterPoint(id: id, lon: x, lat: y, service: service, status: row[status] == "Open" ? 0 : 1,
                                    requestedAt: utcMilliseconds(row[opened]) ?? 0, district: ward)
            }
            return BostonReportFile(points: points, wardLocator: locator)
        } catch {
            FileHandle.standardError.write(Data("cannot read the Boston data: \(error)\n".utf8))
            return nil
        }
    }

    /// A locator over boston-wards.geojson; district ids are the WARD numbers.
    static func wards(_ path: String) throws -> DistrictLocator {
        let wards = try GeoJSON.decodeFeatureCollection(try Data(contentsOf: URL(fileURLWithPath: path)))
        let districts = wards.features.compactMap { feature -> District? in
            guard let geometry = feature.geometry, let ward = feature.properties["WARD"]?.text, let id = Int64(ward) else { return nil }
            return District(id: id, code: ward, name: "Ward \(ward)", geometry: geometry, areaSquareMetres: 0)
        }
        return try DistrictLocator(districts: districts)
    }

    /// "2015-01-01T00:20:09" as milliseconds since the epoch, read as UTC.
    static func utcMilliseconds(_ text: String) -> Int64? {
        let d = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int64($0) }
        guard d.count >= 6 else { return nil }
        let y = d[1] <= 2 ? d[0] - 1 : d[0]
        let era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400
        let doy = (153 * (d[1] + (d[1] > 2 ? -3 : 9)) + 2) / 5 + d[2] - 1
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        return ((days * 24 + d[3]) * 60 + d[4]) * 60_000 + d[5] * 1000
    }
}
