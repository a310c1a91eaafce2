import CCairo
import Foundation
import Geo
import Testing
@testable import Maps

@Suite struct RenderingTests {
    static let map = "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=EPSG:4326&BBOX=\(Fixture.bbox130)&WIDTH=320&HEIGHT=192&FORMAT=image/png"

    func render(_ query: String) throws -> Pixels {
        let response = Fixture.handle(query)
        #expect(response.contentType == "image/png", "\(String(decoding: response.body.prefix(300), as: UTF8.self))")
        return try #require(Pixels(png: response.body))
    }

    /// Compares with the stored golden image by decoded pixels. With MIESTAS_UPDATE_GOLDENS=1
    /// (or when the golden is missing) writes it and fails, so a new golden is always looked at.
    func expectGolden(_ name: String, _ query: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let response = Fixture.handle(query)
        let actual = try #require(Pixels(png: response.body), sourceLocation: sourceLocation)
        let url = Paths.fixtures.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["MIESTAS_UPDATE_GOLDENS"] == "1" || !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: Paths.fixtures, withIntermediateDirectories: true)
            try response.body.write(to: url)
            Issue.record("wrote golden \(name): look at it, then run again", sourceLocation: sourceLocation)
            return
        }
        let golden = try #require(Pixels(png: try Data(contentsOf: url)), sourceLocation: sourceLocation)
        // Antialiasing may differ slightly between Cairo and pixman versions: allow 0.5 % of pixels.
        let share = actual.differingShare(from: golden)
        #expect(share < 0.005, "\(name) differs from its golden", sourceLocation: sourceLocation)
        if share >= 0.005, let dump = ProcessInfo.processInfo.environment["MIESTAS_GOLDEN_DUMP"] {
            try? response.body.write(to: URL(fileURLWithPath: dump).appendingPathComponent(name))
            for i in stride(from: 0, to: actual.rgba.count, by: 4) where actual.rgba[i..<i+4] != golden.rgba[i..<i+4] {
                print("DIFF", i / 4 % actual.width, i / 4 / actual.width, Array(actual.rgba[i..<i+4]), Array(golden.rgba[i..<i+4])); break
            }
        }
    }

    @Test func goldenImages() throws {
        try expectGolden("districts-reports.png", Self.map + "&LAYERS=districts,reports")
        try expectGolden("clusters.png", Self.map + "&LAYERS=districts,clusters")
        try expectGolden("heatmap-density.png", Self.map + "&LAYERS=district-density,heatmap")
    }

    @Test func goldenComparisonCatchesAChange() throws {
        let all = try render(Self.map + "&LAYERS=districts,reports")
        let closed = try render(Self.map + "&LAYERS=districts,reports&STATUS=closed")
        #expect(all.differingShare(from: closed) > 0.005)
    }

    @Test func version111And130GiveTheSameImage() throws {
        let v130 = try render(Self.map + "&LAYERS=districts,reports,clusters")
        let v111 = try render("SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&STYLES=&SRS=EPSG:4326&BBOX=\(Fixture.bbox111)&WIDTH=320&HEIGHT=192&FORMAT=image/png&LAYERS=districts,reports,clusters")
        #expect(v130 == v111)
        let crs84 = try render(Self.map.replacingOccurrences(of: "CRS=EPSG:4326&BBOX=\(Fixture.bbox130)", with: "CRS=CRS:84&BBOX=\(Fixture.bbox111)") + "&LAYERS=districts,reports,clusters")
        #expect(crs84 == v130)
    }

    @Test func transparencyAndBackground() throws {
        let opaque = try render(Self.map + "&LAYERS=reports")
        #expect(opaque.opaquePixelCount == opaque.width * opaque.height)
        #expect(opaque.pixel(0, 0) == (255, 255, 255, 255))
        let transparent = try render(Self.map + "&LAYERS=reports&TRANSPARENT=TRUE")
        #expect(transparent.pixel(0, 0).a == 0)
        #expect(transparent.opaquePixelCount > 0 && transparent.opaquePixelCount < transparent.width * transparent.height)
        let blue = try render(Self.map + "&LAYERS=reports&BGCOLOR=0x0000FF")
        #expect(blue.pixel(0, 0) == (0, 0, 255, 255))
    }

    @Test func otherFormatsAndProjections() throws {
        let jpeg = Fixture.handle(Self.map.replacingOccurrences(of: "image/png", with: "image/jpeg") + "&LAYERS=districts,reports")
        #expect(jpeg.contentType == "image/jpeg" && jpeg.body.prefix(3) == Data([0xFF, 0xD8, 0xFF]) && jpeg.body.suffix(2) == Data([0xFF, 0xD9]))
        let svg = Fixture.handle(Self.map.replacingOccurrences(of: "image/png", with: "image/svg%2Bxml") + "&LAYERS=districts,reports")
        #expect(svg.contentType == "image/svg+xml")
        let text = String(decoding: svg.body, as: UTF8.self)
        #expect(text.contains("<svg") && text.contains("</svg>"))
        let pdf = Fixture.handle(Self.map.replacingOccurrences(of: "image/png", with: "application/pdf") + "&LAYERS=districts,reports")
        #expect(pdf.contentType == "application/pdf" && pdf.body.prefix(5) == Data("%PDF-".utf8) && pdf.body.count > 1000)
        // The same area in LKS94 and Web Mercator draws the districts (not a blank image).
        let box = Capabilities.box(BoundingBox(minX: 23.895, minY: 54.875, maxX: 23.945, maxY: 54.905), in: try MapCRS("EPSG:3346"))!
        let lks = try render("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=EPSG:3346&BBOX=\(box.minY),\(box.minX),\(box.maxY),\(box.maxX)&WIDTH=200&HEIGHT=200&FORMAT=image/png&TRANSPARENT=TRUE&LAYERS=districts")
        #expect(lks.opaquePixelCount > 300)
        let merc = Capabilities.box(BoundingBox(minX: 23.895, minY: 54.875, maxX: 23.945, maxY: 54.905), in: try MapCRS("EPSG:3857"))!
        let wm = try render("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=EPSG:3857&BBOX=\(merc.minX),\(merc.minY),\(merc.maxX),\(merc.maxY)&WIDTH=200&HEIGHT=200&FORMAT=image/png&TRANSPARENT=TRUE&LAYERS=districts")
        #expect(wm.opaquePixelCount > 300)
        // Outside the data: an empty map, not an error.
        let empty = try render(Self.map.replacingOccurrences(of: Fixture.bbox130, with: "10,10,11,11") + "&LAYERS=districts,reports&TRANSPARENT=TRUE")
        #expect(empty.opaquePixelCount == 0)
    }

    @Test func lithuanianLettersHaveGlyphsInDejaVuSans() throws {
        // The font as the renderer gets it: through a context on an image surface (cairo resolves
        // a toy face once, with the options of its first use, so a test must not resolve it otherwise).
        let canvas = Canvas(width: 1, height: 1)
        cairo_select_font_face(canvas.context, Palette.fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(canvas.context, 12)
        let font = cairo_get_scaled_font(canvas.context)
        let text = "ĄČĘĖĮŠŲŪŽąčęėįšųūž"
        var glyphs: UnsafeMutablePointer<cairo_glyph_t>? = nil
        var count: Int32 = 0
        let status = cairo_scaled_font_text_to_glyphs(font, 0, 0, text, -1, &glyphs, &count, nil, nil, nil)
        defer { cairo_glyph_free(glyphs) }
        #expect(status == CAIRO_STATUS_SUCCESS && count == 18)
        // Glyph 0 is .notdef, the empty box a font draws for letters it lacks.
        #expect((0..<Int(count)).allSatisfy { glyphs![$0].index != 0 })
    }

    func info(_ format: String, x: Int, y: Int, layers: String = "districts,reports", query: String = "reports", extra: String = "") -> WMSResponse {
        Fixture.handle(Self.map.replacingOccurrences(of: "REQUEST=GetMap", with: "REQUEST=GetFeatureInfo")
                       + "&LAYERS=\(layers)&QUERY_LAYERS=\(query)&INFO_FORMAT=\(format)&I=\(x)&J=\(y)\(extra)")
    }

    /// The pixel of a lon/lat in `map`'s 320 × 192 image.
    func pixel(_ lon: Double, _ lat: Double) -> (Int, Int) {
        (Int((lon - 23.895) / 0.05 * 320), Int((54.905 - lat) / 0.03 * 192))
    }

    @Test func featureInfoFindsTheReportUnderThePixel() throws {
        let target = Fixture.points[17]
        let (x, y) = pixel(target.lon, target.lat)
        let json = info("application/json", x: x, y: y, extra: "&FEATURE_COUNT=50")
        #expect(json.contentType.hasPrefix("application/json"))
        let object = try #require(try JSONSerialization.jsonObject(with: json.body) as? [String: Any])
        let features = try #require(object["features"] as? [[String: Any]])
        let ids = features.compactMap { ($0["properties"] as? [String: Any])?["report_id"] as? Int }
        #expect(ids.contains(17 + 1))
        // The default FEATURE_COUNT is 1.
        let one = try JSONSerialization.jsonObject(with: info("application/json", x: x, y: y).body) as? [String: Any]
        #expect((one?["features"] as? [Any])?.count == 1)
        let text = String(decoding: info("text/plain", x: x, y: y).body, as: UTF8.self)
        #expect(text.contains("report_id") && text.contains("Layer 'reports'"))
        let html = String(decoding: info("text/html", x: x, y: y).body, as: UTF8.self)
        #expect(html.contains("<table>") && html.contains("service_code"))
        // Far from every report: nothing.
        let none = try JSONSerialization.jsonObject(with: info("application/json", x: 2, y: 2).body) as? [String: Any]
        #expect((none?["features"] as? [Any])?.isEmpty == true)
    }

    @Test func featureInfoOfDistrictsAndDensityCounts() throws {
        let (x, y) = pixel(23.905, 54.89)
        let body = info("application/json", x: x, y: y, layers: "districts,district-density", query: "districts,district-density").body
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let properties = (object["features"] as? [[String: Any]])?.compactMap { $0["properties"] as? [String: Any] } ?? []
        #expect(properties.first { $0["layer"] as? String == "districts" }?["name"] as? String == "Šančiai")
        let density = try #require(properties.first { $0["layer"] as? String == "district-density" })
        let expected = Fixture.points.filter { $0.district == 0 }.count
        #expect(density["reports"] as? Int == expected)
        // Filtered by TIME: the first day has 24 reports (one per hour), in both districts.
        let day = info("application/json", x: x, y: y, layers: "district-density", query: "district-density", extra: "&TIME=2015-01-01").body
        let dayProps = ((try JSONSerialization.jsonObject(with: day) as? [String: Any])?["features"] as? [[String: Any]])?.first?["properties"] as? [String: Any]
        #expect(dayProps?["reports"] as? Int == Fixture.points.prefix(24).filter { $0.district == 0 }.count)
    }

    @Test func legendGraphic() throws {
        for layer in LayerCatalogue.standard.names {
            let response = Fixture.handle("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=\(layer)&FORMAT=image/png&SLD_VERSION=1.1.0")
            let image = try #require(Pixels(png: response.body), "\(layer)")
            #expect(image.width > 16 && image.height >= 20)
        }
        let bad = Fixture.handle("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=nothing&FORMAT=image/png")
        #expect(String(decoding: bad.body, as: UTF8.self).contains("LayerNotDefined"))
    }
}
