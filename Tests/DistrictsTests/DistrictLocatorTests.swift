import CSV
import Foundation
import Geo
import Store
import Testing
@testable import Districts

@Suite struct DistrictLocatorTests {
    @Test func sharedBoundaryGoesToTheSmallestId() async throws {
        let w = try Workspace()
        try await w.importFile(Paths.fixture("shared-edge.geojson"))
        let locator = try await w.locator()
        #expect(locator.locate(Coordinate(24.005, 54.905))?.code == "west")
        #expect(locator.locate(Coordinate(24.015, 54.905))?.code == "east")
        #expect(locator.locate(Coordinate(24.01, 54.905))?.code == "west")  // on the shared edge
        #expect(locator.locate(Coordinate(24.01, 54.9))?.code == "west")    // a shared vertex
        #expect(locator.locate(Coordinate(24.02, 54.905))?.code == "east")  // outer edge: covered
        #expect(locator.locate(Coordinate(24.03, 54.905)) == nil)
        #expect(locator.locate(Coordinate(.nan, 54.905)) == nil)
        #expect(locator.locate(Coordinate(-24.01, -54.905)) == nil)
    }

    @Test func agreesWithSpatiaLiteOnTheDemoCity() async throws {
        let w = try Workspace()
        try await w.importFile(Paths.demo)
        let districts = try await w.store.districts()
        let locator = try await w.locator()
        var box = districts.reduce(into: BoundingBox.empty) { $0.expand(toInclude: $1.geometry.boundingBox) }
        box = BoundingBox(minX: box.minX - 0.01, minY: box.minY - 0.01, maxX: box.maxX + 0.01, maxY: box.maxY + 0.01)
        let points = box.randomPoints(count: 20_000, seed: 7) + boundaryVertices(districts)
        let expected = try await w.store.locateWithSQL(points)
        let got = locator.ids(points)
        let disagreements = zip(points, zip(got, expected)).filter { $1.0 != $1.1 }
        #expect(disagreements.isEmpty, "first: \(disagreements.prefix(5))")
        #expect(got.contains(nil) && got.contains { $0 != nil })
    }

    @Test func emptyLocatorLocatesNothing() throws {
        let locator = try DistrictLocator(districts: [])
        #expect(locator.locate(Coordinate(24, 55)) == nil)
    }

    @Test func tinyGridStillAgrees() async throws {
        // A coarse grid sends most points down the exact path; the answers must not change.
        let w = try Workspace()
        try await w.importFile(Paths.demo)
        let districts = try await w.store.districts()
        let fine = try DistrictLocator(districts: districts)
        let coarse = try DistrictLocator(districts: districts, targetCells: 16)
        let box = districts.reduce(into: BoundingBox.empty) { $0.expand(toInclude: $1.geometry.boundingBox) }
        let points = box.randomPoints(count: 5_000, seed: 11)
        #expect(fine.ids(points) == coarse.ids(points))
        #expect(coarse.boundaryCellShare > fine.boundaryCellShare)
    }
}

/// The real data in ../shared: Boston's wards and 58,119 reports, Lithuania's municipalities.
@Suite struct RealDataTests {
    @Test func bostonReportsAgreeWithSpatiaLite() async throws {
        guard let wards = Paths.sharedFile("boston-wards.geojson"), let reports = Paths.sharedFile("boston-311-2015-h1.csv") else { return }
        let w = try Workspace()
        let report = try await w.importFile(wards, .init(nameField: "WARD", codeField: "WARD"))
        #expect(report.districts.count == 22)
        // The file's own areas are in US survey feet² (state plane, EPSG:2249); ours in m² via UTM.
        for d in report.districts {
            guard let feet = d.properties["SHAPESTArea"], case .number(let ft2) = feet else { continue }
            let m2 = ft2 * 0.09290341161327487
            #expect(abs(d.areaSquareMetres - m2) / m2 < 0.005, "ward \(d.code): \(d.areaSquareMetres) m² vs \(m2) m²")
        }
        let table = try CSV.read(try Data(contentsOf: URL(fileURLWithPath: reports)))
        let lon = try #require(table.column("longitude")), lat = try #require(table.column("latitude"))
        let points = table.rows.compactMap { row -> Coordinate? in
            guard let x = Double(row[lon]), let y = Double(row[lat]) else { return nil }
            return Coordinate(x, y)
        }
        #expect(table.rows.count == 58_119)
        let locator = try await w.locator()
        let expected = try await w.store.locateWithSQL(points)
        let got = locator.ids(points)
        let disagreements = zip(points, zip(got, expected)).filter { $1.0 != $1.1 }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(5))")
        print("boston: \(points.count) points, \(got.compactMap { $0 }.count) in a ward, 100% agreement with SpatiaLite: \(disagreements.isEmpty)")
    }

    @Test func lithuanianMunicipalitiesAgreeWithSpatiaLite() async throws {
        guard let path = Paths.sharedFile("lithuania-municipalities.geojson") else { return }
        let w = try Workspace()
        let report = try await w.importFile(path)
        #expect(report.districts.count == 60)
        // Municipalities that surround a city municipality have holes.
        #expect(report.districts.contains { $0.geometry.polygons.contains { $0.rings.count > 1 } })
        let total = report.districts.reduce(0) { $0 + $1.areaSquareMetres } / 1e6
        #expect(abs(total - 65_300) / 65_300 < 0.02, "Lithuania is about 65,300 km²; the file sums to \(total) km²")
        let box = BoundingBox(minX: 20.9, minY: 53.89, maxX: 26.84, maxY: 56.45)
        let points = box.randomPoints(count: 20_000, seed: 3) + boundaryVertices(report.districts, every: 4)
        let locator = try await w.locator()
        let expected = try await w.store.locateWithSQL(points)
        let got = locator.ids(points)
        let disagreements = zip(points, zip(got, expected)).filter { $1.0 != $1.1 }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(5))")
    }
}
