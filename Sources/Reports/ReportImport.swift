import CSV
import Districts
import Foundation
import JSONText
import Geo
import Store

/// How the columns and categories of another city's 311 export map onto Miestas
/// (`Data/mappings/NAME.json`).
public struct ImportMapping: Decodable, Sendable {
    public struct Columns: Decodable, Sendable {
        public var externalId: String
        public var requestedAt: String
        public var closedAt: String?
        public var status: String
        public var category: String
        public var description: String?
        public var latitude: String
        public var longitude: String
        public var address: String?
        public var zipcode: String?
        enum CodingKeys: String, CodingKey {
            case externalId = "external_id", requestedAt = "requested_at", closedAt = "closed_at", status, category
            case description, latitude, longitude, address, zipcode
        }
    }
    public var name: String
    public var columns: Columns
    /// The zone of times written without an offset.
    public var timeZone: String
    /// Source status → Miestas status (`open`, `closed`, ...).
    public var statuses: [String: String]
    /// Source category → service code. Categories not listed keep a code of their own.
    public var categories: [String: String]
    enum CodingKeys: String, CodingKey { case name, columns, timeZone = "time_zone", statuses, categories }

    /// `boston` → `Data/mappings/boston.json`; anything with a slash or `.json` is a path.
    public static func load(_ nameOrPath: String) throws(ReportImportError) -> ImportMapping {
        let path = nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") ? nameOrPath : "Data/mappings/\(nameOrPath).json"
        guard let data = FileManager.default.contents(atPath: path) else { throw .mapping("no mapping file \(path)") }
        do { return try JSONDecoder().decode(ImportMapping.self, from: data) } catch let e as DecodingError {
            throw .mapping("\(path): \(e.readableDescription)")
        } catch { throw .mapping("\(path): \(error)") }
    }

    /// The code a category is stored under: the mapped service, else a code made of its words
    /// ("Sign Repair" → "sign_repair").
    public func serviceCode(for category: String) -> String {
        if let mapped = categories[category] { return mapped }
        var code = ""
        for scalar in category.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) { code.unicodeScalars.append(scalar) } else if !code.hasSuffix("_") { code += "_" }
        }
        let trimmed = code.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
        return trimmed.isEmpty ? "uncategorised" : trimmed
    }
}

public enum ReportImportError: Error, Equatable, Sendable, CustomStringConvertible {
    case mapping(String)
    case unreadable(path: String, reason: String)
    case missingColumn(String, available: [String])
    case store(String)

    public var description: String {
        switch self {
        case .mapping(let reason): "bad import mapping: \(reason)"
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .missingColumn(let column, let available): "the file has no column '\(column)' (it has: \(available.joined(separator: ", ")))"
        case .store(let reason): "the import could not be stored: \(reason)"
        }
    }
}

/// What an import did.
public struct ReportImportSummary: Sendable {
    public var rows = 0
    public var imported = 0
    /// Rows whose external id is stored already (imports are idempotent).
    public var alreadyThere = 0
    /// Reason → rows refused for it, with the first few row numbers (1 = the first data row).
    public var rejected: [String: (count: Int, examples: [Int])] = [:]
    public var perDistrict: [String: Int] = [:]
    public var unmappedCategories: [String: Int] = [:]
    public var pileUps: [LocationPileUp] = []
    public var seconds = 0.0

    public var rejectedCount: Int { rejected.values.reduce(0) { $0 + $1.count } }
}

/// Imports a 311 CSV export through a mapping: located, idempotent by external id, stored in
/// large transactions, with every refused row counted under its reason.
public struct ReportImporter: Sendable {
    public let store: any ReportStore
    public let locator: DistrictLocator
    public static let batchSize = 5_000

    public init(store: any ReportStore, locator: DistrictLocator) { self.store = store; self.locator = locator }

    /// `shift` is added to every time read (`weeksToBring` computes one that brings old data up to a day).
    public func importCSV(_ path: String, mapping: ImportMapping, shift: TimeInterval = 0,
                          progress: (String) -> Void = { _ in }) async throws(ReportImportError) -> ReportImportSummary {
        let started = Date()
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "no such file") }
        // Read a chunk at a time: the first rows are being written while the rest is parsed.
        var reader: CSVReader
        do { reader = try CSVReader(data) } catch { throw .unreadable(path: path, reason: error.description) }
        let header = reader.header
        let c = mapping.columns
        func column(_ name: String?) throws(ReportImportError) -> Int? {
            guard let name else { return nil }
            guard let index = header.firstIndex(of: name) else { throw .missingColumn(name, available: header) }
            return index
        }
        let idColumn = try column(c.externalId)!, openedColumn = try column(c.requestedAt)!, statusColumn = try column(c.status)!
        let categoryColumn = try column(c.category)!, latColumn = try column(c.latitude)!, lonColumn = try column(c.longitude)!
        let closedColumn = try column(c.closedAt), descriptionColumn = try column(c.description)
        let addressColumn = try column(c.address), zipColumn = try column(c.zipcode)
        guard let zone = TimeZone(identifier: mapping.timeZone) else { throw .mapping("unknown time zone '\(mapping.timeZone)'") }
        let times = LocalTimeParser(timeZone: zone)
        progress("reading \(path) (\(data.count / 1_000_000) MB)")

        var summary = ReportImportSummary()
        func reject(_ reason: String, _ row: Int) {
            summary.rejected[reason, default: (0, [])].count += 1
            if summary.rejected[reason]!.examples.count < 5 { summary.rejected[reason]!.examples.append(row) }
        }
        var batch: [NewReport] = []
        // The batch being written while the next is read: reading and locating rows, and SQLite
        // inserting them, each take about half the time, and there are two cores.
        var writing: (batch: [NewReport], results: Task<[Result<Report, StoreError>], Never>)?
        let store = store
        func flush() async {
            if let (written, results) = writing { tally(written, await results.value, into: &summary) }
            let next = batch
            writing = next.isEmpty ? nil : (next, Task { await store.insertReports(next) })
            batch.removeAll(keepingCapacity: true)
        }
        var located: [(location: Coordinate, serviceCode: String)] = []
        var seen = Set<String>()
        var codes: [String: String] = [:]  // category → service code, worked out once per category
        var ticker = ProgressTicker(label: "rows read:")

        /// The report a row makes, or nil when the row is refused or stored already.
        func report(_ row: [String], _ n: Int, existing: Set<String>) -> NewReport? {
            func field(_ i: Int?) -> String? {
                guard let i, i < row.count else { return nil }
                let v = row[i].trimmingWhitespace
                return v.isEmpty ? nil : v
            }
            guard let id = field(idColumn) else { reject("no \(c.externalId)", n); return nil }
            // Stored before this import (rows written by this one are in `seen`: a later chunk's
            // lookup can find them, and they are repeats, not "already there").
            if existing.contains(id) && !seen.contains(id) { summary.alreadyThere += 1; return nil }
            guard seen.insert(id).inserted else { reject("\(c.externalId) repeated in the file", n); return nil }
            guard let lat = field(latColumn).flatMap(Double.init), let lon = field(lonColumn).flatMap(Double.init) else {
                reject("no coordinates", n); return nil
            }
            let point = Coordinate(lon, lat)
            guard DistrictLocator.isValid(point) else { reject("coordinates out of range", n); return nil }
            guard let district = locator.locate(point) else { reject("outside every district", n); return nil }
            guard let opened = field(openedColumn).flatMap(times.parse)?.addingTimeInterval(shift) else { reject("bad or missing \(c.requestedAt) time", n); return nil }
            guard let rawStatus = field(statusColumn), let statusName = mapping.statuses[rawStatus], let status = ReportStatus(rawValue: statusName) else {
                reject("unknown status '\(field(statusColumn) ?? "")'", n); return nil
            }
            let closed = field(closedColumn).flatMap(times.parse)?.addingTimeInterval(shift)
            let category = field(categoryColumn) ?? ""
            if mapping.categories[category] == nil { summary.unmappedCategories[category, default: 0] += 1 }
            let code = codes[category] ?? { let c = mapping.serviceCode(for: category); codes[category] = c; return c }()
            located.append((point, code))
            summary.perDistrict[district.code, default: 0] += 1
            return NewReport(serviceCode: code, description: field(descriptionColumn) ?? "", location: point,
                             districtCode: district.code, address: field(addressColumn), zipcode: field(zipColumn),
                             requestedAt: opened, status: status, closedAt: status == .closed ? (closed ?? opened) : nil,
                             externalId: id, source: "import:\(mapping.name)")
        }

        while true {
            let chunk: [[String]]
            do { chunk = try reader.next(Self.batchSize) } catch { throw .unreadable(path: path, reason: error.description) }
            if chunk.isEmpty { break }
            let existing: Set<String>
            do { existing = try await store.existingExternalIds(chunk.compactMap { idColumn < $0.count ? $0[idColumn] : nil }) } catch {
                throw .store(error.description)
            }
            for row in chunk {
                summary.rows += 1
                guard let new = report(row, summary.rows, existing: existing) else { continue }
                batch.append(new)
                if batch.count >= Self.batchSize { await flush() }
            }
            if let line = ticker.advance(by: chunk.count, fraction: reader.fractionRead) { progress(line) }
        }
        await flush()
        await flush()
        summary.pileUps = DataQuality.pileUps(located)
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// The shift, in whole weeks (so weekdays stay as they were), that brings the file's newest
    /// report into the week before `day`: demo data that keeps moving with the calendar. Zero when
    /// the file is already that recent. Reads the file's times once, before the import.
    public static func weeksToBring(_ path: String, mapping: ImportMapping, upTo day: Date) throws(ReportImportError) -> TimeInterval {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "no such file") }
        guard let zone = TimeZone(identifier: mapping.timeZone) else { throw .mapping("unknown time zone '\(mapping.timeZone)'") }
        let times = LocalTimeParser(timeZone: zone)
        var reader: CSVReader
        do { reader = try CSVReader(data) } catch { throw .unreadable(path: path, reason: error.description) }
        guard let column = reader.header.firstIndex(of: mapping.columns.requestedAt) else {
            throw .missingColumn(mapping.columns.requestedAt, available: reader.header)
        }
        var newest: Date?
        while true {
            let chunk: [[String]]
            do { chunk = try reader.next(batchSize) } catch { throw .unreadable(path: path, reason: error.description) }
            if chunk.isEmpty { break }
            for row in chunk where column < row.count {
                if let t = times.parse(row[column].trimmingWhitespace), t > (newest ?? .distantPast) { newest = t }
            }
        }
        guard let newest, newest < day else { return 0 }
        let week = 7 * 86_400.0
        return (day.timeIntervalSince(newest) / week).rounded(.down) * week
    }

    private func tally(_ batch: [NewReport], _ results: [Result<Report, StoreError>], into summary: inout ReportImportSummary) {
        for (report, result) in zip(batch, results) {
            switch result {
            case .success: summary.imported += 1
            case .failure(let e):
                summary.perDistrict[report.districtCode ?? "", default: 1] -= 1
                summary.rejected["not stored: \(e)", default: (0, [])].count += 1
            }
        }
    }
}

/// "2015-01-01T00:20:09" (no offset) read as local time in one zone; values with an offset too.
/// Written out by hand because Foundation's calendar arithmetic cost more than the rest of an
/// import together (two times a row, 58,000 rows).
struct LocalTimeParser {
    let timeZone: TimeZone

    init(timeZone: TimeZone) { self.timeZone = timeZone }

    func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        // An offset or a "Z" after the time: the standard parser.
        if bytes.count > 19 { return Open311Time.parse(text) }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var n = 0
            for b in bytes[from..<(from + count)] {
                guard b >= 48 && b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            return n
        }
        guard bytes.count >= 16, let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2),
              let h = number(11, 2), let mi = number(14, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60 else { return nil }
        let sec = bytes.count >= 19 ? (number(17, 2) ?? -1) : 0
        guard (0..<61).contains(sec) else { return nil }
        let days = Int(CivilDate(year: y, month: mo, day: d).daysSince1970)
        let local = Double(days * 86_400 + h * 3_600 + mi * 60 + sec)
        // The zone's offset at that moment (daylight saving included).
        let guess = Date(timeIntervalSince1970: local)
        let offset = timeZone.secondsFromGMT(for: guess.addingTimeInterval(-Double(timeZone.secondsFromGMT(for: guess))))
        return Date(timeIntervalSince1970: local - Double(offset))
    }
}
