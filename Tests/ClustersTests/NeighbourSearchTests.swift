import Geo
import Testing
@testable import Clusters

/// The two ways the build finds the nodes within the clustering radius must agree exactly, and
/// an index whose points span the world (where the dense grid is refused) must keep every invariant.
@Suite struct NeighbourSearchTests {
    @Test(arguments: [1e-3, 3e-5, 2.98e-7], [false, true])
    func gridAndTreeFindTheSameNodes(radius: Double, withOutliers: Bool) throws {
        // 20,000 nodes over 300 × 300 radii: dense enough that many queries find several nodes,
        // sparse enough for the grid's cell budget; clumps and exact duplicates included.
        var rng = SplitMix64(seed: 99)
        let extent = 300 * radius
        var xy = ContiguousArray<Double>()
        for i in 0..<20_000 {
            let clump = i % 3 == 0 ? 0.01 : 1  // every third node in a clump 3 radii across
            xy.append(0.3 + Double.random(in: 0..<extent, using: &rng) * clump)
            xy.append(0.37 + Double.random(in: 0..<extent, using: &rng) * clump)
        }
        for i in 0..<2_000 { xy[2 * (i + 5_000)] = xy[2 * i]; xy[2 * (i + 5_000) + 1] = xy[2 * i + 1] }
        if withOutliers {
            // Far from the rest, as reports at 0°, 0° or with swapped coordinates are: the grid
            // covers the bulk and clamps these into its edge cells. Two of them are neighbours.
            let e = extent
            xy += [0.3 - 4 * e, 0.37, 0.3 - 4 * e + radius / 2, 0.37, 0, 0, 0.3 + 6 * e, 0.37 + 6 * e,
                   0.3 + e / 2, 0.37 + 9 * e, 0.3 + e / 2, 0.37 - 9 * e + radius / 3, 0.3 + e / 2, 0.37 - 9 * e]
        }
        let (tree, _) = KDTree.build(coordinates: xy, nodeSize: 64)
        var grid = RadiusGrid()
        let made = grid.rebuild(coordinates: tree.coordinates, radius: radius)
        #expect(made, "the grid was refused")
        guard made else { return }
        var fromTree = PositionList(), fromGrid = PositionList()
        var total = 0, mismatches = 0
        // Every 7th node, and every outlier.
        let outliers = withOutliers ? (0..<tree.count).filter { i in
            let x = tree.coordinates[2 * i], y = tree.coordinates[2 * i + 1]
            return x < 0.3 || y < 0.37 || x > 0.3 + extent || y > 0.37 + extent
        } : []
        #expect(outliers.count == (withOutliers ? 7 : 0))
        for i in Array(stride(from: 0, to: tree.count, by: 7)) + outliers {
            fromTree.removeAll(); fromGrid.removeAll()
            tree.appendPositions(within: radius, ofX: tree.coordinates[2 * i], y: tree.coordinates[2 * i + 1], to: &fromTree)
            grid.appendPositions(within: radius, ofX: tree.coordinates[2 * i], y: tree.coordinates[2 * i + 1], to: &fromGrid)
            if fromTree.elements.sorted() != fromGrid.elements.sorted() || !fromTree.elements.contains(Int32(i)) { mismatches += 1 }
            total += fromTree.count
        }
        #expect(mismatches == 0)
        #expect(total > 3 * (tree.count / 7))  // the clumps: many queries find several nodes
    }

    @Test func gridIsRefusedWhenItWouldNeedTooManyCells() {
        let xy: ContiguousArray<Double> = [0.0, 0.0, 1.0, 1.0, 0.5, 0.5]
        var grid = RadiusGrid()
        let tooFine = grid.rebuild(coordinates: xy, radius: 1e-3)
        let coarse = grid.rebuild(coordinates: xy, radius: 0.4)
        let zero = grid.rebuild(coordinates: xy, radius: 0)
        let empty = grid.rebuild(coordinates: [], radius: 0.4)
        #expect(!tooFine && coarse && !zero && !empty)
    }

    @Test func worldWideIndexKeepsItsInvariants() throws {
        // Reports in cities all over the world: at fine zooms the dense grid would need far more
        // cells than nodes, so the build queries the k-d tree instead.
        var rng = SplitMix64(seed: 3)
        var points: [ClusterPoint] = []
        for city in 0..<40 {
            let lon = Double.random(in: -179...179, using: &rng), lat = Double.random(in: -60...70, using: &rng)
            for k in 0..<150 {
                let dLon = Double.random(in: -0.01...0.01, using: &rng), dLat = Double.random(in: -0.01...0.01, using: &rng)
                points.append(ClusterPoint(id: Int64(city * 1000 + k), lon: lon + dLon, lat: lat + dLat, service: UInt16(k % 5)))
            }
        }
        let xy = ContiguousArray(points.flatMap { [WebMercator.x(longitude: $0.lon), WebMercator.y(latitude: $0.lat)] })
        var grid = RadiusGrid()
        let made = grid.rebuild(coordinates: xy, radius: ClusterOptions().unitRadius(atZoom: 18))
        #expect(!made)
        let index = try ClusterIndex(points: points)
        let ids = points.map(\.id).sorted()
        for zoom in [0, 3, 8, 12, 16, 18, 19] {
            let features = worldFeatures(index, zoom: zoom)
            #expect(features.reduce(0) { $0 + $1.count } == points.count)
            #expect(try features.flatMap { try reports(of: $0, in: index) }.map(\.id).sorted() == ids)
        }
        #expect(worldFeatures(index, zoom: 3).count <= 40 && worldFeatures(index, zoom: 19).count == points.count)
    }

    @Test func cityWithOutliersKeepsItsInvariants() throws {
        // A city's reports and three at bogus places: the grid covers the city and clamps the
        // outliers into its edge cells; nothing may be lost or counted twice.
        let city = clumpedPoints(count: 20_000, seed: 8, centres: [Coordinate(25.27, 54.68), Coordinate(25.30, 54.70)], spread: 0.01)
        var points = city.enumerated().map { ClusterPoint(id: Int64($0.offset), lon: $0.element.x, lat: $0.element.y, service: UInt16($0.offset % 9)) }
        points += [ClusterPoint(id: -1, lon: 0, lat: 0, service: 1), ClusterPoint(id: -2, lon: 54.68, lat: 25.27, service: 1),
                   ClusterPoint(id: -3, lon: 0.0000001, lat: 0, service: 2)]
        let index = try ClusterIndex(points: points)
        let ids = points.map(\.id).sorted()
        for zoom in [2, 8, 12, 15, 17, 18, 19] {
            let features = worldFeatures(index, zoom: zoom)
            #expect(try features.flatMap { try reports(of: $0, in: index) }.map(\.id).sorted() == ids, "zoom \(zoom)")
        }
        // The two reports at 0°, 0° (1 cm apart) are one cluster even at zoom 18.
        let nullIsland = index.clusters(in: MapBounds(west: -0.001, south: -0.001, east: 0.001, north: 0.001), zoom: 18)
        #expect(nullIsland.map(\.count) == [2])
    }
}
