import Foundation
import Testing
@testable import Clusters

@Suite struct LiveClusterIndexTests {
    static func grid(_ count: Int, from id: Int64 = 0) -> [ClusterPoint] {
        (0..<count).map { (i: Int) -> ClusterPoint in
            let lon: Double = 25.27 + Double(i % 100) * 1e-4, lat: Double = 54.68 + Double(i / 100) * 1e-4
            return ClusterPoint(id: id + Int64(i), lon: lon, lat: lat, service: UInt16(i % 7), status: UInt8(i % 2), requestedAt: Int64(i))
        }
    }

    /// Synchronous on purpose: the test holds its thread and polls with a blocking sleep, so what
    /// it measures is the index, not how long a suspended test task waits for a free thread while
    /// other tests keep both cores busy.
    @Test func aNewReportShowsWithinOneSecond() throws {
        // 10,000 reports: a debug build under the other tests running in parallel on two cores is
        // ten or more times slower than release; `miestas-bench clusters` measures the full sets.
        let base = BostonReports.shared.map { Array($0.points.prefix(10_000)) } ?? Self.grid(10_000)
        // No full build in the test's time: the report must show by being placed, not rebuilt.
        let live = try LiveClusterIndex(points: base, rebuildInterval: .seconds(60))
        let far = ClusterPoint(id: -42, lon: 10.0, lat: -10.0, service: 1)
        let area = MapBounds(west: 9.99, south: -10.01, east: 10.01, north: -9.99)
        #expect(live.index().clusters(in: area, zoom: 19).isEmpty)
        let clock = ContinuousClock()
        let start = clock.now
        live.insert(far)
        var seenAfter: Duration?
        while clock.now - start < .seconds(3) {
            if live.index().clusters(in: area, zoom: 19).contains(where: { $0.report?.id == -42 }) {
                seenAfter = clock.now - start
                break
            }
            usleep(2_000)
        }
        let seen = try #require(seenAfter, "the new report never showed")
        #expect(seen < .seconds(1), "visible after \(seen)")
        #expect(live.generation == 0)
        #expect(live.index().count == base.count + 1)
        #expect(worldFeatures(live.index(), zoom: 0).reduce(0) { $0 + $1.count } == base.count + 1)
    }

    @Test func insertsDoNotWaitAndBatchIntoFewRebuilds() async throws {
        let live = try LiveClusterIndex(points: Self.grid(5_000), rebuildInterval: .milliseconds(250))
        let clock = ContinuousClock()
        let start = clock.now
        for point in Self.grid(2_000, from: 100_000) { live.insert(point) }
        let inserting = clock.now - start
        // 2,000 inserts take far less than one rebuild interval: they only append.
        #expect(inserting < .milliseconds(100), "inserting took \(inserting)")
        await live.waitUntilApplied()
        #expect(live.index().count == 7_000)
        // One full build folds them all in, an interval after they arrived.
        try await Self.waitForBuild(live, generation: 1)
        try await Task.sleep(for: .milliseconds(600))
        #expect(live.generation == 1)
        #expect(live.index().count == 7_000 && live.index().recent.isEmpty)
    }

    @Test func reportsArrivingDuringABuildAreKept() async throws {
        let live = try LiveClusterIndex(points: Self.grid(20_000), rebuildInterval: .milliseconds(0))
        let added = Self.grid(300, from: 50_000).map { p in
            ClusterPoint(id: p.id, lon: p.lon + 0.05, lat: p.lat, service: p.service, status: p.status, requestedAt: p.requestedAt)
        }
        for (k, point) in added.enumerated() {
            live.insert(point)
            if k % 10 == 0 { try await Task.sleep(for: .milliseconds(3)) }
        }
        await live.waitUntilApplied()
        #expect(live.index().count == 20_300)
        // The first build started with the first report and ran while the others arrived.
        let clock = ContinuousClock(), start = clock.now
        while !live.index().recent.isEmpty && clock.now - start < .seconds(10) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(live.index().recent.isEmpty, "not folded into a full build within 10 s")
        let ids = worldFeatures(live.index(), zoom: 19).compactMap(\.report?.id)
        #expect(ids.count == 20_300 && Set(ids) == Set(Self.grid(20_000).map(\.id) + added.map(\.id)))
    }

    /// Waits (at most 10 s) until `live` has swapped in its `generation`-th full build.
    static func waitForBuild(_ live: LiveClusterIndex, generation: Int) async throws {
        let clock = ContinuousClock(), start = clock.now
        while live.generation < generation && clock.now - start < .seconds(10) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(live.generation >= generation, "no full build within 10 s")
    }

    @Test func swapsDropFilteredIndexesAndWarmThemAgain() async throws {
        let live = try LiveClusterIndex(points: Self.grid(3_000), rebuildInterval: .milliseconds(250))
        let open = ClusterFilter(statuses: [0])
        #expect(live.index(for: open).count == 1_500)
        let old = live.catalogue
        live.insert(ClusterPoint(id: -1, lon: 25.3, lat: 54.7, service: 0, status: 0))
        await live.waitUntilApplied()
        #expect(live.catalogue !== old)
        #expect(live.index(for: open).count == 1_501)
        #expect(old.index(for: open).count == 1_500)  // an old snapshot stays as it was
    }

    @Test func replaceAllThenInsert() async throws {
        let live = try LiveClusterIndex(points: Self.grid(1_000), rebuildInterval: .milliseconds(250))
        live.replaceAll(with: Self.grid(10, from: 500))
        live.insert(ClusterPoint(id: 9_999, lon: 25, lat: 54, service: 0))
        await live.waitUntilApplied()
        let ids = Set(worldFeatures(live.index(), zoom: 19).compactMap(\.report?.id))
        #expect(ids == Set((500..<510).map { Int64($0) } + [9_999]))
    }
}
