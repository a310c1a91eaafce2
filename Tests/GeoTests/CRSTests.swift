import Testing
@testable import Geo

@Suite struct CRSTests {
    @Test(arguments: ["EPSG:4326", "epsg:4326", "4326", "CRS:84", "OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84",
                      "urn:ogc:def:crs:EPSG::4326", "http://www.opengis.net/def/crs/EPSG/0/4326"])
    func spellingsOfWGS84(_ text: String) throws {
        #expect(try CRS(text) == .wgs84)
    }

    @Test(arguments: [(3857, false), (3346, false), (2249, false), (4258, true)])
    func knownCodes(code: Int, geographic: Bool) throws {
        let crs = try CRS(epsg: code)
        #expect(crs.epsg == code)
        #expect(crs.isGeographic == geographic)
    }

    @Test func unknownCodesAndTextFail() {
        #expect(throws: GeoError.self) { try CRS(epsg: 999_999) }
        #expect(throws: GeoError.self) { try CRS("not a crs") }
    }

    @Test func identifiesEPSGFromESRIPrjText() throws {
        // The .prj that ESRI tools write for LKS94 / Lithuania TM.
        let prj = """
            PROJCS["LKS_1994_Lithuania_TM",GEOGCS["GCS_LKS_1994",DATUM["D_Lithuania_1994",SPHEROID["GRS_1980",6378137.0,298.257222101]],\
            PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],\
            PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",24.0],PARAMETER["Scale_Factor",0.9998],\
            PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]
            """
        let crs = try CRS(prj)
        #expect(crs.epsg == 3346)
        #expect(!crs.isGeographic)
    }

    @Test func transformsInLonLatOrder() throws {
        // Kaunas town hall, lon/lat, to LKS94 (reference: `cs2cs -r EPSG:4326 EPSG:3346`, which
        // answers northing first: 6084553.04 492591.24).
        let lks = try CoordinateTransformer(from: .wgs84, to: CRS(epsg: 3346))
        let p = try lks.transform(Coordinate(23.8845, 54.8970))
        #expect(abs(p.x - 492_591.24) < 0.01 && abs(p.y - 6_084_553.04) < 0.01, "got \(p)")
        // Back again.
        let back = try CoordinateTransformer(from: CRS(epsg: 3346), to: .wgs84).transform(p)
        #expect(abs(back.x - 23.8845) < 1e-9 && abs(back.y - 54.8970) < 1e-9)
        // Web Mercator of (180, 0) is the half-circumference.
        let merc = try CoordinateTransformer(from: .wgs84, to: CRS(epsg: 3857)).transform(Coordinate(180, 0))
        #expect(abs(merc.x - 20_037_508.342789244) < 1e-6)
        // EPSG:4326 declares latitude first; Miestas still gives longitude first.
        let same = try CoordinateTransformer(from: CRS("urn:ogc:def:crs:EPSG::4258"), to: .wgs84).transform(Coordinate(24, 55))
        #expect(abs(same.x - 24) < 1e-6 && abs(same.y - 55) < 1e-6)
    }

    @Test func failedTransformsThrow() throws {
        let merc = try CoordinateTransformer(from: .wgs84, to: CRS(epsg: 3857))
        #expect(throws: GeoError.self) { try merc.transform(Coordinate(0, 91)) }
        var batch = [Coordinate(0, 0), Coordinate(0, 91)]
        #expect(throws: GeoError.transformFailed("coordinate 2 cannot be transformed from EPSG:4326 to EPSG:3857")) { try merc.transform(&batch) }
    }

    @Test func utmZoneForExtent() throws {
        #expect(CRS.utm(for: BoundingBox(minX: 23.8, minY: 54.8, maxX: 24.0, maxY: 55)).epsg == 32634)  // centre 23.9°E: zone 34
        #expect(CRS.utm(for: BoundingBox(minX: 24.0, minY: 54.8, maxX: 24.2, maxY: 55)).epsg == 32635)
        #expect(CRS.utm(for: BoundingBox(minX: -71.2, minY: 42.2, maxX: -70.9, maxY: 42.4)).epsg == 32619)
        #expect(CRS.utm(for: BoundingBox(minX: 150, minY: -34, maxX: 151, maxY: -33)).epsg == 32756)
    }
}

/// The explicit choice of one operation for an area: the most accurate PROJ knows, whatever the
/// target's spelling would have made PROJ pick by itself.
@Suite struct OperationChoiceTests {
    /// Downtown Boston, in lon/lat.
    let boston = BoundingBox(minX: -71.19, minY: 42.23, maxX: -70.99, maxY: 42.40)

    @Test func nad83ToWGS84TakesTheMostAccurateOperationForTheArea() throws {
        let stateplane = try CRS(epsg: 2249)  // NAD83 / Massachusetts Mainland (ftUS)
        let chosen = try CoordinateTransformer(from: stateplane, to: .wgs84, within: boston)
        let operation = try #require(chosen.operation)
        // PROJ's own pick towards EPSG:4326 is "NAD83 to WGS 84 (1)", a 4 m null transformation;
        // towards OGC:CRS84 it finds a 0.1 m ITRF00 one. The choice is the better of the two.
        #expect(operation.accuracyMetres == 0.1, "\(operation)")
        #expect(operation.description.contains("accuracy 0.1 m"))
        // City Hall Plaza in state plane feet.
        let cityHall = Coordinate(775_800, 2_956_200)
        let precise = try chosen.transform(cityHall)
        // PROJ left to itself (per point) towards the same target agrees here, within millimetres.
        let perPoint = try CoordinateTransformer(from: stateplane, to: .wgs84).transform(cityHall)
        #expect(abs(precise.x - perPoint.x) < 1e-7 && abs(precise.y - perPoint.y) < 1e-7)
        // Lon/lat order on the way out, whatever EPSG:4326 declares.
        #expect(precise.x < -71 && precise.x > -71.1 && precise.y > 42.3 && precise.y < 42.4, "\(precise)")
    }

    @Test func lithuanianLKS94HasAKnownOperationToo() throws {
        let lks94 = try CRS(epsg: 3346)
        let t = try CoordinateTransformer(from: lks94, to: .wgs84, within: BoundingBox(minX: 23.8, minY: 54.8, maxX: 24.1, maxY: 55.0))
        let operation = try #require(t.operation)
        #expect(operation.accuracyMetres != nil, "\(operation)")
        let p = try t.transform(Coordinate(497_000, 6_084_000))
        #expect(p.x > 23.9 && p.x < 24 && p.y > 54.8 && p.y < 55, "\(p)")
    }
}
