import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Geo
@testable import Maps
import Testing

/// The server-drawn choropleth: the WMS layer's classes and colours, the legend of the classes in
/// use, rates with a decimal, sub-pixel detail dropped, text escaped, well-formed XML.
@Suite struct ChoroplethSVGTests {
    static func square(_ x: Double, _ y: Double, steps: Int = 4) -> Geometry {
        // A square with many points along each side (all but the corners closer than half a pixel).
        var ring: [Coordinate] = []
        for (a, b) in [((x, y), (x + 1, y)), ((x + 1, y), (x + 1, y + 1)), ((x + 1, y + 1), (x, y + 1)), ((x, y + 1), (x, y))] {
            for k in 0..<steps { let t = Double(k) / Double(steps); ring.append(Coordinate(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)) }
        }
        ring.append(ring[0])
        return .multiPolygon([Polygon(shell: ring)])
    }

    static let labels = ChoroplethSVG.Labels(title: "Signatures <by> district", description: "d", heading: "Per 1,000 residents", none: "none")

    @Test func classesColoursAndLegendFollowTheWMSLayer() throws {
        let areas = (0..<5).map { i in
            ChoroplethSVG.Area(code: "D\(i)", name: "Name & \(i)", geometry: Self.square(Double(i), 50), value: [0, 1.25, 2.5, 5, 10][i], caption: "c")
        }
        let svg = ChoroplethSVG(decimals: 1).render(areas, labels: Self.labels)
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        #expect(svg.contains("Signatures &lt;by&gt; district") && svg.contains("Name &amp; 0: c"))
        #expect(svg.contains(##"id="district-D0" fill="#ffffff""##), "no value: white")
        let top = ChoroplethSVG.hex(PetitionSignaturesLayer.palette[4])
        #expect(svg.contains("id=\"district-D4\" fill=\"\(top)\""), "the largest value: the darkest class")
        #expect(svg.contains(">5.0 – 10.0<") && svg.contains(">Per 1,000 residents<") && svg.contains(">none<"))
        #expect(!svg.contains("0.0 – 0.0"), "an empty class is not in the legend")
    }

    @Test func pointsCloserThanHalfAPixelAreDropped() {
        let near = ChoroplethSVG(width: 40).render([ChoroplethSVG.Area(code: "A", name: "A", geometry: Self.square(0, 0, steps: 200), value: 1, caption: "")],
                                                   labels: Self.labels)
        let far = ChoroplethSVG(width: 4_000).render([ChoroplethSVG.Area(code: "A", name: "A", geometry: Self.square(0, 0, steps: 200), value: 1, caption: "")],
                                                     labels: Self.labels)
        let count = { (s: String) in s.filter { $0 == "L" }.count }
        #expect(count(near) < 250 && count(far) >= 790, "\(count(near)) and \(count(far)) segments")
    }
}
