import Foundation
import Testing
@testable import Geo

private let square = Polygon(shell: [Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 10), Coordinate(0, 10), Coordinate(0, 0)],
                             holes: [[Coordinate(2, 2), Coordinate(2, 4), Coordinate(4, 4), Coordinate(4, 2), Coordinate(2, 2)]])

private let samples: [Geometry] = [
    .point(Coordinate(23.9036, 54.8985)),
    .lineString([Coordinate(0, 0), Coordinate(1.5, -2.25)]),
    .polygon(square),
    .multiPoint([Coordinate(1, 2), Coordinate(3, 4)]),
    .multiLineString([[Coordinate(0, 0), Coordinate(1, 1)], [Coordinate(2, 2), Coordinate(3, 3)]]),
    .multiPolygon([square, Polygon(shell: [Coordinate(20, 20), Coordinate(21, 20), Coordinate(21, 21), Coordinate(20, 20)])]),
    .geometryCollection([.point(Coordinate(1, 1)), .lineString([Coordinate(0, 0), Coordinate(1, 0)])]),
]

@Suite struct WKTTests {
    @Test(arguments: samples) func roundTrip(_ g: Geometry) throws {
        #expect(try WKT.decode(WKT.encode(g)) == g)
    }

    @Test func writesStandardText() {
        #expect(WKT.encode(.point(Coordinate(23.9, 54.5))) == "POINT (23.9 54.5)")
        #expect(WKT.encode(.multiPoint([])) == "MULTIPOINT EMPTY")
    }

    @Test func readsVariants() throws {
        #expect(try WKT.decode("SRID=4326;POINT(1 2)") == .point(Coordinate(1, 2)))
        #expect(try WKT.decode("point z (1 2 3)") == .point(Coordinate(1, 2)))
        #expect(try WKT.decode("POINTZM (1 2 3 4)") == .point(Coordinate(1, 2)))
        #expect(try WKT.decode("MULTIPOINT ((1 2), (3 4))") == .multiPoint([Coordinate(1, 2), Coordinate(3, 4)]))
        #expect(try WKT.decode("MULTIPOINT (1 2, 3 4)") == .multiPoint([Coordinate(1, 2), Coordinate(3, 4)]))
        #expect(try WKT.decode("POLYGON EMPTY") == .polygon(Polygon(rings: [])))
    }

    @Test(arguments: ["", "POINT", "POINT (1)", "POINT (1 2", "CIRCLE (1 2)", "POINT (1 2) junk", "LINESTRING (1 2, x 3)"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: GeoError.self) { try WKT.decode(text) }
    }
}

@Suite struct WKBTests {
    @Test(arguments: samples) func roundTrip(_ g: Geometry) throws {
        #expect(try WKB.decode(WKB.encode(g)) == g)
    }

    @Test func pointBytesAreLittleEndianOGC() {
        let bytes = WKB.encode(.point(Coordinate(1, 2)))
        #expect(bytes == [1, 1, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0xF0, 0x3F] + [0, 0, 0, 0, 0, 0, 0, 0x40])
    }

    @Test func readsBigEndianAndEWKBWithSRIDAndZ() throws {
        // Big-endian POINT(1 2).
        let big: [UInt8] = [0, 0, 0, 0, 1, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0]
        #expect(try WKB.decode(big) == .point(Coordinate(1, 2)))
        // EWKB POINT Z with SRID 4326: type 0xA0000001, srid, x, y, z.
        var ewkb: [UInt8] = [1, 0x01, 0, 0, 0xA0, 0xE6, 0x10, 0, 0]
        for v in [1.0, 2.0, 3.0] { withUnsafeBytes(of: v.bitPattern.littleEndian) { ewkb += $0 } }
        #expect(try WKB.decode(ewkb) == .point(Coordinate(1, 2)))
        // ISO POINT Z: type 1001.
        var iso: [UInt8] = [1, 0xE9, 0x03, 0, 0]
        for v in [5.0, 6.0, 7.0] { withUnsafeBytes(of: v.bitPattern.littleEndian) { iso += $0 } }
        #expect(try WKB.decode(iso) == .point(Coordinate(5, 6)))
    }

    @Test func rejectsTruncatedAndHugeCounts() {
        let bytes = WKB.encode(.polygon(square))
        #expect(throws: GeoError.self) { try WKB.decode(Array(bytes.dropLast(3))) }
        #expect(throws: GeoError.self) { try WKB.decode([1, 2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F]) }
        #expect(throws: GeoError.self) { try WKB.decode([7]) }
    }
}

@Suite struct GeoJSONTests {
    @Test(arguments: samples) func geometryRoundTrip(_ g: Geometry) throws {
        #expect(try GeoJSON.decodeGeometry(GeoJSON.encode(g)) == g)
    }

    @Test func readsFeatureCollectionWithProperties() throws {
        let text = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","id":7,"properties":{"name":"Šančiai","id":29,"area":1.5,"ok":true,"none":null},
               "geometry":{"type":"Point","coordinates":[23.94,54.878]}}]}
            """
        let fc = try GeoJSON.decodeFeatureCollection(Data(text.utf8))
        #expect(fc.crs == nil)
        let f = try #require(fc.features.first)
        #expect(f.id == .integer(7))
        #expect(f.properties["name"]?.text == "Šančiai")
        #expect(f.properties["id"]?.text == "29")
        #expect(f.properties["area"] == .number(1.5))
        #expect(f.properties["ok"] == .bool(true))
        #expect(f.properties["none"] == .null)
        #expect(f.geometry == .point(Coordinate(23.94, 54.878)))
    }

    @Test(arguments: [
        (#"{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3346"}}"#, "urn:ogc:def:crs:EPSG::3346"),
        (#"{"type":"EPSG","properties":{"code":2249}}"#, "EPSG:2249"),
    ])
    func readsLegacyCRSMember(member: String, expected: String) throws {
        let text = #"{"type":"FeatureCollection","crs":"# + member + #","features":[]}"#
        #expect(try GeoJSON.decodeFeatureCollection(Data(text.utf8)).crs == expected)
    }

    @Test func errorsSayWhere() {
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1]}}]}"#
        #expect {
            try GeoJSON.decodeFeatureCollection(Data(text.utf8))
        } throws: { error in
            "\(error)".contains("features[0].geometry") && "\(error)".contains("two finite numbers")
        }
        #expect(throws: GeoError.self) { try GeoJSON.decodeFeatureCollection(Data("not json".utf8)) }
        #expect(throws: GeoError.self) { try GeoJSON.decodeFeatureCollection(Data(#"{"type":"Topology"}"#.utf8)) }
        #expect(throws: GeoError.self) { try GeoJSON.decodeGeometry(Data(#"{"type":"Circle","coordinates":[1,2]}"#.utf8)) }
    }
}
