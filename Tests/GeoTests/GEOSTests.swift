import Foundation
import Testing
@testable import Geo

private func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Geometry {
    .polygon(Polygon(shell: [Coordinate(x0, y0), Coordinate(x1, y0), Coordinate(x1, y1), Coordinate(x0, y1), Coordinate(x0, y0)]))
}

@Suite struct GEOSTests {
    let geos = GeosContext()

    @Test func validityWithReasonAndRepair() throws {
        let bowtie = Geometry.polygon(Polygon(shell: [Coordinate(0, 0), Coordinate(1, 1), Coordinate(1, 0), Coordinate(0, 1), Coordinate(0, 0)]))
        let g = try geos.geometry(bowtie)
        #expect(!g.isValid)
        #expect(g.validityReason.hasPrefix("Self-intersection"))
        let fixed = try g.makeValid()
        #expect(fixed.isValid)
        #expect(abs(fixed.area - 0.5) < 1e-12)
        #expect(try fixed.toGeometry().polygons.count == 2)
        #expect(try geos.geometry(rect(0, 0, 1, 1)).validityReason == "Valid Geometry")
    }

    @Test func unclosedRingIsAnError() {
        let open = Geometry.polygon(Polygon(shell: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1)]))
        #expect(throws: GeoError.self) { try geos.geometry(open) }
    }

    @Test func roundTripThroughGEOS() throws {
        let g = Geometry.multiPolygon([
            Polygon(shell: [Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 10), Coordinate(0, 10), Coordinate(0, 0)],
                    holes: [[Coordinate(2, 2), Coordinate(2, 4), Coordinate(4, 4), Coordinate(4, 2), Coordinate(2, 2)]]),
        ])
        #expect(try geos.geometry(g).toGeometry() == g)
        #expect(try geos.geometry(g).area == 96)
    }

    @Test func preparedCoversIncludesTheBoundary() throws {
        let p = try geos.geometry(rect(0, 0, 1, 1)).prepared()
        #expect(p.covers(Coordinate(0.5, 0.5)))
        #expect(p.covers(Coordinate(1, 0.5)))  // on an edge
        #expect(p.covers(Coordinate(0, 0)))    // on a vertex
        #expect(!p.covers(Coordinate(1.000001, 0.5)))
        #expect(p.containsProperly(try geos.geometry(rect(0.2, 0.2, 0.8, 0.8))))
        #expect(!p.containsProperly(try geos.geometry(rect(0, 0.2, 0.8, 0.8))))
    }

    @Test func strTreeFindsIntersectingEnvelopes() throws {
        let tree = try STRtree(context: geos)
        for i in 0..<100 { try tree.insert(BoundingBox(minX: Double(i), minY: 0, maxX: Double(i) + 0.5, maxY: 1), item: i) }
        #expect(tree.query(try geos.point(Coordinate(42.25, 0.5))) == [42])
        #expect(tree.query(try geos.point(Coordinate(42.75, 0.5))).isEmpty)
        #expect(Set(tree.query(try geos.rectangle(BoundingBox(minX: 10.6, minY: 0, maxX: 13.2, maxY: 1)))) == [11, 12, 13])
    }

    @Test func simplifyKeepsTopology() throws {
        var ring: [Coordinate] = []
        for i in 0..<360 {
            let a = Double(i) * .pi / 180
            ring.append(Coordinate(cos(a) * (1 + 0.001 * sin(40 * a)), sin(a) * (1 + 0.001 * sin(40 * a))))
        }
        ring.append(ring[0])
        let g = try geos.geometry(.polygon(Polygon(shell: ring)))
        let s = try g.simplified(tolerance: 0.01)
        #expect(s.isValid)
        #expect(try s.toGeometry().coordinateCount < 100)
        #expect(abs(s.area - g.area) / g.area < 0.01)
    }

    @Test func unionAndIntersection() throws {
        let a = try geos.geometry(rect(0, 0, 2, 2)), b = try geos.geometry(rect(1, 1, 3, 3))
        #expect(try a.intersection(b).area == 1)
        #expect(try GeosGeometry.collection([a, b], in: geos).unaryUnion().area == 7)
        #expect(try a.difference(b).area == 3)
    }
}

@Suite struct MeasureTests {
    @Test func areaOfADegreeCellAtTheEquator() throws {
        // One degree square at the equator: about 12,309 km² on the WGS 84 ellipsoid.
        let a = try Measure.areaSquareMetres(.polygon(Polygon(shell: [
            Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1), Coordinate(0, 0)])))
        #expect(abs(a / 1e6 - 12_308.8) / 12_308.8 < 0.002, "got \(a / 1e6) km²")
    }

    @Test func lengthOfAMeridianDegree() throws {
        let l = try Measure.lengthMetres(.lineString([Coordinate(24, 54), Coordinate(24, 55)]))
        #expect(abs(l - 111_290) < 150, "got \(l) m")  // ~111.29 km at 54.5°N
    }
}
