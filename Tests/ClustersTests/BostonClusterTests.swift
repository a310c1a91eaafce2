import Geo
import Testing
@testable import Clusters

/// How a test's index came to hold the Boston reports: built over all of them, or built over all
/// but the last `added` and then grown by those (`ClusterIndex.adding`, as the live index does
/// between builds). The invariants hold for both.
enum Growth: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case built, grown

    static let added = 3_000

    func index(_ options: ClusterOptions = ClusterOptions()) -> ClusterIndex? {
        guard let points = BostonReports.shared?.points else { return nil }
        switch self {
        case .built: return try? ClusterIndex(points: points, options: options)
        case .grown: return (try? ClusterIndex(points: points.dropLast(Self.added), options: options))?.adding(points.suffix(Self.added))
        }
    }

    var testDescription: String { rawValue }
}

/// Invariants of the map clusters on the real Boston reports, at every zoom.
@Suite(.serialized) struct BostonClusterTests {
    static let free: ClusterIndex? = Growth.built.index()
    static let byDistrict: ClusterIndex? = Growth.built.index(ClusterOptions(grouping: .byDistrict))
    static let grownFree: ClusterIndex? = Growth.grown.index()
    static let grownByDistrict: ClusterIndex? = Growth.grown.index(ClusterOptions(grouping: .byDistrict))

    static func freeIndex(_ growth: Growth) -> ClusterIndex? { growth == .built ? free : grownFree }
    static func districtIndex(_ growth: Growth) -> ClusterIndex? { growth == .built ? byDistrict : grownByDistrict }

    @Test(arguments: Growth.allCases) func everyReportIsCountedOnceAtEveryZoom(_ growth: Growth) throws {
        guard let boston = BostonReports.shared, let index = Self.freeIndex(growth) else { return }
        let expectedIDs = boston.points.map(\.id).sorted()
        #expect(index.count == boston.points.count && index.skippedCount == 0)
        for zoom in 0...19 {
            let features = worldFeatures(index, zoom: zoom)
            #expect(features.count == index.featureCount(atZoom: zoom))
            #expect(features.reduce(0) { $0 + $1.count } == boston.points.count, "zoom \(zoom)")
            var leafIDs: [Int64] = []
            for feature in features {
                let leaves = try reports(of: feature, in: index)
                #expect(leaves.count == feature.count)
                #expect(feature.services.total == feature.count)
                leafIDs.append(contentsOf: leaves.map(\.id))
            }
            #expect(leafIDs.sorted() == expectedIDs, "zoom \(zoom): leaves differ from the input")
        }
        // Zoom 19 shows single reports only; zoom 0 is a handful of clusters.
        #expect(worldFeatures(index, zoom: 19).allSatisfy { $0.report != nil })
        #expect(worldFeatures(index, zoom: 0).count < 10)
        // Zooms beyond the range answer the nearest level.
        #expect(worldFeatures(index, zoom: 25).count == worldFeatures(index, zoom: 19).count)
        #expect(worldFeatures(index, zoom: -3).count == worldFeatures(index, zoom: 0).count)
    }

    @Test(arguments: Growth.allCases) func childrenAddUpAndExpansionZoomIsWhereTheClusterSplits(_ growth: Growth) throws {
        guard let index = Self.freeIndex(growth) else { return }
        let idsByZoom = (0...19).map { zoom in Set(worldFeatures(index, zoom: zoom).map(\.kind)) }
        var checked = 0
        for zoom in 0...18 {
            for feature in worldFeatures(index, zoom: zoom) {
                guard case .cluster(let id, let expansion) = feature.kind else { continue }
                let children = try index.children(of: id)
                #expect(children.count >= 2)
                #expect(children.reduce(0) { $0 + $1.count } == feature.count)
                // The children's breakdowns merge into the cluster's.
                #expect(ServiceBreakdown(children.flatMap { Array($0.services) }) == feature.services)
                #expect(try index.expansionZoom(of: id) == expansion)
                #expect(expansion > zoom && expansion <= 19)
                // Shown up to expansion - 1, gone at expansion, where every child shows.
                #expect(idsByZoom[expansion - 1].contains(feature.kind))
                #expect(!idsByZoom[expansion].contains(feature.kind))
                #expect(children.allSatisfy { idsByZoom[expansion].contains($0.kind) })
                checked += 1
            }
        }
        #expect(checked > 1000)
    }

    @Test func membersOfAClusterLieWithinTheRadiusOfOneOfThem() throws {
        // Greedy clustering takes every node within the radius of a seed: some child of each
        // cluster (the seed) has all the others within the radius at the cluster's zoom.
        guard let index = Self.free else { return }
        for zoom in [4, 10, 14, 18] {
            let radius = index.options.unitRadius(atZoom: zoom) * (1 + 1e-9)
            for feature in worldFeatures(index, zoom: zoom) {
                guard let id = feature.clusterID, id.zoom == zoom else { continue }
                let children = try index.children(of: id).map { (WebMercator.x(longitude: $0.lon), WebMercator.y(latitude: $0.lat)) }
                let hasSeed = children.contains { seed in
                    children.allSatisfy { c in ((c.0 - seed.0) * (c.0 - seed.0) + (c.1 - seed.1) * (c.1 - seed.1)).squareRoot() <= radius }
                }
                #expect(hasSeed, "cluster \(id) at zoom \(zoom) has children farther apart than the radius")
            }
        }
    }

    @Test(arguments: Growth.allCases) func perDistrictClustersNeverMixDistricts(_ growth: Growth) throws {
        guard let boston = BostonReports.shared, let index = Self.districtIndex(growth) else { return }
        let expected = Dictionary(grouping: boston.points, by: \.district).mapValues(\.count)
        #expect(expected.count >= 22)  // 22 wards, and reports outside every ward
        for zoom in 0...19 {
            var totals: [Int32: Int] = [:]
            for feature in worldFeatures(index, zoom: zoom) {
                totals[feature.district, default: 0] += feature.count
                if let id = feature.clusterID {
                    let leaves = try index.leaves(of: id, limit: .max)
                    #expect(leaves.allSatisfy { $0.district == feature.district }, "cluster \(id) mixes districts")
                }
            }
            #expect(totals == expected, "zoom \(zoom)")
        }
        // Free clusters do mix wards at low zooms: the mode makes a difference.
        let free = try #require(Self.free)
        #expect(worldFeatures(free, zoom: 8).count < worldFeatures(index, zoom: 8).count)
    }

    @Test func filteredViewsHoldExactlyTheMatchingReports() throws {
        guard let boston = BostonReports.shared, let index = Self.free else { return }
        let catalogue = ClusterCatalogue(unfiltered: index, capacity: 2)
        let busiest = Dictionary(grouping: boston.points, by: \.service).sorted { $0.value.count > $1.value.count }.prefix(3).map(\.key)
        let february = try #require(millisecondsSinceEpoch("2015-02-01T00:00:00"))
        let may = try #require(millisecondsSinceEpoch("2015-05-01T00:00:00"))
        let filters = [
            ClusterFilter(services: Set(busiest)),
            ClusterFilter(statuses: [0]),
            ClusterFilter(since: february, until: may),
            ClusterFilter(services: Set(busiest), statuses: [1], since: february, until: may),
        ]
        for filter in filters {
            let expected = boston.points.filter(filter.matches)
            #expect(!expected.isEmpty && expected.count < boston.points.count)
            let filtered = catalogue.index(for: filter)
            #expect(filtered.count == expected.count)
            for zoom in [0, 6, 12, 16, 19] {
                let features = worldFeatures(filtered, zoom: zoom)
                #expect(features.reduce(0) { $0 + $1.count } == expected.count)
                let leaves = try features.flatMap { try reports(of: $0, in: filtered) }
                #expect(leaves.count == expected.count)
                #expect(leaves.allSatisfy(filter.matches), "zoom \(zoom): a leaf violates \(filter)")
            }
        }
        // LRU: capacity 2 keeps the two most recent filters, and the unfiltered index is not cached.
        #expect(catalogue.cachedFilters == [filters[3], filters[2]])
        #expect(catalogue.index(for: .all).count == boston.points.count)
        _ = catalogue.index(for: filters[2])
        _ = catalogue.index(for: filters[0])
        #expect(catalogue.cachedFilters == [filters[0], filters[2]])
    }

    @Test(arguments: Growth.allCases) func leavesPageThroughTheSameSequence(_ growth: Growth) throws {
        guard let index = Self.freeIndex(growth) else { return }
        let biggest = try #require(worldFeatures(index, zoom: 10).max { $0.count < $1.count })
        let id = try #require(biggest.clusterID)
        let all = try index.leaves(of: id, limit: .max)
        #expect(all.count == biggest.count && biggest.count > 5000)
        var paged: [ClusterPoint] = []
        var offset = 0
        while true {
            let page = try index.leaves(of: id, limit: 997, offset: offset)
            if page.isEmpty { break }
            paged += page
            offset += page.count
        }
        #expect(paged == all)
        #expect(try index.leaves(of: id, limit: 10, offset: biggest.count).isEmpty)
        #expect(try index.leaves(of: id, limit: 0).isEmpty)
        #expect(try index.leaves(of: id).count == 10)  // the default page
    }

    @Test(arguments: Growth.allCases) func viewportQueriesFindExactlyWhatIsInside(_ growth: Growth) throws {
        guard let index = Self.freeIndex(growth) else { return }
        // Edges between the 4-decimal grid the reports lie on, so that none sits on an edge.
        let downtown = MapBounds(west: -71.07005, south: 42.35005, east: -71.04995, north: 42.36505)
        for zoom in [10, 13, 15, 17, 19] {
            let inside = Set(index.clusters(in: downtown, zoom: zoom).map(\.kind))
            let expected = Set(worldFeatures(index, zoom: zoom).filter {
                $0.lon >= downtown.west && $0.lon <= downtown.east && $0.lat >= downtown.south && $0.lat <= downtown.north
            }.map(\.kind))
            #expect(inside == expected, "zoom \(zoom): \(inside.symmetricDifference(expected).map { ($0, inside.contains($0)) })")
            #expect(!inside.isEmpty)
        }
    }

    @Test func buildIsDeterministic() throws {
        guard let boston = BostonReports.shared, let index = Self.free else { return }
        let again = try ClusterIndex(points: boston.points)
        for zoom in [3, 9, 15] {
            #expect(worldFeatures(again, zoom: zoom) == worldFeatures(index, zoom: zoom))
        }
    }
}
