import Districts
import Foundation
import Geo
import Store
import TestSupport
import Testing
@testable import Reports

@Suite struct ReportImportTests {
    static let mapping = IntakeWorkspace.repository.appendingPathComponent("Data/mappings/boston.json").path

    @Test func badRowsAreRefusedWithReasonsAndGoodOnesStored() async throws {
        let w = try await IntakeWorkspace()  // Kaunas's elderships
        let csv = """
            case_id,opened,closed,status,category,subject,reason,department,title,latitude,longitude,ward,neighborhood,council_district,street,zipcode,source
            1,2015-01-01T00:20:09,2015-01-02T09:08:42,Closed,Street Light Outages,,,,Lamp out,54.9,23.93,,,,Laisvės al. 1,44001,
            2,2015-01-02T10:00:00,,Open,Sign Repair,,,,Bent sign,54.9,23.93,,,,,,
            3,2015-01-03T10:00:00,,Open,Sign Repair,,,,No place,,,,,,,,
            4,not a time,,Open,Sign Repair,,,,Bad time,54.9,23.93,,,,,,
            5,2015-01-03T10:00:00,,Pending,Sign Repair,,,,Odd status,54.9,23.93,,,,,,
            6,2015-01-03T10:00:00,,Open,Sign Repair,,,,Boston,42.35,-71.06,,,,,,
            1,2015-01-03T10:00:00,,Open,Sign Repair,,,,Same id again,54.9,23.93,,,,,,
            """
        let path = w.directory.appendingPathComponent("small.csv").path
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        let importer = ReportImporter(store: w.store, locator: w.intake.locator)
        let summary = try await importer.importCSV(path, mapping: try ImportMapping.load(Self.mapping))
        #expect(summary.rows == 7 && summary.imported == 2)
        #expect(summary.rejected["no coordinates"]?.examples == [3])
        #expect(summary.rejected["bad or missing opened time"]?.examples == [4])
        #expect(summary.rejected["unknown status 'Pending'"]?.examples == [5])
        #expect(summary.rejected["outside every district"]?.examples == [6])
        #expect(summary.rejected["case_id repeated in the file"]?.examples == [7])
        let stored = try await w.store.reports(ReportQuery())
        let light = try #require(stored.first { $0.details.externalId == "1" })
        #expect(light.details.serviceCode == "street_light" && light.details.status == .closed)
        #expect(light.details.address == "Laisvės al. 1" && light.details.districtCode == "zaliakalnis")
        // Local Boston time (EST, UTC-5) read as such.
        #expect(light.details.requestedAt == ISO8601DateFormatter().date(from: "2015-01-01T05:20:09Z"))
        #expect(light.details.closedAt == ISO8601DateFormatter().date(from: "2015-01-02T14:08:42Z"))
        #expect(stored.first { $0.details.externalId == "2" }?.details.serviceCode == "sign_repair")
        #expect(summary.unmappedCategories == ["Sign Repair": 1])
        // Again: nothing new.
        let again = try await importer.importCSV(path, mapping: try ImportMapping.load(Self.mapping))
        #expect(again.imported == 0 && again.alreadyThere == 3)  // ids 1 (twice) and 2
    }

    /// The file is read and written a chunk at a time; an id repeated chunks later is still a
    /// repeat (its first row may be stored by then), and a re-import finds every row stored.
    @Test func chunksDoNotChangeTheOutcome() async throws {
        let w = try await IntakeWorkspace()
        let count = ReportImporter.batchSize * 2 + 7
        var csv = "case_id,opened,closed,status,category,subject,reason,department,title,latitude,longitude,ward,neighborhood,council_district,street,zipcode,source\n"
        for i in 1...count { csv += "\(i),2015-01-01T00:20:09,,Open,Sign Repair,,,,Row \(i),54.9,23.93,,,,,,\n" }
        csv += "3,2015-01-03T10:00:00,,Open,Sign Repair,,,,Same id again,54.9,23.93,,,,,,\n"
        let path = w.directory.appendingPathComponent("chunks.csv").path
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        let importer = ReportImporter(store: w.store, locator: w.intake.locator)
        var lines: [String] = []
        let summary = try await importer.importCSV(path, mapping: try ImportMapping.load(Self.mapping)) { lines.append($0) }
        #expect(summary.rows == count + 1 && summary.imported == count && summary.alreadyThere == 0)
        #expect(summary.rejected["case_id repeated in the file"]?.examples == [count + 1])
        #expect(try await w.store.reportCount() == count)
        #expect(lines.first?.hasPrefix("reading \(path)") == true)
        let again = try await importer.importCSV(path, mapping: try ImportMapping.load(Self.mapping))
        #expect(again.imported == 0 && again.alreadyThere == count + 1)
    }

    @Test func localTimesFollowTheZoneAndDaylightSaving() throws {
        let parser = LocalTimeParser(timeZone: try #require(TimeZone(identifier: "America/New_York")))
        let utc = ISO8601DateFormatter()
        #expect(parser.parse("2015-01-01T00:20:09") == utc.date(from: "2015-01-01T05:20:09Z"))  // EST, UTC-5
        #expect(parser.parse("2015-06-30T23:59:59") == utc.date(from: "2015-07-01T03:59:59Z"))  // EDT, UTC-4
        #expect(parser.parse("2015-03-08 03:30") == utc.date(from: "2015-03-08T07:30:00Z"))     // just after the change
        #expect(parser.parse("2015-02-28T10:00:00+02:00") == utc.date(from: "2015-02-28T08:00:00Z"))
        for bad in ["", "2015-13-01T00:00:00", "2015-01-01", "yesterday", "2015-01-01T25:00:00"] { #expect(parser.parse(bad) == nil, "\(bad)") }
    }

    @Test func mappingErrorsAreClear() throws {
        #expect(throws: ReportImportError.mapping("no mapping file Data/mappings/atlantis.json")) { try ImportMapping.load("atlantis") }
        let m = try ImportMapping.load(Self.mapping)
        #expect(m.serviceCode(for: "Heat - Excessive  Insufficient") == "heat_excessive_insufficient")
        #expect(m.serviceCode(for: "Request for Pothole Repair") == "pothole")
    }

    /// Miestas's own export reads back through the `miestas` mapping: what another city (or a
    /// backup) exports, this one imports with the same services, statuses, places and times.
    @Test func anExportImportsBackThroughTheMiestasMapping() async throws {
        let source = try await IntakeWorkspace()
        for (service, lat) in [("graffiti", "54.9"), ("pothole", "54.89"), ("street_light", "54.91")] {
            var s = Submission(serviceCode: service, lat: lat, long: "23.93", description: "Ant tilto, \"kabutės\", kableliai")
            s.addressString = "Laisvės al. 5"
            if service == "pothole" { s.attributes = ["lane": ["roadway"]] }
            _ = try await source.intake.submit(s)
        }
        let exported = try await source.store.reports(ReportQuery())
        let path = source.directory.appendingPathComponent("export.csv").path
        try Data((ReportExport.csvHeader() + ReportExport.csvLines(exported, time: LocalTime(TimeZone(identifier: "Europe/Vilnius")!))).utf8).write(to: URL(fileURLWithPath: path))
        let target = try await IntakeWorkspace()
        let mapping = try ImportMapping.load(IntakeWorkspace.repository.appendingPathComponent("Data/mappings/miestas.json").path)
        let summary = try await ReportImporter(store: target.store, locator: target.intake.locator).importCSV(path, mapping: mapping)
        #expect(summary.imported == 3 && summary.rejected.isEmpty && summary.unmappedCategories.isEmpty)
        let imported = try await target.store.reports(ReportQuery())
        for original in exported {
            let copy = try #require(imported.first { $0.details.externalId == String(original.id) })
            #expect(copy.details.serviceCode == original.details.serviceCode && copy.details.status == original.details.status)
            #expect(copy.details.location == original.details.location && copy.details.districtCode == original.details.districtCode)
            #expect(copy.details.description == original.details.description && copy.details.address == original.details.address)
            #expect(abs(copy.details.requestedAt.timeIntervalSince(original.details.requestedAt)) < 1, "times keep their offsets")
        }
    }

    /// The demo city's invented reports (Tools/demo-data/make_kaunas_reports.py): every one lies
    /// in an eldership and imports, so the demo map shows all of them.
    @Test func theDemoReportsImportCompletely() async throws {
        let w = try await IntakeWorkspace()
        let mapping = try ImportMapping.load(IntakeWorkspace.repository.appendingPathComponent("Data/mappings/miestas.json").path)
        let path = IntakeWorkspace.repository.appendingPathComponent("Data/demo/kaunas-reports.csv").path
        let summary = try await ReportImporter(store: w.store, locator: w.intake.locator).importCSV(path, mapping: mapping)
        #expect(summary.rows > 400 && summary.imported == summary.rows && summary.rejected.isEmpty && summary.unmappedCategories.isEmpty)
        let statuses = Set(try await w.store.reports(ReportQuery(limit: 10_000)).map(\.details.status))
        #expect(statuses == Set(ReportStatus.allCases))
    }

    @Test func exportsCarryNoPersonalData() async throws {
        let w = try await IntakeWorkspace()
        _ = try await w.intake.submit(Submission(serviceCode: "graffiti", lat: "54.9", long: "23.93", description: "Ant tilto",
                                                 email: "ona@example.lt", phone: "+37069999999", firstName: "Ona", lastName: "Onaitė"))
        let reports = try await w.store.reports(ReportQuery())
        let csv = ReportExport.csvHeader() + ReportExport.csvLines(reports, time: .utc)
        let geojson = String(decoding: ReportExport.geoJSON(reports, time: .utc), as: UTF8.self)
        for text in [csv, geojson] {
            #expect(text.contains("Ant tilto"))
            for secret in ["ona@example.lt", "69999999", "Onait"] { #expect(!text.contains(secret)) }
        }
        let parsed = try GeoJSON.decodeFeatureCollection(Data(geojson.utf8))
        #expect(parsed.features.first?.geometry == .point(Coordinate(23.93, 54.9)))
        #expect(parsed.features.first?.properties["district"] == .string("zaliakalnis"))
    }
}

/// The whole Boston file: 58,119 rows, 22 wards.
@Suite struct BostonImportTests {
    @Test func importsTheRealFileIdempotentlyAndFindsTheCityHallPileUp() async throws {
        guard let csv = TestPaths.sharedFile("boston-311-2015-h1.csv"), let wards = TestPaths.sharedFile("boston-wards.geojson") else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-boston-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SpatiaLiteStore(path: dir.appendingPathComponent("db.sqlite").path)
        _ = try await DistrictImporter(store: store).importFile(wards, options: .init(nameField: "WARD", codeField: "WARD"))
        let locator = try DistrictLocator(districts: try await store.districts())
        let importer = ReportImporter(store: store, locator: locator)
        let mapping = try ImportMapping.load(ReportImportTests.mapping)
        let summary = try await importer.importCSV(csv, mapping: mapping)
        #expect(summary.rows == 58_119)
        #expect(summary.imported == 58_109)
        #expect(summary.rejected["outside every district"]?.count == 10)
        #expect(summary.perDistrict.values.reduce(0, +) == 58_109)
        let cityHall = try #require(summary.pileUps.first)
        #expect(cityHall.location == Coordinate(-71.0587, 42.3594))
        #expect(cityHall.reports > 5_000 && cityHall.services > 50)
        #expect(try await store.reportCount() == 58_109)
        let open = try await store.reports(ReportQuery(statuses: [.open], limit: 100_000))
        // The file has 8,993 open rows; at most the 10 refused ones are missing.
        #expect((8_983...8_993).contains(open.count))
        // The R*Tree (kept by Miestas's own triggers) answers boxes exactly as a scan does.
        let everything = try await store.reports(ReportQuery(limit: 100_000))
        for box in [BoundingBox(minX: -71.07, minY: 42.35, maxX: -71.05, maxY: 42.37), BoundingBox(minX: -71.0587, minY: 42.3594, maxX: -71.0587, maxY: 42.3594)] {
            let viaIndex = try await store.reports(ReportQuery(bbox: box, limit: 100_000)).map(\.id).sorted()
            let viaScan = everything.filter { box.contains($0.details.location) }.map(\.id).sorted()
            #expect(viaIndex == viaScan && !viaScan.isEmpty)
        }
        let again = try await importer.importCSV(csv, mapping: mapping)
        #expect(again.imported == 0 && again.alreadyThere == 58_109)
        #expect(try await store.reportCount() == 58_109)
    }
}
