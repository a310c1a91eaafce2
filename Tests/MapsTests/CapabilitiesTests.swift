import Foundation
import Testing
@testable import Maps

/// The element structure of the capabilities (the OGC schemas are not available offline).
@Suite struct CapabilitiesTests {
    @Test func version130Structure() throws {
        let response = Fixture.handle("service=WMS&request=GetCapabilities&version=1.3.0&extra=ignored")
        #expect(response.contentType.hasPrefix("text/xml"))
        let root = try #require(try xml(response.body).rootElement())
        #expect(root.name == "WMS_Capabilities" && root.uri == "http://www.opengis.net/wms")
        #expect(root.attribute(forName: "version")?.stringValue == "1.3.0")
        #expect(root.attribute(forName: "updateSequence")?.stringValue == "7")
        let service = try #require(root.first("Service"))
        #expect(service.first("Name")?.stringValue == "WMS")
        #expect(service.first("MaxWidth")?.stringValue == "4096" && service.first("MaxHeight")?.stringValue == "4096")
        #expect(service.first("LayerLimit")?.stringValue == "5")
        #expect(service.first("Abstract")?.stringValue?.contains("SERVICE_CODE") == true)
        #expect(service.first("Abstract")?.stringValue?.contains("STATUS") == true)
        // The Service children in the schema's order.
        #expect(service.elements.map(\.name) ==
                ["Name", "Title", "Abstract", "KeywordList", "OnlineResource", "Fees", "AccessConstraints", "LayerLimit", "MaxWidth", "MaxHeight"])
        let request = try #require(root.first("Request"))
        #expect(request.elements.map(\.name) == ["GetCapabilities", "GetMap", "GetFeatureInfo", "GetLegendGraphic"])
        #expect(request.first("GetMap")?.all("Format").compactMap(\.stringValue) == ["image/png", "image/jpeg", "image/svg+xml", "application/pdf"])
        #expect(request.first("GetFeatureInfo")?.all("Format").compactMap(\.stringValue) == ["text/plain", "text/html", "application/json"])
        #expect(root.first("Exception")?.all("Format").compactMap(\.stringValue) == ["XML", "INIMAGE", "BLANK"])

        let top = try #require(root.first("Capability")?.elements.first { $0.name == "Layer" })
        #expect(!top.elements.contains { $0.name == "Name" })
        let crs = top.elements.filter { $0.name == "CRS" }.compactMap(\.stringValue)
        #expect(crs == ["CRS:84", "EPSG:4326", "EPSG:3857", "EPSG:3346"])
        let geo = try #require(top.first("EX_GeographicBoundingBox"))
        let west = Double(geo.first("westBoundLongitude")!.stringValue!)!, east = Double(geo.first("eastBoundLongitude")!.stringValue!)!
        let south = Double(geo.first("southBoundLatitude")!.stringValue!)!, north = Double(geo.first("northBoundLatitude")!.stringValue!)!
        func near(_ a: [Double], _ b: [Double]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 } }
        #expect(near([west, east, south, north], [23.90, 23.94, 54.88, 54.90]))
        // One BoundingBox per CRS; EPSG:4326 latitude first, CRS:84 longitude first.
        let boxes = top.elements.filter { $0.name == "BoundingBox" } ?? []
        #expect(boxes.compactMap { $0.attribute(forName: "CRS")?.stringValue } == crs)
        func box(_ id: String) -> [Double] {
            let b = boxes.first { $0.attribute(forName: "CRS")?.stringValue == id }!
            return ["minx", "miny", "maxx", "maxy"].map { Double(b.attribute(forName: $0)!.stringValue!)! }
        }
        #expect(near(box("EPSG:4326"), [54.88, 23.90, 54.90, 23.94]))
        #expect(near(box("CRS:84"), [23.90, 54.88, 23.94, 54.90]))
        let lks = box("EPSG:3346")  // northing first: northings (~6.08e6) before eastings (~4.9e5)
        #expect(lks[0] > 6_000_000 && lks[1] < 1_000_000)

        let named = top.elements.filter { $0.name == "Layer" } ?? []
        #expect(named.compactMap { $0.first("Name")?.stringValue } == ["districts", "district-density", "heatmap", "clusters", "reports", "plans", "plan-comments",
                                                                                   "petition-signatures"])
        for layer in named {
            let name = layer.first("Name")!.stringValue!
            #expect(layer.attribute(forName: "queryable")?.stringValue == (name == "heatmap" ? "0" : "1"))
            let dimension = layer.all("Dimension").first
            if ["districts", "plans", "plan-comments", "petition-signatures"].contains(name) {
                #expect(dimension == nil)  // no reports, so no TIME
            } else {
                #expect(dimension?.attribute(forName: "name")?.stringValue == "time")
                #expect(dimension?.attribute(forName: "units")?.stringValue == "ISO8601")
                #expect(dimension?.stringValue?.hasPrefix("2015-01-01T00:00:00Z/2015-01-13T11:00:00Z/PT1S") == true)
            }
            let styles = layer.all("Style")
            #expect(!styles.isEmpty)
            for style in styles {
                let legend = try #require(style.first("LegendURL"))
                let href = try #require(legend.first("OnlineResource")?.attribute(forName: "xlink:href")?.stringValue)
                #expect(href.hasPrefix("http://example.test/wms?") && href.contains("REQUEST=GetLegendGraphic"))
                // The advertised size is the size the legend comes in.
                let query = String(href.split(separator: "?", maxSplits: 1)[1])
                let image = try #require(Pixels(png: Fixture.handle(query).body))
                #expect(legend.attribute(forName: "width")?.stringValue == String(image.width))
                #expect(legend.attribute(forName: "height")?.stringValue == String(image.height))
            }
        }
    }

    @Test func version111Structure() throws {
        let response = Fixture.handle("SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1")
        #expect(response.contentType.hasPrefix("application/vnd.ogc.wms_xml"))
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text.contains("<!DOCTYPE WMT_MS_Capabilities SYSTEM \"http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd\">"))
        let root = try #require(try xml(response.body).rootElement())
        #expect(root.name == "WMT_MS_Capabilities" && root.attribute(forName: "version")?.stringValue == "1.1.1")
        #expect(root.first("Service")?.first("Name")?.stringValue == "OGC:WMS")
        #expect(root.first("Exception")?.all("Format").compactMap(\.stringValue).first == "application/vnd.ogc.se_xml")
        let top = try #require(root.first("Capability")?.first("Layer"))
        #expect(top.first("SRS")?.stringValue == "CRS:84 EPSG:4326 EPSG:3857 EPSG:3346")
        let lat = try #require(top.first("LatLonBoundingBox"))
        #expect(lat.attribute(forName: "minx")?.stringValue == "23.9" && lat.attribute(forName: "miny")?.stringValue == "54.88")
        // 1.1.1 boxes are longitude first even for EPSG:4326.
        let box4326 = top.all("BoundingBox").first { $0.attribute(forName: "SRS")?.stringValue == "EPSG:4326" }
        #expect(box4326?.attribute(forName: "minx")?.stringValue == "23.9")
        let reports = try #require(top.all("Layer").first { $0.first("Name")?.stringValue == "reports" })
        #expect(reports.first("Dimension")?.attribute(forName: "name")?.stringValue == "time")
        #expect(reports.first("Extent")?.attribute(forName: "default")?.stringValue?.hasPrefix("2015-01-01T00:00:00Z/") == true)
        // The 1.1.1 DTD has no LayerLimit or MaxWidth.
        #expect(!text.contains("LayerLimit"))
    }

    @Test func negotiatedWithoutVersionIs130AndLowVersionIs111() throws {
        #expect(try xml(Fixture.handle("SERVICE=WMS&REQUEST=GetCapabilities").body).rootElement()?.name == "WMS_Capabilities")
        #expect(try xml(Fixture.handle("SERVICE=WMS&REQUEST=GetCapabilities&VERSION=0.0.0").body).rootElement()?.name == "WMT_MS_Capabilities")
        #expect(try xml(Fixture.handle("SERVICE=WMS&REQUEST=GetCapabilities&VERSION=100.0.0").body).rootElement()?.name == "WMS_Capabilities")
    }
}
