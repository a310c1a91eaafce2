import Foundation
import Geo
import Testing
@testable import Maps

@Suite struct WMSRequestTests {
    @Test func parameterNamesAreCaseInsensitiveAndValuesDecoded() {
        let p = WMSParameters(query: "ReQuEsT=GetMap&layers=a%2Cb&TITLE=two+words&x=1&X=2&unknown=whatever")
        #expect(p["REQUEST"] == "GetMap")
        #expect(p["Layers"] == "a,b")
        #expect(p["title"] == "two words")
        #expect(p["X"] == "1", "the first of repeated names wins")
        #expect(p["MISSING"] == nil)
    }

    @Test func versionNegotiation() {
        #expect(WMSVersion.negotiate(nil) == .v130)
        #expect(WMSVersion.negotiate("1.3.0") == .v130)
        #expect(WMSVersion.negotiate("1.1.1") == .v111)
        #expect(WMSVersion.negotiate("100.0.0") == .v130)
        #expect(WMSVersion.negotiate("1.2.0") == .v111)
        #expect(WMSVersion.negotiate("0.0.0") == .v111)
        #expect(WMSVersion.negotiate("1.1.0") == .v111)
    }

    func parse(_ query: String, _ version: WMSVersion) throws -> GetMapRequest {
        try GetMapRequest(WMSParameters(query: query), version: version, settings: WMSSettings(), catalogue: .standard)
    }

    @Test func axisOrderFollowsVersionAndCRS() throws {
        let base = "LAYERS=reports&STYLES=&WIDTH=100&HEIGHT=50&FORMAT=image/png"
        // 1.3.0 EPSG:4326 is latitude first; the viewport is always longitude first.
        let v130 = try parse(base + "&CRS=EPSG:4326&BBOX=54.0,23.0,55.0,25.0", .v130)
        #expect(v130.map.viewport.box == BoundingBox(minX: 23, minY: 54, maxX: 25, maxY: 55))
        // 1.1.1 EPSG:4326 is longitude first.
        let v111 = try parse(base + "&SRS=EPSG:4326&BBOX=23.0,54.0,25.0,55.0", .v111)
        #expect(v111.map.viewport.box == v130.map.viewport.box)
        // CRS:84 is longitude first in 1.3.0 too.
        let crs84 = try parse(base + "&CRS=CRS:84&BBOX=23.0,54.0,25.0,55.0", .v130)
        #expect(crs84.map.viewport.box == v130.map.viewport.box)
        // EPSG:3346 (LKS94) is northing, easting in EPSG: swapped in 1.3.0, not in 1.1.1.
        let lks130 = try parse(base + "&CRS=EPSG:3346&BBOX=6080000,480000,6100000,520000", .v130)
        #expect(lks130.map.viewport.box == BoundingBox(minX: 480000, minY: 6080000, maxX: 520000, maxY: 6100000))
        let lks111 = try parse(base + "&SRS=EPSG:3346&BBOX=480000,6080000,520000,6100000", .v111)
        #expect(lks111.map.viewport.box == lks130.map.viewport.box)
        // Web Mercator is easting first everywhere.
        let merc = try parse(base + "&CRS=EPSG:3857&BBOX=1,2,3,4", .v130)
        #expect(merc.map.viewport.box == BoundingBox(minX: 1, minY: 2, maxX: 3, maxY: 4))
    }

    @Test func crsIsAdvertisedOnlyAndExtrasAreConfigurable() throws {
        let query = "LAYERS=reports&STYLES=&WIDTH=10&HEIGHT=10&FORMAT=image/png&CRS=EPSG:32634&BBOX=1,2,3,4"
        #expect(throws: WMSError.self) { try parse(query, .v130) }
        let withExtra = try GetMapRequest(WMSParameters(query: query), version: .v130, settings: WMSSettings(extraEPSGCodes: [32634]), catalogue: .standard)
        #expect(withExtra.map.viewport.crs.identifier == "EPSG:32634")
    }

    @Test func bboxIsTheOuterPixelEdgesAndNonSquarePixelsStretch() throws {
        let viewport = Viewport(crs: try MapCRS("CRS:84"), box: BoundingBox(minX: 0, minY: 0, maxX: 20, maxY: 10), width: 100, height: 100)
        #expect(viewport.pixel(Coordinate(0, 10)) == (0, 0))
        #expect(viewport.pixel(Coordinate(20, 0)) == (100, 100))
        // x is squeezed (0.2 units per pixel), y stretched (0.1 units per pixel).
        #expect(viewport.pixel(Coordinate(10, 5)) == (50, 50))
        #expect(viewport.resolution.x == 0.2 && viewport.resolution.y == 0.1)
    }

    @Test func stylesListsAndFilters() throws {
        let base = "WIDTH=10&HEIGHT=10&FORMAT=image/png&CRS=CRS:84&BBOX=1,2,3,4"
        let two = try parse(base + "&LAYERS=districts,reports&STYLES=outline,", .v130)
        #expect(two.map.layers == [.init(name: "districts", style: "outline"), .init(name: "reports", style: "")])
        let defaults = try parse(base + "&LAYERS=districts,reports&STYLES=,", .v130)
        #expect(defaults.map.layers.map(\.style) == ["", ""])
        let filtered = try parse(base + "&LAYERS=reports&SERVICE_CODE=pothole,tree&STATUS=open&TIME=2015-03", .v130)
        #expect(filtered.map.query.serviceCodes == ["pothole", "tree"])
        #expect(filtered.map.query.statuses == ["open"])
        #expect(filtered.map.query.time == TimeWindow(since: 1_425_168_000_000, until: 1_427_846_400_000))
        let opaque = try parse(base + "&LAYERS=reports&TRANSPARENT=TRUE&BGCOLOR=0x00FF00", .v130)
        #expect(opaque.map.transparent && opaque.map.background == Colour(rgb: 0x00FF00))
    }

    @Test func timeValues() throws {
        #expect(try TimeWindow.parse("2015-03-05") == TimeWindow(since: 1_425_513_600_000, until: 1_425_600_000_000))
        #expect(try TimeWindow.parse("2015-03-05T10:00:00Z") == TimeWindow(since: 1_425_549_600_000, until: 1_425_549_601_000))
        #expect(try TimeWindow.parse("2015-03-05T12:00+02:00") == TimeWindow(since: 1_425_549_600_000, until: 1_425_549_660_000))
        #expect(try TimeWindow.parse("2015-01-01/2015-01-31") == TimeWindow(since: 1_420_070_400_000, until: 1_422_748_800_000))
        #expect(try TimeWindow.parse("2015-01-01/2015-01-31/P1D") == TimeWindow(since: 1_420_070_400_000, until: 1_422_748_800_000))
        #expect(try TimeWindow.parse("2015/..") == TimeWindow(since: 1_420_070_400_000, until: nil))
        #expect(try TimeWindow.parse("2015").until == 1_451_606_400_000)
        for bad in ["yesterday", "2015-13", "2015-02-30", "2015-01-01/2014-01-01", "2015-01-01/2015-02-01/xyz", "2015,2016"] {
            #expect(throws: WMSError.self, "\(bad)") { try TimeWindow.parse(bad) }
        }
        do { _ = try TimeWindow.parse(""); Issue.record("empty TIME accepted") } catch { #expect(error.code == .missingDimensionValue) }
    }
}
