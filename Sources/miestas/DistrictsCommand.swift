import ArgumentParser
import CSV
import Districts
import Foundation
import Geo
import Store

struct DistrictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "districts",
        abstract: "Import, list and locate districts (elderships, wards, municipalities).",
        subcommands: [ImportDistricts.self, ListDistricts.self, LocateDistricts.self])
}

struct ImportDistricts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import districts from GeoJSON or an ESRI Shapefile, all or nothing.",
        discussion: """
            Reprojects to EPSG:4326, repairs invalid polygons (naming each), and reports overlaps \
            and gaps between districts. A failed import changes nothing.
            """)

    @Argument(help: "A GeoJSON FeatureCollection (.geojson, .json) or a shapefile (.shp beside .shx, .dbf, .prj).")
    var file: String
    @Option(help: "The property holding the district name (default: name, NAME, Name or pavadinimas).")
    var nameField: String?
    @Option(help: "The property holding the district code (default: code, CODE, kodas, else the feature id or position).")
    var codeField: String?
    @Option(help: "The CRS of a file that does not declare one, e.g. 3346 or EPSG:3346.")
    var srid: String?
    @Flag(help: "Replace all existing districts.")
    var replace = false
    @Flag(help: "Reject invalid polygons instead of repairing them.")
    var noRepair = false
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let store = try await options.open()
        let options = DistrictImportOptions(nameField: nameField, codeField: codeField, srid: srid, replace: replace, repair: !noRepair)
        let report: DistrictImportReport
        do {
            report = try await DistrictImporter(store: store).importFile(file, options: options, progress: note)
        } catch {
            throw fail(error)
        }
        let total = report.timings.reduce(0) { $0 + $1.seconds }
        let phases = report.timings.map { "\($0.phase) \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: ", ")
        print("imported \(report.districts.count) districts from \(file) (\(report.format), \(report.sourceCRS.name)) in \(String(format: "%.2f", total)) s: \(phases)")
        if let operation = report.operation { print("reprojected to WGS 84 with: \(operation)") }
        if report.repaired.isEmpty {
            print("invalid polygons: none")
        } else {
            print("repaired \(report.repaired.count) invalid polygon(s):")
            for r in report.repaired { print("  \(r.feature): \(r.reason)") }
        }
        print(report.topology.overlaps.isEmpty ? "overlaps: none" : "overlaps (\(report.topology.overlaps.count)):")
        for o in report.topology.overlaps.prefix(50) { print("  \(o.first) / \(o.second): \(squareMetres(o.areaSquareMetres))") }
        print(report.topology.gaps.isEmpty ? "gaps: none" : "gaps (\(report.topology.gaps.count)), areas no district covers:")
        for g in report.topology.gaps.prefix(50) {
            print("  near \(String(format: "%.6f, %.6f", g.location.x, g.location.y)): \(squareMetres(g.areaSquareMetres))")
        }
        for list in [report.topology.overlaps.count, report.topology.gaps.count] where list > 50 { print("  (\(list - 50) more not shown)") }
    }
}

func squareMetres(_ area: Double) -> String {
    area >= 1e6 ? String(format: "%.3f km²", area / 1e6) : String(format: "%.0f m²", area)
}

struct ListDistricts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the districts: id, code, name, area, and their reports (total, unresolved, closed, per km²).")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let store = try await options.open()
        let districts: [District]
        do { districts = try await store.districts() } catch { throw fail(error) }
        guard !districts.isEmpty else {
            note("no districts: import some with `miestas districts import FILE`")
            return
        }
        let counts: [String: StatusCounts]
        do { counts = try await store.statusCountsByDistrict() } catch { throw fail(error) }
        let rows = districts.map { d in
            let c = counts[d.code] ?? StatusCounts()
            let km2 = d.areaSquareMetres / 1e6
            return [String(d.id), d.code, d.name, String(format: "%.2f", km2), String(c.total), String(c.unresolved), String(c[.closed]),
                    String(format: "%.1f", km2 > 0 ? Double(c.total) / km2 : 0)]
        }
        print(table(header: ["id", "code", "name", "area km²", "reports", "unresolved", "closed", "per km²"], rows: rows,
                    rightAligned: [0, 3, 4, 5, 6, 7]))
        if let outside = counts[""], outside.total > 0 { note("\(outside.total) reports lie outside every district") }
    }
}

/// A plain text table, columns padded to their widest cell (counted in characters).
func table(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
    let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, cell in
            let pad = String(repeating: " ", count: widths[i] - cell.count)
            return rightAligned.contains(i) ? pad + cell : cell + pad
        }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
}

struct LocateDistricts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "locate",
        abstract: "Find the district of a point, or of every row of a CSV file.",
        discussion: """
            A point on a boundary shared by several districts belongs to the one with the smallest \
            id; a point outside every district belongs to none. \
            Examples: `miestas districts locate 23.9036 54.8985`; \
            `miestas districts locate --csv reports.csv --lon-column longitude --lat-column latitude --output located.csv`.
            """)

    @Argument(help: "Longitude (EPSG:4326).") var lon: Double?
    @Argument(help: "Latitude (EPSG:4326).") var lat: Double?
    @Option(help: "A CSV file: locate each of its rows.") var csv: String?
    @Option(help: "The CSV column holding longitudes.") var lonColumn = "longitude"
    @Option(help: "The CSV column holding latitudes.") var latColumn = "latitude"
    @Option(help: "The name of the column to add.") var column = "district"
    @Option(help: "Where to write the CSV (default: standard output).") var output: String?
    @OptionGroup var options: SettingsOptions

    func validate() throws {
        switch (lon, lat, csv) {
        case (let lon?, let lat?, nil):
            guard DistrictLocator.isValid(Coordinate(lon, lat)) else {
                throw ValidationError("coordinates out of range: longitude must be within -180..180 and latitude within -90..90 (got \(lon), \(lat))")
            }
        case (nil, nil, _?): break
        case (_, _, _?): throw ValidationError("give either LON LAT or --csv FILE, not both")
        default: throw ValidationError("give LON LAT (both) or --csv FILE")
        }
    }

    func run() async throws {
        let (_, locator) = try await options.openWithLocator()
        if locator.districts.isEmpty { note("warning: the database has no districts; import some with `miestas districts import FILE`") }
        if let lon, let lat {
            if let d = locator.locate(Coordinate(lon, lat)) { print("\(d.code)\t\(d.name)") } else { print("none") }
            return
        }
        guard let csv else { return }
        let input: CSVTable
        do {
            guard let data = FileManager.default.contents(atPath: csv) else { throw fail("no such file: \(csv)") }
            input = try CSV.read(data)
        } catch let e as CSVError { throw fail("cannot read \(csv): \(e)") }
        let started = Date()
        let (annotated, summary): (CSVTable, DistrictBatchSummary)
        do { (annotated, summary) = try locator.annotate(input, lonColumn: lonColumn, latColumn: latColumn, outputColumn: column) } catch {
            throw fail(error)
        }
        let seconds = Date().timeIntervalSince(started)
        let data = CSV.write(annotated)
        if let output {
            do { try data.write(to: URL(fileURLWithPath: output)) } catch { throw fail("cannot write \(output): \(error.localizedDescription)") }
        } else {
            FileHandle.standardOutput.write(data)
        }
        note("\(summary.rows) rows: \(summary.located) located, \(summary.outside) outside every district, " +
             "\(summary.withoutCoordinates) without usable coordinates (\(String(format: "%.3f", seconds)) s)")
    }
}
