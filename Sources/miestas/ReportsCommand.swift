import ArgumentParser
import Districts
import Foundation
import Geo
import Reports
import Store

struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports", abstract: "Import reports from another 311 system and export them as open data.",
        subcommands: [ImportReports.self, ExportReports.self])
}

struct ImportReports: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a 311 CSV export through a mapping (Data/mappings/NAME.json).",
        discussion: """
            Each row is located in its district (rows outside every district are refused and counted), \
            mapped to a service (unknown categories keep a code of their own), and stored with its original \
            id, times and status. Importing the same file again adds nothing: rows are matched by their id.
            """)

    @Argument(help: "The CSV file.") var file: String
    @Option(help: "The mapping: a name in Data/mappings (e.g. boston) or a path.") var mapping: String
    @Option(name: .customLong("shift-to"), help: ArgumentHelp(
        "Move every time by whole weeks so the newest report falls in the week before this day (today, or 2026-12-01): demo data that keeps up with the calendar.",
        valueName: "day"))
    var shiftTo: String?
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.load()
        let (store, locator) = try await options.openWithLocator(settings)
        if locator.districts.isEmpty { throw fail("the database has no districts: import them first (`miestas districts import`), every row would be outside") }
        let summary: ReportImportSummary
        do {
            let m = try ImportMapping.load(mapping)
            var shift = 0.0
            if let shiftTo {
                let time = LocalTime(settings.municipality.timeZone)
                guard let day = shiftTo == "today" ? Date() : time.parseDayOrInstant(shiftTo) else {
                    throw fail("--shift-to must be today or a day such as 2026-12-01, got '\(shiftTo)'")
                }
                shift = try ReportImporter.weeksToBring(file, mapping: m, upTo: day)
                note("moving every time \(Int(shift / 86_400)) days later")
            }
            // One sync at the end rather than one per batch (see `bulkLoad`).
            summary = try await store.bulkLoad {
                try await ReportImporter(store: store, locator: locator).importCSV(file, mapping: m, shift: shift, progress: note)
            }
        } catch let exit as ExitCode { throw exit } catch { throw fail(error) }
        print("\(summary.rows) rows in \(String(format: "%.2f", summary.seconds)) s: \(summary.imported) imported, "
              + "\(summary.alreadyThere) already there, \(summary.rejectedCount) refused")
        for (reason, r) in summary.rejected.sorted(by: { $0.value.count > $1.value.count }) {
            print("  refused, \(reason): \(r.count) (rows \(r.examples.map(String.init).joined(separator: ", "))\(r.count > r.examples.count ? ", ..." : ""))")
        }
        if !summary.perDistrict.isEmpty {
            print(table(header: ["district", "reports"], rows: summary.perDistrict.sorted { $0.key.localizedStandardCompare($1.key) == .orderedAscending }.map { [$0.key, String($0.value)] },
                        rightAligned: [1]))
        }
        if !summary.unmappedCategories.isEmpty {
            print("\(summary.unmappedCategories.count) categories not in the mapping kept codes of their own (\(summary.unmappedCategories.values.reduce(0, +)) reports)")
        }
        for p in summary.pileUps {
            print("warning: \(p.reports) reports at exactly (\(p.location.y), \(p.location.x)) across \(p.services) services: probably a default location, not the real places")
        }
    }
}

struct ExportReports: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export reports (public fields only) as CSV or GeoJSON, newest first.")

    enum Format: String, ExpressibleByArgument { case csv, geojson }

    @Option(help: "csv or geojson.") var format: Format = .csv
    @Option(help: "Where to write (default: standard output).") var output: String?
    @Option(help: "Only these services (comma-separated codes).") var service: String?
    @Option(help: "Only these statuses: open, acknowledged, in_progress, closed (comma-separated).") var status: String?
    @Option(help: "Only this district (code).") var district: String?
    @Option(help: "Requested at or after (ISO 8601 with offset).") var since: String?
    @Option(help: "Requested before (ISO 8601 with offset).") var until: String?
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.load()
        let store = try await options.open(settings)
        let time = LocalTime(settings.municipality.timeZone)
        var query = ReportQuery(limit: 10_000)
        query.serviceCodes = service?.split(separator: ",").map(String.init) ?? []
        query.districtCodes = district.map { [$0] } ?? []
        query.statuses = try (status?.split(separator: ",") ?? []).map { s in
            guard let v = ReportStatus(rawValue: String(s)) else { throw fail("unknown status '\(s)'") }
            return v
        }
        query.requestedFrom = try since.map { s in guard let d = Open311Time.parse(s) else { throw fail("--since must be ISO 8601 with an offset") }; return d }
        query.requestedUntil = try until.map { s in guard let d = Open311Time.parse(s) else { throw fail("--until must be ISO 8601 with an offset") }; return d }
        var all: [Report] = []
        do {
            while true {
                let page = try await store.reports(query)
                all += page
                if page.count < query.limit { break }
                query.offset += query.limit
            }
        } catch { throw fail(error) }
        let data = format == .csv ? Data((ReportExport.csvHeader() + ReportExport.csvLines(all, time: time)).utf8) : ReportExport.geoJSON(all, time: time)
        if let output {
            do { try data.write(to: URL(fileURLWithPath: output)) } catch { throw fail("cannot write \(output): \(error.localizedDescription)") }
        } else {
            FileHandle.standardOutput.write(data)
        }
        note("exported \(all.count) reports")
    }
}
