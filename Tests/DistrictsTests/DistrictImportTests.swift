import Foundation
import Geo
import Store
import Testing
@testable import Districts

@Suite struct DistrictImportTests {
    @Test func importsTheDemoCity() async throws {
        let w = try Workspace()
        let report = try await w.importFile(Paths.demo)
        #expect(report.districts.count == 11)
        #expect(report.repaired.isEmpty)
        #expect(report.topology.overlaps.isEmpty)
        #expect(report.topology.gaps.isEmpty)
        #expect(Set(report.districts.map(\.name)).contains("Šilainiai"))
        let total = report.districts.reduce(0) { $0 + $1.areaSquareMetres } / 1e6
        #expect(total > 100 && total < 200, "Kaunas covers about 157 km², the demo outline \(total) km²")
        #expect(try await w.store.districtCount() == 11)
    }

    @Test func importsAShapefileWithPrjAndReprojects() async throws {
        let w = try Workspace()
        let report = try await w.importFile(Paths.fixture("kaunas-lks94.shp"))
        #expect(report.sourceCRS.epsg == 3346)
        #expect(report.format == "ESRI Shapefile")
        let fromShape = report.districts
        let demo = try await Workspace().importFile(Paths.demo).districts
        #expect(fromShape.map(\.name) == demo.map(\.name))  // diacritics survive the .dbf
        #expect(fromShape.map(\.code) == demo.map(\.code))
        for (a, b) in zip(fromShape, demo) {
            #expect(abs(a.areaSquareMetres - b.areaSquareMetres) / b.areaSquareMetres < 1e-6)
            let ba = a.geometry.boundingBox, bb = b.geometry.boundingBox
            #expect(abs(ba.minX - bb.minX) < 1e-7 && abs(ba.maxY - bb.maxY) < 1e-7)
        }
    }

    @Test func shapefileWithoutPrjNeedsSrid() async throws {
        let w = try Workspace()
        await #expect(throws: DistrictsError.missingCRS(path: Paths.fixture("kaunas-noprj.shp"))) {
            try await w.importFile(Paths.fixture("kaunas-noprj.shp"))
        }
        let report = try await w.importFile(Paths.fixture("kaunas-noprj.shp"), .init(srid: "3346"))
        #expect(report.districts.count == 11)
    }

    @Test func readsTheLegacyCRSMember() async throws {
        let w = try Workspace()
        let report = try await w.importFile(Paths.fixture("lks94-declared.geojson"))
        #expect(report.sourceCRS.epsg == 3346)
        #expect(report.districts.allSatisfy { $0.geometry.boundingBox.minX > 23.7 && $0.geometry.boundingBox.maxY < 55.0 })
        // --srid may repeat what the file says, but not contradict it.
        _ = try await Workspace().importFile(Paths.fixture("lks94-declared.geojson"), .init(srid: "EPSG:3346"))
        await #expect(throws: DistrictsError.conflictingCRS(declared: "EPSG:3346", given: "EPSG:2249")) {
            try await Workspace().importFile(Paths.fixture("lks94-declared.geojson"), .init(srid: "2249"))
        }
    }

    @Test func repairsInvalidPolygonsAndNamesThem() async throws {
        let w = try Workspace()
        let report = try await w.importFile(Paths.fixture("bowtie.geojson"))
        #expect(report.repaired.count == 1)
        #expect(report.repaired.first?.feature.contains("Bowtie") == true)
        #expect(report.repaired.first?.reason.hasPrefix("Self-intersection") == true)
        let bowtie = try #require(report.districts.first { $0.name == "Bowtie" })
        #expect(bowtie.geometry.polygons.count == 2)
        #expect(try GeosContext().geometry(bowtie.geometry).isValid)
    }

    @Test func rejectsInvalidPolygonsWhenAskedAndStoresNothing() async throws {
        let w = try Workspace()
        await #expect {
            try await w.importFile(Paths.fixture("bowtie.geojson"), .init(repair: false))
        } throws: { error in
            guard case DistrictsError.invalidGeometry(let feature, let reason) = error else { return false }
            return feature.contains("Bowtie") && reason.hasPrefix("Self-intersection")
        }
        #expect(try await w.store.districtCount() == 0)
    }

    @Test func reportsOverlapsAndGaps() async throws {
        let w = try Workspace()
        let report = try await w.importFile(Paths.fixture("overlap-gap.geojson"))
        let rect = { (x0: Double, y0: Double, x1: Double, y1: Double) in
            try Measure.areaSquareMetres(.polygon(Polygon(shell: [Coordinate(x0, y0), Coordinate(x1, y0), Coordinate(x1, y1), Coordinate(x0, y1), Coordinate(x0, y0)])))
        }
        // A and B share the strip 24.008..24.010 x 54.90..54.91.
        let overlap = try #require(report.topology.overlaps.first)
        #expect(report.topology.overlaps.count == 1)
        #expect(Set([overlap.first, overlap.second]) == ["a (A)", "b (B)"])
        #expect(abs(overlap.areaSquareMetres - (try rect(24.008, 54.9, 24.01, 54.91))) < 1)
        // Nobody covers 24.004..24.006 x 54.898..54.900, enclosed by A, C and D.
        let gap = try #require(report.topology.gaps.first)
        #expect(report.topology.gaps.count == 1)
        #expect(abs(gap.areaSquareMetres - (try rect(24.004, 54.898, 24.006, 54.9))) < 1)
        #expect(gap.location.x > 24.004 && gap.location.x < 24.006 && gap.location.y > 54.898 && gap.location.y < 54.9)
    }

    @Test func errorPaths() async throws {
        let w = try Workspace()
        await #expect(throws: DistrictsError.fileNotFound("/nonexistent/districts.geojson")) {
            try await w.importFile("/nonexistent/districts.geojson")
        }
        await #expect(throws: DistrictsError.unknownFormat(path: Paths.fixture("districts.kml"))) {
            try await w.importFile(Paths.fixture("districts.kml"))
        }
        await #expect(throws: DistrictsError.unknownCRS("urn:ogc:def:crs:EPSG::999999")) {
            try await w.importFile(Paths.fixture("unknown-crs.geojson"))
        }
        await #expect(throws: DistrictsError.unknownCRS("EPSG:123456789")) {
            try await w.importFile(Paths.demo, .init(srid: "EPSG:123456789"))
        }
        await #expect(throws: DistrictsError.noPolygons(path: Paths.fixture("points-only.geojson"))) {
            try await w.importFile(Paths.fixture("points-only.geojson"))
        }
        await #expect {
            try await w.importFile(Paths.demo, .init(nameField: "pavadinimas"))
        } throws: { error in
            guard case DistrictsError.missingField(let field, let option, let available) = error else { return false }
            return field == "pavadinimas" && option == "--name-field" && available.contains("name_en")
        }
        await #expect {
            try await w.importFile(Paths.fixture("out-of-range.geojson"))
        } throws: { error in
            guard case DistrictsError.coordinatesOutOfRange = error else { return false }
            return "\(error)".contains("--srid")
        }
        await #expect {
            try await w.importFile(Paths.fixture("not-geojson.geojson"))
        } throws: { error in
            guard case DistrictsError.unreadable = error else { return false }
            return "\(error)".contains("not valid JSON")
        }
        await #expect {
            try await w.importFile(Paths.demo, .init(codeField: "nonexistent"))
        } throws: { error in
            if case DistrictsError.missingField(field: "nonexistent", option: "--code-field", available: _) = error { return true }
            return false
        }
        #expect(try await w.store.districtCount() == 0)
    }

    @Test func duplicateCodesAreRejected() async throws {
        let w = try Workspace()
        let square = #"{"type":"Polygon","coordinates":[[[24,54],[24.1,54],[24.1,54.1],[24,54]]]}"#
        let text = #"{"type":"FeatureCollection","features":["#
            + #"{"type":"Feature","properties":{"name":"One","code":"k"},"geometry":"# + square + "},"
            + #"{"type":"Feature","properties":{"name":"Two","code":"k"},"geometry":"# + square + "}]}"
        let path = w.directory.appendingPathComponent("dup.geojson")
        try Data(text.utf8).write(to: path)
        await #expect(throws: DistrictsError.duplicateCode(code: "k", features: [#"feature 1 ("One")"#, #"feature 2 ("Two")"#])) {
            try await w.importFile(path.path)
        }
    }

    @Test func aFailedImportChangesNothing() async throws {
        let w = try Workspace()
        try await w.importFile(Paths.demo)
        let before = try await w.store.districts()
        await #expect(throws: DistrictsError.self) {
            try await w.importFile(Paths.fixture("bowtie.geojson"), .init(replace: true, repair: false))
        }
        await #expect(throws: DistrictsError.self) {
            try await w.importFile(Paths.fixture("out-of-range.geojson"), .init(replace: true))
        }
        // Without --replace an import over existing districts is refused.
        await #expect(throws: DistrictsError.store(.districtsExist(count: 11))) {
            try await w.importFile(Paths.fixture("shared-edge.geojson"))
        }
        #expect(try await w.store.districts() == before)
        try await w.importFile(Paths.fixture("shared-edge.geojson"), .init(replace: true))
        #expect(try await w.store.districts().map(\.code) == ["west", "east"])
    }
}


/// What a newcomer's run found: field names as GIS tools show them, and the reprojection named.
@Suite struct DistrictImportNewcomerTests {
    @Test func fieldNamesMatchWithoutRegardToCase() async throws {
        // The .dbf stores `code` and `name`; a GIS shows them as someone typed them.
        let report = try await Workspace().importFile(Paths.fixture("kaunas-lks94.shp"), DistrictImportOptions(nameField: "NAME", codeField: "Code"))
        #expect(report.districts.count == 11)
        #expect(report.districts.contains { $0.code == "zaliakalnis" && $0.name == "Žaliakalnis" })
        // A GeoJSON with two fields that differ only in case: the exact one wins, a third spelling is ambiguous.
        let w = try Workspace()
        try FileManager.default.createDirectory(at: w.directory, withIntermediateDirectories: true)
        let path = w.directory.appendingPathComponent("two-names.geojson").path
        let square = #"{"type":"Polygon","coordinates":[[[23.9,54.9],[23.91,54.9],[23.91,54.91],[23.9,54.91],[23.9,54.9]]]}"#
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"Name":"Upper","NAME":"Shouting","code":"a"},"geometry":\#(square)}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try await w.importFile(path, DistrictImportOptions(nameField: "NAME")).districts.first?.name == "Shouting")
        await #expect(throws: DistrictsError.ambiguousField(field: "name", option: "--name-field", matches: ["NAME", "Name"])) {
            try await Workspace().importFile(path)
        }
    }

    @Test func theReprojectionIsNamedWithItsAccuracy() async throws {
        let report = try await Workspace().importFile(Paths.fixture("kaunas-lks94.shp"))
        let operation = try #require(report.operation)
        #expect(operation.name.contains("LKS94") || operation.name.contains("Lithuania"), "\(operation)")
        #expect(operation.accuracyMetres != nil)
        // A file already in WGS 84 needs no operation.
        #expect(try await Workspace().importFile(Paths.demo).operation == nil)
    }
}
