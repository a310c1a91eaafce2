import Testing
@testable import Clusters

/// Reports added to a built index (`ClusterIndex.adding`): placed into existing clusters at once.
/// The Boston invariants run on a grown index too (`Growth` in BostonClusterTests).
@Suite struct RecentReportsTests {
    @Test func addedBostonReportsJoinClustersAndShowAtEveryZoom() throws {
        guard let boston = BostonReports.shared, let grown = BostonClusterTests.grownFree else { return }
        let added = boston.points.suffix(Growth.added)
        #expect(grown.count == boston.points.count)
        #expect(grown.points.map(\.id) == boston.points.map(\.id))
        // Boston is dense: nearly every added report joins a cluster, most of them at fine zooms.
        let joinZooms = grown.recent.joinZooms
        print("join zooms:", Dictionary(grouping: joinZooms, by: { $0 }).mapValues(\.count).sorted { $0.key > $1.key })
        #expect(joinZooms.filter { $0 >= 0 }.count > Growth.added * 99 / 100)
        #expect(joinZooms.filter { $0 >= 15 }.count > Growth.added * 2 / 3)
        // The biggest cluster at zoom 10 lists some of them among its leaves, after the built ones.
        let biggest = try #require(worldFeatures(grown, zoom: 10).max { $0.count < $1.count })
        let leaves = try grown.leaves(of: try #require(biggest.clusterID), limit: .max)
        let addedIDs = Set(added.map(\.id))
        let firstAdded = try #require(leaves.firstIndex { addedIDs.contains($0.id) })
        #expect(leaves[firstAdded...].allSatisfy { addedIDs.contains($0.id) })
        // Single reports at zoom 19 include every added one at its own position.
        let singles = Dictionary(uniqueKeysWithValues: worldFeatures(grown, zoom: 19).compactMap(\.report).map { ($0.id, $0) })
        #expect(added.allSatisfy { singles[$0.id] == $0 })
    }

    @Test func aReportFarFromEveryClusterIsSingleAtEveryZoom() throws {
        let base = try ClusterIndex(points: LiveClusterIndexTests.grid(500))
        let far = ClusterPoint(id: 7, lon: -120, lat: 40, service: 3)
        let grown = base.adding([far])
        for zoom in 0...19 {
            let features = worldFeatures(grown, zoom: zoom)
            #expect(features.contains { $0.report == far }, "zoom \(zoom)")
            #expect(features.reduce(0) { $0 + $1.count } == 501)
        }
    }

    @Test func aReportNearAClusterCountsInItAndItsChildren() throws {
        let base = try ClusterIndex(points: LiveClusterIndexTests.grid(500))
        let near = ClusterPoint(id: 9_999, lon: 25.2705, lat: 54.6805, service: 6)
        let grown = base.adding([near])
        for zoom in [8, 12, 15] {
            let before = Dictionary(uniqueKeysWithValues: worldFeatures(base, zoom: zoom).compactMap { f in f.clusterID.map { ($0, f) } })
            let changed = worldFeatures(grown, zoom: zoom).filter { f in f.clusterID.map { before[$0]?.count != f.count } ?? false }
            let cluster = try #require(changed.first, "zoom \(zoom): no cluster took the report")
            #expect(changed.count == 1)
            let id = try #require(cluster.clusterID)
            #expect(cluster.count == before[id]!.count + 1 && cluster.services.total == cluster.count)
            #expect(try grown.cluster(id).count == cluster.count)
            #expect(try grown.children(of: id).reduce(0) { $0 + $1.count } == cluster.count)
            #expect(try grown.leaves(of: id, limit: .max).contains(near))
            // The index it grew from is unchanged.
            #expect(try base.leaves(of: id, limit: .max).count == before[id]!.count)
        }
    }

    @Test func keptFilteredIndexesTakeAddedReportsWhenNextAskedFor() throws {
        guard let boston = BostonReports.shared else { return }
        let split = boston.points.count - Growth.added
        let catalogue = try ClusterCatalogue(points: boston.points.prefix(split))
        let filters = [ClusterFilter(statuses: [0]), ClusterFilter(services: [boston.points[split].service])]
        for filter in filters { _ = catalogue.index(for: filter) }
        let grown = catalogue.adding(boston.points.suffix(Growth.added))
        #expect(grown.cachedFilters.count == 2)
        for filter in filters {
            let expected = boston.points.filter(filter.matches)
            let index = grown.index(for: filter)
            #expect(index.count == expected.count)
            #expect(!index.recent.isEmpty, "the kept index should have been grown, not rebuilt")
            for zoom in [0, 11, 16, 19] {
                let features = worldFeatures(index, zoom: zoom)
                #expect(features.reduce(0) { $0 + $1.count } == expected.count)
                #expect(try features.flatMap { try reports(of: $0, in: index) }.map(\.id).sorted() == expected.map(\.id).sorted())
            }
            #expect(catalogue.index(for: filter).count < expected.count)  // the older version stays as it was
        }
    }
}
