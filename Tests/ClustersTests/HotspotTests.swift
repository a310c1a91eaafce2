import Foundation
import Geo
import Testing
@testable import Clusters

@Suite struct HotspotTests {
    /// Metres east and north of a lon/lat point, as lon/lat (small offsets only).
    static func offset(_ lon: Double, _ lat: Double, east: Double, north: Double) -> (Double, Double) {
        (lon + east / (111_320 * cos(lat * .pi / 180)), lat + north / 110_574)
    }

    /// Does `outline` cover `point`, allowing ~1 cm for hull edges that are straight in metres
    /// but not in lon/lat?
    static func covers(_ outline: Geometry, _ point: Coordinate, context: GeosContext) throws -> Bool {
        try context.geometry(outline).buffer(1e-7).covers(try context.point(point))
    }

    @Test func pilesLinesAndSpreadGroups() throws {
        var points: [ClusterPoint] = []
        var id: Int64 = 0
        func add(_ lon: Double, _ lat: Double, _ service: UInt16) {
            points.append(ClusterPoint(id: id, lon: lon, lat: lat, service: service))
            id += 1
        }
        // A pile of 30 on City Hall (25 of service 1, 5 of service 2).
        for i in 0..<30 { add(-71.0587, 42.3594, i < 25 ? 1 : 2) }
        // 20 on a 5 × 4 grid 10 m apart, services 3, 4, 5, 6 (5 each).
        for i in 0..<20 {
            let (lon, lat) = Self.offset(-71.08, 42.34, east: Double(i % 5) * 10, north: Double(i / 5) * 10)
            add(lon, lat, UInt16(3 + i / 5))
        }
        // 8 along a parallel, 10 m apart: on one line in lon/lat.
        for i in 0..<8 {
            let (lon, lat) = Self.offset(-71.10, 42.33, east: Double(i) * 10, north: 0)
            add(lon, lat, 7)
        }
        // 3 strays, kilometres from anything.
        add(-71.0, 42.25, 8); add(-71.2, 42.40, 8); add(-71.15, 42.28, 8)

        let report = try HotspotAnalysis(eps: 15, minPoints: 3).run(points)
        #expect(report.crs.epsg == 32619)  // UTM 19N
        #expect(report.pointCount == 61 && report.noiseCount == 3)
        #expect(report.hotspots.map(\.count) == [30, 20, 8])
        let context = GeosContext()
        for hotspot in report.hotspots {
            let members = points.filter { hotspot.memberIDs.contains($0.id) }
            #expect(members.count == hotspot.count)
            let polygons = hotspot.outline.polygons
            #expect(polygons.count == 1 && polygons[0].shell.count >= 4 && polygons[0].shell.first == polygons[0].shell.last)
            for m in members { #expect(try Self.covers(hotspot.outline, Coordinate(m.lon, m.lat), context: context)) }
            #expect(try context.geometry(hotspot.outline).covers(try context.point(hotspot.centroid)))
            #expect(try Measure.areaSquareMetres(hotspot.outline) > 100)  // a real area, even for the pile
        }
        let pile = report.hotspots[0], grid = report.hotspots[1], line = report.hotspots[2]
        #expect(pile.dominantServices == [ServiceCount(service: 1, count: 25), ServiceCount(service: 2, count: 5)])
        #expect(abs(pile.centroid.x - -71.0587) < 1e-7 && abs(pile.centroid.y - 42.3594) < 1e-7)
        // The pile's outline is the 10 m buffer: about π·10² m².
        #expect(abs(try Measure.areaSquareMetres(pile.outline) - 314) < 30)
        #expect(grid.dominantServices.count == 3 && grid.dominantServices.allSatisfy { $0.count == 5 })
        #expect(grid.dominantServices.map(\.service) == [3, 4, 5])  // ties: lower service first
        // The grid's hull is its 40 m × 30 m rectangle.
        #expect(abs(try Measure.areaSquareMetres(grid.outline) - 1200) < 15)
        // The line is buffered: 70 m long, 20 m wide, rounded ends.
        #expect(line.dominantServices == [ServiceCount(service: 7, count: 8)])
        #expect((1500...1800).contains(try Measure.areaSquareMetres(line.outline)))
    }

    @Test func emptyAndInvalid() throws {
        let report = try HotspotAnalysis(eps: 50, minPoints: 5).run([])
        #expect(report.hotspots.isEmpty && report.noiseCount == 0 && report.pointCount == 0)
        #expect(throws: HotspotError.self) { try HotspotAnalysis(eps: -5, minPoints: 5).run([]) }
        #expect(throws: HotspotError.self) { try HotspotAnalysis(eps: 5, minPoints: 5, degenerateBuffer: 0).run([]) }
    }

    @Test func bostonHotspots() throws {
        guard let boston = BostonReports.shared else { return }
        let report = try HotspotAnalysis(eps: 50, minPoints: 5).run(boston.points)
        #expect(report.pointCount == boston.points.count)
        #expect(report.hotspots.reduce(0) { $0 + $1.count } + report.noiseCount == boston.points.count)
        #expect(zip(report.hotspots, report.hotspots.dropFirst()).allSatisfy { $0.count >= $1.count })
        #expect(report.hotspots.allSatisfy { $0.dominantServices.count <= 3 && $0.dominantServices.reduce(0) { $0 + $1.count } <= $0.count })
        // The City Hall pile lies in one hotspot, whose outline covers City Hall.
        let pileIDs = Set(boston.points.filter { $0.lon == -71.0587 && $0.lat == 42.3594 }.map(\.id))
        #expect(pileIDs.count == 8_752)
        let holding = report.hotspots.filter { !pileIDs.isDisjoint(with: $0.memberIDs) }
        #expect(holding.count == 1)
        if let hotspot = holding.first {
            #expect(pileIDs.isSubset(of: hotspot.memberIDs))
            #expect(try Self.covers(hotspot.outline, Coordinate(-71.0587, 42.3594), context: GeosContext()))
        }
        // Every report of a hotspot lies within its outline.
        let context = GeosContext()
        let byID = Dictionary(uniqueKeysWithValues: boston.points.map { ($0.id, $0) })
        for hotspot in report.hotspots.prefix(20) {
            let outline = try context.geometry(hotspot.outline).buffer(1e-7).prepared()
            #expect(hotspot.memberIDs.allSatisfy { id in byID[id].map { outline.covers(Coordinate($0.lon, $0.lat)) } ?? false })
        }
    }
}
