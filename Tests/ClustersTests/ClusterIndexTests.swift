import Foundation
import Geo
import Testing
@testable import Clusters

/// Hand-made cases whose answers can be worked out on paper.
@Suite struct ClusterIndexTests {
    /// Ground metres per pixel at `zoom` on 512-pixel tiles at Boston's latitude.
    static func metresPerPixel(zoom: Int, latitude: Double = 42.36) -> Double {
        40_075_016.686 * cos(latitude * .pi / 180) / (512 * Double(1 << zoom))
    }

    @Test func twoReportsAKilometreApartSplitWhereTheRadiusDropsBelowIt() throws {
        // 40 px is 1,130 m at zoom 11 and 565 m at zoom 12 in Boston.
        #expect(40 * Self.metresPerPixel(zoom: 11) > 1000 && 40 * Self.metresPerPixel(zoom: 12) < 1000)
        let east = 1000 / (111_320 * cos(42.36 * .pi / 180))  // 1 km in degrees of longitude
        let points = [ClusterPoint(id: 1, lon: -71.06, lat: 42.36, service: 3),
                      ClusterPoint(id: 2, lon: -71.06 + east, lat: 42.36, service: 5)]
        let index = try ClusterIndex(points: points)
        let at11 = worldFeatures(index, zoom: 11), at12 = worldFeatures(index, zoom: 12)
        #expect(at11.count == 1 && at11[0].count == 2)
        #expect(at12.count == 2 && at12.allSatisfy { $0.report != nil })
        let id = try #require(at11[0].clusterID)
        #expect(id.zoom == 11)
        #expect(try index.expansionZoom(of: id) == 12)
        #expect(Array(at11[0].services) == [ServiceCount(service: 3, count: 1), ServiceCount(service: 5, count: 1)])
        #expect(abs(at11[0].lon - (-71.06 + east / 2)) < 1e-9 && abs(at11[0].lat - 42.36) < 1e-9)
        // The cluster keeps its id at every lower zoom.
        #expect((0...11).allSatisfy { worldFeatures(index, zoom: $0).map(\.clusterID) == [id] })
        #expect(Set(try index.leaves(of: id, limit: 5).map(\.id)) == [1, 2])
    }

    @Test func minPointsHoldsBackSmallGroups() throws {
        let points = (0..<3).map { ClusterPoint(id: Int64($0), lon: 24.0 + Double($0) * 1e-5, lat: 54.9, service: 0) }
        let three = try ClusterIndex(points: points, options: ClusterOptions(minPoints: 3))
        let four = try ClusterIndex(points: points, options: ClusterOptions(minPoints: 4))
        #expect(worldFeatures(three, zoom: 10).map(\.count) == [3])
        #expect(worldFeatures(four, zoom: 10).map(\.count) == [1, 1, 1])
    }

    @Test func perDistrictModeKeepsNeighboursApart() throws {
        // Two reports on the same spot but in different districts, and a third in the first.
        let points = [ClusterPoint(id: 1, lon: 24, lat: 55, service: 0, district: 7),
                      ClusterPoint(id: 2, lon: 24, lat: 55, service: 0, district: 8),
                      ClusterPoint(id: 3, lon: 24.0001, lat: 55, service: 0, district: 7)]
        let free = try ClusterIndex(points: points)
        let byDistrict = try ClusterIndex(points: points, options: ClusterOptions(grouping: .byDistrict))
        #expect(worldFeatures(free, zoom: 5).map(\.count) == [3])
        let features = worldFeatures(byDistrict, zoom: 5).sorted { $0.district < $1.district }
        #expect(features.map(\.count) == [2, 1] && features.map(\.district) == [7, 8])
    }

    @Test func emptyAndUnplaceableInput() throws {
        let empty = try ClusterIndex(points: [])
        #expect((0...19).allSatisfy { worldFeatures(empty, zoom: $0).isEmpty })
        let points = [ClusterPoint(id: 1, lon: .nan, lat: 1, service: 0), ClusterPoint(id: 2, lon: 1, lat: .infinity, service: 0),
                      ClusterPoint(id: 3, lon: 1, lat: 1, service: 0)]
        let index = try ClusterIndex(points: points)
        #expect(index.count == 1 && index.skippedCount == 2)
        #expect(worldFeatures(index, zoom: 0).map(\.report?.id) == [3])
    }

    @Test func badIdsAndPagingAreErrors() throws {
        let points = (0..<200).map { (i: Int) -> ClusterPoint in
            let lon: Double = 24 + Double(i % 20) * 1e-3, lat: Double = 55 + Double(i / 20) * 1e-3
            return ClusterPoint(id: Int64(i), lon: lon, lat: lat, service: 0)
        }
        let index = try ClusterIndex(points: points)
        let cluster = try #require(worldFeatures(index, zoom: 12).first { $0.clusterID != nil }?.clusterID)
        var bad: [ClusterID] = [ClusterID(rawValue: -1), ClusterID(rawValue: 31), ClusterID(rawValue: Int64.max),
                                ClusterID(rawValue: Int64(1_000_000) << 5 | 3),
                                ClusterID(zoom: 12, index: index.level(forZoom: 12).count)]
        // A position that holds a single report, and one holding a cluster copied from a higher zoom.
        let level = index.level(forZoom: 18)
        if let single = (0..<level.count).first(where: { !level.isCluster($0) }) { bad.append(ClusterID(zoom: 18, index: single)) }
        let low = index.level(forZoom: 2)
        if let copied = (0..<low.count).first(where: { low.isCluster($0) && ClusterID(rawValue: low.identities[$0]).zoom != 2 }) {
            bad.append(ClusterID(zoom: 2, index: copied))
        }
        #expect(bad.count == 7)
        for id in bad {
            #expect(throws: ClusterError.unknownCluster(id)) { try index.children(of: id) }
            #expect(throws: ClusterError.unknownCluster(id)) { try index.leaves(of: id) }
            #expect(throws: ClusterError.unknownCluster(id)) { try index.expansionZoom(of: id) }
            #expect(throws: ClusterError.unknownCluster(id)) { try index.cluster(id) }
        }
        #expect(throws: ClusterError.invalidPaging(limit: -1, offset: 0)) { try index.leaves(of: cluster, limit: -1) }
        #expect(throws: ClusterError.invalidPaging(limit: 5, offset: -2)) { try index.leaves(of: cluster, limit: 5, offset: -2) }
        #expect(try index.cluster(cluster).clusterID == cluster)
    }

    @Test func invalidOptionsAreErrors() {
        let bad = [ClusterOptions(minZoom: 5, maxZoom: 4), ClusterOptions(maxZoom: 31), ClusterOptions(minZoom: -1),
                   ClusterOptions(radius: .nan), ClusterOptions(radius: -1), ClusterOptions(extent: 0),
                   ClusterOptions(minPoints: 1), ClusterOptions(nodeSize: 1)]
        for options in bad {
            #expect(throws: ClusterError.self) { try ClusterIndex(points: [], options: options) }
        }
    }

    @Test func boxesAcrossTheAntimeridianFindBothSides() throws {
        let points = [ClusterPoint(id: 1, lon: 179.5, lat: -17, service: 0), ClusterPoint(id: 2, lon: -179.5, lat: -17, service: 0),
                      ClusterPoint(id: 3, lon: 0, lat: -17, service: 0)]
        let index = try ClusterIndex(points: points)
        func ids(_ bounds: MapBounds) -> Set<Int64> { Set(index.clusters(in: bounds, zoom: 19).compactMap(\.report?.id)) }
        #expect(ids(MapBounds(west: 179, south: -18, east: -179, north: -16)) == [1, 2])
        #expect(ids(MapBounds(west: 179, south: -18, east: 181, north: -16)) == [1, 2])   // panned past 180°
        #expect(ids(MapBounds(west: -181, south: -18, east: -179, north: -16)) == [1, 2])
        #expect(ids(MapBounds(west: 179, south: -18, east: 180, north: -16)) == [1])
        #expect(ids(MapBounds(west: -1, south: -18, east: 1, north: -16)) == [3])
        #expect(ids(MapBounds(west: -500, south: -90, east: 500, north: 90)) == [1, 2, 3])  // wider than the world
        #expect(ids(MapBounds(west: -10, south: 10, east: 10, north: -10)).isEmpty)        // south above north
        #expect(ids(MapBounds(west: .nan, south: -18, east: 1, north: -16)).isEmpty)
    }

    @Test func serviceBreakdownTopAndTotal() {
        let breakdown = ServiceBreakdown([ServiceCount(service: 4, count: 2), ServiceCount(service: 1, count: 7),
                                          ServiceCount(service: 4, count: 3), ServiceCount(service: 9, count: 5),
                                          ServiceCount(service: 2, count: 0)])
        #expect(Array(breakdown) == [ServiceCount(service: 1, count: 7), ServiceCount(service: 4, count: 5), ServiceCount(service: 9, count: 5)])
        #expect(breakdown.total == 17)
        #expect(breakdown.top(2) == [ServiceCount(service: 1, count: 7), ServiceCount(service: 4, count: 5)])
        #expect(breakdown.top(0).isEmpty && breakdown.top(10).count == 3)
    }

    /// `top` selects without sorting the whole breakdown; it must give what sorting gives, ties
    /// included (equal counts: the lower service first), into an array reused between calls.
    @Test func serviceBreakdownTopAgreesWithASort() {
        var random = SystemRandomNumberGenerator()
        var reused: [ServiceCount] = []
        for _ in 0..<300 {
            let pairs = (0..<Int.random(in: 0...40, using: &random)).map { _ in
                ServiceCount(service: UInt16.random(in: 0...60, using: &random), count: Int.random(in: 1...6, using: &random))
            }
            let breakdown = ServiceBreakdown(pairs)
            let sorted = breakdown.sorted { $0.count != $1.count ? $0.count > $1.count : $0.service < $1.service }
            for limit in [1, 3, 5, 100] {
                breakdown.top(limit, into: &reused)
                #expect(reused == Array(sorted.prefix(limit)), "\(Array(breakdown)) top \(limit)")
            }
        }
    }
}
