import Foundation
import Geo

/// The capabilities documents: WMS 1.3.0 `WMS_Capabilities` (namespace http://www.opengis.net/wms)
/// and WMS 1.1.1 `WMT_MS_Capabilities` (DTD), elements in the order their schema and DTD require.
struct Capabilities {
    let settings: WMSSettings
    let catalogue: LayerCatalogue
    let renderer: MapRenderer
    /// The URL prefix of every operation, ending in `?` or `&`.
    let onlineResource: String
    let updateSequence: String
    /// Lon/lat extent of the data.
    let extent: BoundingBox
    /// First and last report times (ms), when there are reports.
    let timeExtent: (Int64, Int64)?
    let data: MapData

    func document(_ version: WMSVersion) -> String {
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let url = XML.escape(onlineResource)
        let get = "<DCPType><HTTP><Get><OnlineResource xlink:type=\"simple\" xlink:href=\"\(url)\"/></Get></HTTP></DCPType>"
        let imageFormats = ImageFormat.allCases.map { "<Format>\($0.mimeType)</Format>" }.joined()
        let infoFormats = FeatureInfoFormat.allCases.map { "<Format>\($0.rawValue)</Format>" }.joined()
        let sequence = XML.escape(updateSequence)
        switch version {
        case .v130:
            x += """
            <WMS_Capabilities version="1.3.0" updateSequence="\(sequence)" xmlns="http://www.opengis.net/wms" \
            xmlns:sld="http://www.opengis.net/sld" xmlns:xlink="http://www.w3.org/1999/xlink" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
            xsi:schemaLocation="http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd \
            http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd">
            <Service><Name>WMS</Name><Title>\(XML.escape(settings.title))</Title><Abstract>\(XML.escape(settings.abstract))</Abstract>
            <KeywordList><Keyword>city</Keyword><Keyword>reports</Keyword><Keyword>districts</Keyword><Keyword>Open311</Keyword></KeywordList>
            <OnlineResource xlink:type="simple" xlink:href="\(url)"/>
            <Fees>none</Fees><AccessConstraints>none</AccessConstraints>
            <LayerLimit>\(settings.layerLimit)</LayerLimit><MaxWidth>\(settings.maxWidth)</MaxWidth><MaxHeight>\(settings.maxHeight)</MaxHeight></Service>
            <Capability><Request>
            <GetCapabilities><Format>text/xml</Format>\(get)</GetCapabilities>
            <GetMap>\(imageFormats)\(get)</GetMap>
            <GetFeatureInfo>\(infoFormats)\(get)</GetFeatureInfo>
            <sld:GetLegendGraphic>\(imageFormats)\(get)</sld:GetLegendGraphic>
            </Request>
            <Exception><Format>XML</Format><Format>INIMAGE</Format><Format>BLANK</Format></Exception>
            \(layers(version))</Capability></WMS_Capabilities>

            """
        case .v111:
            x += """
            <!DOCTYPE WMT_MS_Capabilities SYSTEM "http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd">
            <WMT_MS_Capabilities version="1.1.1" updateSequence="\(sequence)" xmlns:xlink="http://www.w3.org/1999/xlink">
            <Service><Name>OGC:WMS</Name><Title>\(XML.escape(settings.title))</Title><Abstract>\(XML.escape(settings.abstract))</Abstract>
            <KeywordList><Keyword>city</Keyword><Keyword>reports</Keyword><Keyword>districts</Keyword><Keyword>Open311</Keyword></KeywordList>
            <OnlineResource xlink:type="simple" xlink:href="\(url)"/>
            <Fees>none</Fees><AccessConstraints>none</AccessConstraints></Service>
            <Capability><Request>
            <GetCapabilities><Format>application/vnd.ogc.wms_xml</Format>\(get)</GetCapabilities>
            <GetMap>\(imageFormats)\(get)</GetMap>
            <GetFeatureInfo>\(infoFormats)\(get)</GetFeatureInfo>
            <GetLegendGraphic>\(imageFormats)\(get)</GetLegendGraphic>
            </Request>
            <Exception><Format>application/vnd.ogc.se_xml</Format><Format>application/vnd.ogc.se_inimage</Format><Format>application/vnd.ogc.se_blank</Format></Exception>
            \(layers(version))</Capability></WMT_MS_Capabilities>

            """
        }
        return x
    }

    /// The root layer (every CRS, the extent and its boxes) holding one named layer per catalogue entry.
    func layers(_ version: WMSVersion) -> String {
        let crsTag = version == .v130 ? "CRS" : "SRS"
        var x = "<Layer><Title>\(XML.escape(settings.title))</Title><Abstract>\(XML.escape(settings.abstract))</Abstract>\n"
        if version == .v111 {
            x += "<\(crsTag)>\(settings.crsIdentifiers.joined(separator: " "))</\(crsTag)>\n"
        } else {
            for id in settings.crsIdentifiers { x += "<CRS>\(id)</CRS>" }
            x += "\n"
        }
        x += geographicBox(version) + boundingBoxes(version)
        for layer in catalogue.layers {
            x += "<Layer queryable=\"\(layer.queryable ? 1 : 0)\" opaque=\"0\"><Name>\(layer.name)</Name><Title>\(XML.escape(layer.title))</Title>"
            x += "<Abstract>\(XML.escape(layer.abstract))</Abstract>"
            if layer.showsReports, let (first, last) = timeExtent {
                let extentText = "\(TimeWindow.iso(first))/\(TimeWindow.iso(last))/PT1S"
                let defaultText = "\(TimeWindow.iso(first))/\(TimeWindow.iso(last))"
                if version == .v130 {
                    x += "<Dimension name=\"time\" units=\"ISO8601\" default=\"\(defaultText)\" nearestValue=\"0\" current=\"1\">\(extentText)</Dimension>"
                } else {
                    x += "<Dimension name=\"time\" units=\"ISO8601\"/><Extent name=\"time\" default=\"\(defaultText)\" nearestValue=\"0\">\(extentText)</Extent>"
                }
            }
            for style in layer.styles {
                let legendQuery = "SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=\(version.rawValue)&FORMAT=image/png&LAYER=\(layer.name)&STYLE=\(style.name)&SLD_VERSION=1.1.0"
                let size = renderer.legendSize(layer.legend(data, query: .all, style: style), symbol: 16)
                x += "<Style><Name>\(style.name)</Name><Title>\(XML.escape(style.title))</Title>"
                x += "<LegendURL width=\"\(size.width)\" height=\"\(size.height)\"><Format>image/png</Format>"
                x += "<OnlineResource xlink:type=\"simple\" xlink:href=\"\(XML.escape(onlineResource + legendQuery))\"/></LegendURL></Style>"
            }
            x += "</Layer>\n"
        }
        return x + "</Layer>\n"
    }

    func geographicBox(_ version: WMSVersion) -> String {
        let e = extent
        if version == .v130 {
            return "<EX_GeographicBoundingBox><westBoundLongitude>\(e.minX)</westBoundLongitude><eastBoundLongitude>\(e.maxX)</eastBoundLongitude>"
                + "<southBoundLatitude>\(e.minY)</southBoundLatitude><northBoundLatitude>\(e.maxY)</northBoundLatitude></EX_GeographicBoundingBox>\n"
        }
        return "<LatLonBoundingBox minx=\"\(e.minX)\" miny=\"\(e.minY)\" maxx=\"\(e.maxX)\" maxy=\"\(e.maxY)\"/>\n"
    }

    /// One BoundingBox per CRS, in WMS 1.3.0 in the CRS's axis order.
    func boundingBoxes(_ version: WMSVersion) -> String {
        var x = ""
        for id in settings.crsIdentifiers {
            guard let crs = try? MapCRS(id), let box = Self.box(extent, in: crs) else { continue }
            let swap = version == .v130 && crs.northingFirst
            let (minx, miny, maxx, maxy) = swap ? (box.minY, box.minX, box.maxY, box.maxX) : (box.minX, box.minY, box.maxX, box.maxY)
            let tag = version == .v130 ? "CRS" : "SRS"
            x += "<BoundingBox \(tag)=\"\(id)\" minx=\"\(minx)\" miny=\"\(miny)\" maxx=\"\(maxx)\" maxy=\"\(maxy)\"/>"
        }
        return x + "\n"
    }

    /// A lon/lat box in another CRS: the box around its edges, transformed.
    static func box(_ lonLat: BoundingBox, in crs: MapCRS) -> BoundingBox? {
        guard let projector = try? Projector(crs) else { return nil }
        var samples: [Coordinate] = []
        for i in 0...8 {
            let t = Double(i) / 8
            samples += [Coordinate(lonLat.minX + t * lonLat.width, lonLat.minY), Coordinate(lonLat.minX + t * lonLat.width, lonLat.maxY),
                        Coordinate(lonLat.minX, lonLat.minY + t * lonLat.height), Coordinate(lonLat.maxX, lonLat.minY + t * lonLat.height)]
        }
        projector.forward(&samples)
        var box = BoundingBox.empty
        for s in samples where s.x.isFinite && s.y.isFinite { box.expand(toInclude: s) }
        return box.isEmpty ? nil : box
    }
}
