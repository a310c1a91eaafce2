import Geo
import Testing
@testable import Clusters

@Suite struct DBSCANTests {
    @Test func emptyInput() throws {
        let result = try DBSCAN(eps: 5, minPoints: 3).cluster([])
        #expect(result.labels.isEmpty && result.isCore.isEmpty && result.clusterCount == 0)
    }

    @Test func onePoint() throws {
        let alone = try DBSCAN(eps: 5, minPoints: 1).cluster([Coordinate(3, 4)])
        #expect(alone.labels == [0] && alone.isCore == [true] && alone.clusterCount == 1)
        let noise = try DBSCAN(eps: 5, minPoints: 2).cluster([Coordinate(3, 4)])
        #expect(noise.labels == [-1] && noise.isCore == [false] && noise.clusterCount == 0)
    }

    @Test func allIdenticalPoints() throws {
        let pile = [Coordinate](repeating: Coordinate(330_000, 4_690_000), count: 8_752)
        for eps in [0.0, 50] {
            let result = try DBSCAN(eps: eps, minPoints: 5).cluster(pile)
            #expect(result.clusterCount == 1 && result.labels.allSatisfy { $0 == 0 } && result.isCore.allSatisfy { $0 })
        }
        let tooFew = try DBSCAN(eps: 50, minPoints: 9_000).cluster(pile)
        #expect(tooFew.clusterCount == 0 && tooFew.noiseCount == 8_752)
    }

    @Test func epsZeroOnlyJoinsIdenticalPoints() throws {
        let a = Coordinate(0, 0), b = Coordinate(1e-9, 0), c = Coordinate(5, 5)
        let points = [b, a, c, a, c, a, c, c]  // a ×3, b ×1, c ×4
        let result = try DBSCAN(eps: 0, minPoints: 3).cluster(points)
        // Clusters are numbered by their first point: a's first is at 1, c's at 2.
        #expect(result.labels == [-1, 0, 1, 0, 1, 0, 1, 1])
        #expect(result.isCore == [false, true, true, true, true, true, true, true])
    }

    @Test func twoClustersABorderPointAndNoise() throws {
        // eps 1, minPoints 4. Left cores: 0, 0.25, 0.5, 1. Right cores: 2.75, 3, 3.25, 3.75.
        // 1.875 is 0.875 from a core on each side but has only 3 points within eps: a border
        // point either side may take. 20 is noise.
        let xs: [Double] = [0, 0.25, 0.5, 1, 2.75, 3, 3.25, 3.75, 1.875, 20]
        let result = try DBSCAN(eps: 1, minPoints: 4).cluster(xs.map { Coordinate($0, 0) })
        #expect(result.isCore == [true, true, true, true, true, true, true, true, false, false])
        #expect(result.labels[0...7] == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(result.labels[8] == 0 || result.labels[8] == 1)
        #expect(result.labels[9] == -1 && result.clusterCount == 2)
        // 2.125 reaches only the right side (1.125 from 1, 0.625 from 2.75).
        let right = try DBSCAN(eps: 1, minPoints: 4).cluster((xs.prefix(8) + [2.125]).map { Coordinate($0, 0) })
        #expect(right.labels == [0, 0, 0, 0, 1, 1, 1, 1, 1] && right.isCore.filter { $0 }.count == 8)
        // Distance exactly eps counts.
        let exact = try DBSCAN(eps: 2, minPoints: 2).cluster([Coordinate(0, 0), Coordinate(2, 0)])
        #expect(exact.labels == [0, 0])
    }

    @Test func unplaceablePointsAreNoise() throws {
        let result = try DBSCAN(eps: 1, minPoints: 2).cluster([Coordinate(0, 0), Coordinate(.nan, 0), Coordinate(0.5, 0), Coordinate(0, .infinity)])
        #expect(result.labels == [0, -1, 0, -1] && result.isCore == [true, false, true, false])
    }

    @Test func invalidParameters() {
        #expect(throws: DBSCANError.self) { try DBSCAN(eps: -1, minPoints: 3) }
        #expect(throws: DBSCANError.self) { try DBSCAN(eps: .nan, minPoints: 3) }
        #expect(throws: DBSCANError.self) { try DBSCAN(eps: .infinity, minPoints: 3) }
        #expect(throws: DBSCANError.self) { try DBSCAN(eps: 1, minPoints: 0) }
    }

    @Test(arguments: [(eps: 30.0, minPoints: 5), (eps: 12.0, minPoints: 3), (eps: 80.0, minPoints: 20), (eps: 0.0, minPoints: 2)])
    func agreesWithBruteForce(eps: Double, minPoints: Int) throws {
        let points = clumpedPoints(count: 3_000, seed: 11, centres: [Coordinate(0, 0), Coordinate(400, 50), Coordinate(200, 600)],
                                   spread: 150)
        let result = try DBSCAN(eps: eps, minPoints: minPoints).cluster(points)
        try BruteForceDBSCAN(points: points, eps: eps, minPoints: minPoints).check(result)
        #expect(result.clusterCount > 0)
    }

    @Test func tinyEpsOverAWideExtent() throws {
        // A cell size of eps would mean 10^13 cells across: the grid falls back to larger cells.
        var points = clumpedPoints(count: 600, seed: 5, centres: [Coordinate(0, 0), Coordinate(10_000, 10_000)], spread: 1e-6, duplicateEvery: 3)
        points.append(Coordinate(5_000, 5_000))
        let eps = 1e-9
        let result = try DBSCAN(eps: eps, minPoints: 2).cluster(points)
        try BruteForceDBSCAN(points: points, eps: eps, minPoints: 2).check(result)
        #expect(result.clusterCount > 0)
    }
}

/// The definition, computed the slow way: O(n²) neighbourhoods and a breadth-first expansion.
struct BruteForceDBSCAN {
    let points: [Coordinate]
    let eps: Double
    let minPoints: Int

    func withinEps(_ a: Int, _ b: Int) -> Bool {
        let dx = points[a].x - points[b].x, dy = points[a].y - points[b].y
        return dx * dx + dy * dy <= eps * eps
    }

    /// Core flags equal, core partition equal up to renaming, every border point labelled like a
    /// core point within eps, noise exactly the points with no core point within eps.
    func check(_ result: DBSCANResult, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let n = points.count
        let neighbours = (0..<n).map { i in (0..<n).filter { withinEps(i, $0) } }
        let core = neighbours.map { $0.count >= minPoints }
        #expect(result.isCore == core, "core flags differ", sourceLocation: sourceLocation)
        var component = [Int](repeating: -1, count: n)
        var components = 0
        for start in 0..<n where core[start] && component[start] < 0 {
            var queue = [start]
            component[start] = components
            while let i = queue.popLast() {
                for j in neighbours[i] where core[j] && component[j] < 0 { component[j] = components; queue.append(j) }
            }
            components += 1
        }
        #expect(result.clusterCount == components, sourceLocation: sourceLocation)
        var labelOfComponent: [Int: Int32] = [:], componentOfLabel: [Int32: Int] = [:]
        for i in 0..<n where core[i] {
            let label = result.labels[i]
            #expect(labelOfComponent[component[i], default: label] == label, "a cluster is split", sourceLocation: sourceLocation)
            #expect(componentOfLabel[label, default: component[i]] == component[i], "clusters are merged", sourceLocation: sourceLocation)
            labelOfComponent[component[i]] = label
            componentOfLabel[label] = component[i]
        }
        for i in 0..<n where !core[i] {
            let reachable = Set(neighbours[i].filter { core[$0] }.map { result.labels[$0] })
            if reachable.isEmpty {
                #expect(result.labels[i] == -1, "point \(i) should be noise", sourceLocation: sourceLocation)
            } else {
                #expect(reachable.contains(result.labels[i]), "border point \(i) has label \(result.labels[i]), not one of \(reachable)",
                        sourceLocation: sourceLocation)
            }
        }
    }
}
