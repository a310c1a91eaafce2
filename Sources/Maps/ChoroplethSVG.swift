import Foundation
import Geo

/// A choropleth drawn by the server as SVG text: one path per district (Web Mercator, fitted to
/// the width), filled by the same five quantile classes and colours as the WMS layer
/// `petition-signatures`, with a legend. It works without JavaScript and without the tile server,
/// prints, and scales; every district carries a `<title>` (a tooltip, read by screen readers),
/// and the picture has a title and description (`role="img"`), so the table beside it is not the
/// only accessible form.
public struct ChoroplethSVG: Sendable {
    /// One district as drawn.
    public struct Area: Sendable {
        public var code: String
        public var name: String
        /// EPSG:4326 lon/lat polygons.
        public var geometry: Geometry
        /// The value that picks the class (0: drawn as "none").
        public var value: Double
        /// What the district's tooltip says after its name (e.g. "12 signatures").
        public var caption: String
        public init(code: String, name: String, geometry: Geometry, value: Double, caption: String) {
            self.code = code; self.name = name; self.geometry = geometry; self.value = value; self.caption = caption
        }
    }

    /// Texts in the reader's language.
    public struct Labels: Sendable {
        public var title: String
        public var description: String
        /// Above the legend: what the numbers count ("Signatures", "Per 1,000 residents").
        public var heading: String
        /// For districts with no value.
        public var none: String
        public init(title: String, description: String, heading: String, none: String) {
            self.title = title; self.description = description; self.heading = heading; self.none = none
        }
    }

    public var width = 640.0
    /// Digits after the decimal point in the legend (1 for rates, 0 for counts).
    public var decimals = 0
    public init(width: Double = 640, decimals: Int = 0) { self.width = width; self.decimals = decimals }

    static let palette = PetitionSignaturesLayer.palette
    static let empty = "#ffffff"
    static let margin = 8.0
    static let legendRow = 22.0

    public func render(_ areas: [Area], labels: Labels) -> String {
        let classes = ChoroplethClasses(areas.map(\.value), classes: Self.palette.count)
        // Web Mercator (unit sphere), so shapes look as on the slippy map.
        let project = { (c: Coordinate) -> (Double, Double) in
            let lat = max(-85.0, min(85.0, c.y)) * .pi / 180
            return (c.x * .pi / 180, -log(tan(.pi / 4 + lat / 2)))
        }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for area in areas { for ring in Self.rings(area.geometry) { for c in ring {
            let (x, y) = project(c)
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        } } }
        let inner = width - 2 * Self.margin
        let scale = minX < maxX ? inner / max(maxX - minX, (maxY - minY) * 1.0e-9) : 1
        let mapHeight = minY < maxY ? min((maxY - minY) * scale, 1.5 * width) : 0
        let fit = minY < maxY ? min(scale, mapHeight / (maxY - minY)) : scale
        let legend = legendEntries(classes, areas: areas, labels: labels)
        let height = (mapHeight + 2 * Self.margin + Double(legend.count + 1) * Self.legendRow + Self.margin).rounded(.up)

        var svg = ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \##(Int(width)) \##(Int(height))" width="\##(Int(width))" height="\##(Int(height))" role="img" aria-labelledby="map-title map-desc">"##
        svg += ##"<title id="map-title">\##(XML.escape(labels.title))</title><desc id="map-desc">\##(XML.escape(labels.description))</desc>"##
        svg += ##"<g stroke="#555555" stroke-width="0.75" stroke-linejoin="round" fill-rule="evenodd">"##
        for area in areas {
            var d = ""
            for ring in Self.rings(area.geometry) {
                var last: (Double, Double)?
                var points = 0
                for c in ring {
                    let (px, py) = project(c)
                    let x = Self.margin + (px - minX) * fit, y = Self.margin + (py - minY) * fit
                    // Points closer than half a pixel to the last one add bytes, not detail.
                    if let l = last, abs(l.0 - x) < 0.5, abs(l.1 - y) < 0.5 { continue }
                    d += (points == 0 ? "M" : "L") + Self.number(x) + " " + Self.number(y)
                    last = (x, y); points += 1
                }
                if points > 0 { d += "Z" }
            }
            let fill = area.value > 0 ? Self.hex(Self.palette[classes.classIndex(area.value)]) : Self.empty
            svg += ##"<path id="district-\##(XML.escape(area.code))" fill="\##(fill)" d="\##(d)"><title>\##(XML.escape("\(area.name): \(area.caption)"))</title></path>"##
        }
        svg += "</g>"
        var y = mapHeight + 2 * Self.margin
        svg += ##"<g font-family="sans-serif" font-size="13" fill="#222222">"##
        svg += ##"<text x="\##(Self.margin)" y="\##(Self.number(y + 12))" font-weight="bold">\##(XML.escape(labels.heading))</text>"##
        y += Self.legendRow
        for entry in legend {
            svg += ##"<rect x="\##(Self.margin)" y="\##(Self.number(y))" width="18" height="14" fill="\##(entry.fill)" stroke="#555555" stroke-width="0.75"/>"##
            svg += ##"<text x="\##(Self.margin + 26)" y="\##(Self.number(y + 12))">\##(XML.escape(entry.label))</text>"##
            y += Self.legendRow
        }
        svg += "</g></svg>\n"
        return svg
    }

    /// The classes in use (equal quantile breaks collapse into one), then "none" when a district has no value.
    func legendEntries(_ classes: ChoroplethClasses, areas: [Area], labels: Labels) -> [(fill: String, label: String)] {
        var out: [(fill: String, label: String)] = []
        var lower = 0.0
        for (k, upper) in classes.breaks.enumerated() where upper > lower && upper > 0 {
            let from = decimals == 0 ? lower.rounded(.down) + 1 : lower
            let range = from >= upper ? format(upper) : "\(format(from)) – \(format(upper))"
            out.append((Self.hex(Self.palette[k]), range))
            lower = upper
        }
        if areas.contains(where: { $0.value <= 0 }) { out.append((Self.empty, labels.none)) }
        return out
    }

    func format(_ v: Double) -> String { String(format: "%.\(decimals)f", v) }

    static func rings(_ g: Geometry) -> [[Coordinate]] {
        switch g {
        case .polygon(let p): p.rings
        case .multiPolygon(let ps): ps.flatMap(\.rings)
        case .geometryCollection(let gs): gs.flatMap(rings)
        default: []
        }
    }

    static func number(_ v: Double) -> String { String(format: "%.1f", v) }

    static func hex(_ c: Colour) -> String {
        String(format: "#%02x%02x%02x", Int((c.red * 255).rounded()), Int((c.green * 255).rounded()), Int((c.blue * 255).rounded()))
    }
}
