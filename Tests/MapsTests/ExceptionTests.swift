import Foundation
import Testing
@testable import Maps

/// Every exception code the issue lists, in both versions' forms.
@Suite struct ExceptionTests {
    static let map130 = "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=districts,reports&STYLES=&CRS=EPSG:4326&BBOX=\(Fixture.bbox130)&WIDTH=200&HEIGHT=120&FORMAT=image/png"
    static let map111 = "SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=districts,reports&STYLES=&SRS=EPSG:4326&BBOX=\(Fixture.bbox111)&WIDTH=200&HEIGHT=120&FORMAT=image/png"
    static let info130 = map130.replacingOccurrences(of: "REQUEST=GetMap", with: "REQUEST=GetFeatureInfo") + "&QUERY_LAYERS=reports&INFO_FORMAT=text/plain&I=10&J=10"

    /// The exception's code, after checking the report's form for `version`.
    func code(_ response: WMSResponse, _ version: WMSVersion = .v130, sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
        let document = try xml(response.body)
        let root = try #require(document.rootElement(), sourceLocation: sourceLocation)
        #expect(root.name == "ServiceExceptionReport", sourceLocation: sourceLocation)
        #expect(root.attribute(forName: "version")?.stringValue == version.rawValue, sourceLocation: sourceLocation)
        if version == .v130 {
            #expect(response.contentType == "text/xml", sourceLocation: sourceLocation)
            #expect(root.uri == "http://www.opengis.net/ogc", sourceLocation: sourceLocation)
        } else {
            #expect(response.contentType == "application/vnd.ogc.se_xml", sourceLocation: sourceLocation)
            #expect(root.uri == nil || root.uri == "", sourceLocation: sourceLocation)
        }
        return root.first("ServiceException")?.attribute(forName: "code")?.stringValue
    }

    func replacing(_ query: String, _ name: String, _ value: String) -> String {
        query.split(separator: "&").map { $0.hasPrefix(name + "=") ? "\(name)=\(value)" : String($0) }.joined(separator: "&")
    }

    @Test func everyCode() throws {
        let m = Self.map130, i = Self.info130
        let cases: [(String, String)] = [
            (replacing(m, "FORMAT", "image/gif"), "InvalidFormat"),
            (replacing(m, "CRS", "EPSG:9999"), "InvalidCRS"),
            (replacing(m, "LAYERS", "districts,nothing"), "LayerNotDefined"),
            (replacing(m, "LAYERS", "nothing"), "LayerNotDefined"),
            (replacing(m, "STYLES", "outline,fancy"), "StyleNotDefined"),
            (replacing(m, "STYLES", "fancy,"), "StyleNotDefined"),
            (replacing(replacing(i, "LAYERS", "districts,heatmap"), "QUERY_LAYERS", "heatmap"), "LayerNotQueryable"),
            (replacing(i, "QUERY_LAYERS", "clusters"), "LayerNotDefined"),
            (replacing(i, "I", "200"), "InvalidPoint"),
            (replacing(i, "J", "-1"), "InvalidPoint"),
            (replacing(i, "I", "abc"), "InvalidPoint"),
            (replacing(i, "INFO_FORMAT", "application/x-nothing"), "InvalidFormat"),
            ("SERVICE=WMS&REQUEST=GetCapabilities&UPDATESEQUENCE=7", "CurrentUpdateSequence"),
            ("SERVICE=WMS&REQUEST=GetCapabilities&UPDATESEQUENCE=8", "InvalidUpdateSequence"),
            (m + "&TIME=", "MissingDimensionValue"),
            (m + "&TIME=last-tuesday", "InvalidDimensionValue"),
            (m + "&TIME=2015-06-01/2015-01-01", "InvalidDimensionValue"),
            ("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetStyles", "OperationNotSupported"),
            (replacing(m, "BBOX", ""), "MissingParameterValue"),
            (m.replacingOccurrences(of: "&WIDTH=200", with: ""), "MissingParameterValue"),
            (m.replacingOccurrences(of: "VERSION=1.3.0&", with: ""), "MissingParameterValue"),
            ("SERVICE=WMS&VERSION=1.3.0", "MissingParameterValue"),
            (replacing(m, "BBOX", "54.9,23.9,54.9,23.95"), "InvalidParameterValue"),
            (replacing(m, "BBOX", "54.9,23.95,54.8,23.9"), "InvalidParameterValue"),
            (replacing(m, "WIDTH", "4097"), "InvalidParameterValue"),
            (replacing(m, "LAYERS", "districts,reports,clusters,heatmap,district-density,reports"), "InvalidParameterValue"),
            (m + "&STATUS=lost", "InvalidParameterValue"),
        ]
        for (query, expected) in cases {
            let response = Fixture.handle(query)
            #expect(response.status == 200, "\(query)")
            #expect(try code(response) == expected, "\(query)")
        }
        // The server's current update sequence and a lower one give full capabilities.
        #expect(Fixture.handle("SERVICE=WMS&REQUEST=GetCapabilities&UPDATESEQUENCE=6").contentType.hasPrefix("text/xml"))
    }

    @Test func version111FormAndInvalidSRS() throws {
        let response = Fixture.handle(replacing(Self.map111, "SRS", "EPSG:9999"))
        #expect(try code(response, .v111) == "InvalidSRS")
        #expect(String(decoding: response.body, as: UTF8.self).contains("exception_1_1_1.dtd"))
        #expect(try code(Fixture.handle(replacing(Self.map111, "LAYERS", "nope")), .v111) == "LayerNotDefined")
        // 1.1.1 says X and Y, not I and J.
        let info = Self.map111.replacingOccurrences(of: "REQUEST=GetMap", with: "REQUEST=GetFeatureInfo") + "&QUERY_LAYERS=reports&INFO_FORMAT=text/plain&X=500&Y=10"
        #expect(try code(Fixture.handle(info), .v111) == "InvalidPoint")
    }

    @Test func inImageAndBlank() throws {
        let bad = replacing(Self.map130, "LAYERS", "nothing")
        let inImage = Fixture.handle(bad + "&EXCEPTIONS=INIMAGE")
        #expect(inImage.contentType == "image/png")
        let drawn = try #require(Pixels(png: inImage.body))
        #expect(drawn.width == 200 && drawn.height == 120)
        // Some pixels carry the message (not all white).
        #expect(drawn.rgba.enumerated().contains { $0.offset % 4 != 3 && $0.element < 200 })

        let red = try #require(Pixels(png: Fixture.handle(bad + "&EXCEPTIONS=BLANK&BGCOLOR=0xFF0000").body))
        #expect((0..<red.height).allSatisfy { y in (0..<red.width).allSatisfy { x in red.pixel(x, y) == (255, 0, 0, 255) } })

        let clear = try #require(Pixels(png: Fixture.handle(bad + "&EXCEPTIONS=BLANK&TRANSPARENT=TRUE").body))
        #expect(clear.opaquePixelCount == 0)

        let jpeg = Fixture.handle(replacing(bad, "FORMAT", "image/jpeg") + "&EXCEPTIONS=BLANK")
        #expect(jpeg.contentType == "image/jpeg" && jpeg.body.prefix(2) == Data([0xFF, 0xD8]))
        // 1.1.1 spelling of the same.
        let v111 = Fixture.handle(replacing(Self.map111, "LAYERS", "nothing") + "&EXCEPTIONS=application/vnd.ogc.se_blank")
        #expect(v111.contentType == "image/png")
    }
}

/// Requests built to hurt: each must answer with an image or an exception report, never crash.
@Suite struct HostileRequestTests {
    @Test func extremeValuesAnswerCleanly() throws {
        let base = "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=districts,district-density,heatmap,clusters,reports&STYLES=&WIDTH=64&HEIGHT=64&FORMAT=image/png"
        let boxes = [
            "CRS=EPSG:3857&BBOX=-1e308,-1e308,1e308,1e308", "CRS=EPSG:3857&BBOX=0,0,1e-300,1e-300",
            "CRS=EPSG:4326&BBOX=-1000,-1000,1000,1000", "CRS=CRS:84&BBOX=23.9,54.88,23.9000000001,54.8800000001",
            "CRS=EPSG:3346&BBOX=-1e9,-1e9,1e9,1e9", "CRS=EPSG:3346&BBOX=6080000,480000,6080000.001,480000.001",
            "CRS=EPSG:4326&BBOX=nan,1,2,3", "CRS=EPSG:4326&BBOX=1,2,inf,4", "CRS=EPSG:4326&BBOX=1,2,3", "CRS=EPSG:4326&BBOX=,,,",
        ]
        for box in boxes {
            for extra in ["", "&TIME=0001-01-01/9999-12-31", "&TIME=2015-01-01T00:00:00.123456789+14:00", "&TIME=2015-01-01T25:00Z",
                          "&TIME=2015-01-01T10:00+99:99", "&SERVICE_CODE=" + String(repeating: "x,", count: 500), "&FORMAT=image/svg%2Bxml"] {
                let response = Fixture.handle(base + "&" + box + extra)
                let isImage = response.contentType.hasPrefix("image/") && !response.body.isEmpty
                let isException = String(decoding: response.body, as: UTF8.self).contains("ServiceExceptionReport")
                #expect(isImage || isException, "\(box)\(extra)")
            }
        }
        for info in ["&I=2147483648&J=0", "&I=-0&J=0", "&I=0&J=0&FEATURE_COUNT=99999999999999999999", "&I=0&J=0&FEATURE_COUNT=-5"] {
            let response = Fixture.handle(base.replacingOccurrences(of: "GetMap", with: "GetFeatureInfo")
                                          + "&CRS=EPSG:4326&BBOX=\(Fixture.bbox130)&QUERY_LAYERS=reports&INFO_FORMAT=text/html" + info)
            #expect(response.status == 200, "\(info)")
        }
        let legend = Fixture.handle("REQUEST=GetLegendGraphic&LAYER=reports&FORMAT=image/jpeg&WIDTH=99999")
        #expect(String(decoding: legend.body, as: UTF8.self).contains("InvalidParameterValue"))
    }
}
