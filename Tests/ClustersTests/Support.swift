import CSV
import Foundation
import Geo
import Store
import TestSupport
@testable import Clusters
@testable import Districts

/// The real Boston 311 reports of 2015 H1 as cluster points: service = position of the category in
/// the sorted category list, status 0 = Open and 1 = Closed, `opened` read as UTC (the file has no
/// offset; a fixed reading is all the filters need), district = the ward that covers the report
/// according to `DistrictLocator` over boston-wards.geojson (-1 outside every ward).
struct BostonReports: Sendable {
    let points: [ClusterPoint]
    let categories: [String]

    /// Loaded once for all tests; nil (after printing why) when ../shared/data is absent.
    static let shared: BostonReports? = load()

    private static func load() -> BostonReports? {
        guard let csvPath = TestPaths.sharedFile("boston-311-2015-h1.csv"),
              let wardsPath = TestPaths.sharedFile("boston-wards.geojson") else { return nil }
        do {
            let table = try CSV.read(try Data(contentsOf: URL(fileURLWithPath: csvPath)))
            let wards = try GeoJSON.decodeFeatureCollection(try Data(contentsOf: URL(fileURLWithPath: wardsPath)))
            let districts = wards.features.compactMap { feature -> District? in
                guard let geometry = feature.geometry, let ward = feature.properties["WARD"]?.text, let id = Int64(ward) else { return nil }
                return District(id: id, code: ward, name: "Ward \(ward)", geometry: geometry, areaSquareMetres: 0)
            }
            let locator = try DistrictLocator(districts: districts)
            guard let caseID = table.column("case_id"), let lon = table.column("longitude"), let lat = table.column("latitude"),
                  let category = table.column("category"), let status = table.column("status"), let opened = table.column("opened") else {
                print("skipping: the Boston CSV lacks an expected column")
                return nil
            }
            let categories = Set(table.rows.map { $0[category] }).sorted()
            let serviceOf = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, UInt16($0)) })
            var points: [ClusterPoint] = []
            for row in table.rows {
                guard let x = Double(row[lon]), let y = Double(row[lat]), let id = Int64(row[caseID]),
                      let service = serviceOf[row[category]], let time = millisecondsSinceEpoch(row[opened]) else { continue }
                let ward = locator.locate(Coordinate(x, y)).map { Int32($0.id) } ?? ClusterPoint.noDistrict
                points.append(ClusterPoint(id: id, lon: x, lat: y, service: service, status: row[status] == "Open" ? 0 : 1,
                                           requestedAt: time, district: ward))
            }
            return BostonReports(points: points, categories: categories)
        } catch {
            print("skipping: cannot read the Boston data: \(error)")
            return nil
        }
    }
}

/// "2015-01-01T00:20:09" as milliseconds since 1970-01-01T00:00:00 (read as UTC).
func millisecondsSinceEpoch(_ text: String) -> Int64? {
    let digits = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int64($0) }
    guard digits.count >= 6 else { return nil }
    let (year, month, day) = (digits[0], digits[1], digits[2])
    // Days from the civil date (H. Hinnant's algorithm).
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return ((days * 24 + digits[3]) * 60 + digits[4]) * 60_000 + digits[5] * 1000
}

/// Every feature of an index at a zoom, over the whole world.
func worldFeatures(_ index: ClusterIndex, zoom: Int) -> [ClusterFeature] {
    index.clusters(in: .world, zoom: zoom)
}

/// The reports a feature stands for.
func reports(of feature: ClusterFeature, in index: ClusterIndex) throws -> [ClusterPoint] {
    switch feature.kind {
    case .report(let point): return [point]
    case .cluster(let id, _): return try index.leaves(of: id, limit: .max)
    }
}

/// Random points around a few centres, with exact duplicates, deterministic for a seed.
func clumpedPoints(count: Int, seed: UInt64, centres: [Coordinate], spread: Double, duplicateEvery: Int = 10) -> [Coordinate] {
    var rng = SplitMix64(seed: seed)
    var points: [Coordinate] = []
    for i in 0..<count {
        if i % duplicateEvery == duplicateEvery - 1, let previous = points.randomElement(using: &rng) {
            points.append(previous)
            continue
        }
        let c = centres[Int.random(in: 0..<centres.count, using: &rng)]
        // A sum of uniforms: denser in the middle, so clusters have cores, borders and noise.
        let dx = (Double.random(in: -1...1, using: &rng) + Double.random(in: -1...1, using: &rng)) * spread
        let dy = (Double.random(in: -1...1, using: &rng) + Double.random(in: -1...1, using: &rng)) * spread
        points.append(Coordinate(c.x + dx, c.y + dy))
    }
    return points
}
