import Foundation
import Geo
import Store

/// How a district file is read.
public struct DistrictImportOptions: Sendable {
    /// The property holding the district's name; nil tries name, NAME, Name, pavadinimas.
    public var nameField: String?
    /// The property holding the code; nil tries code, CODE, Code, kodas, then the feature id,
    /// then the feature's position in the file (1, 2, ...).
    public var codeField: String?
    /// The CRS of a file that does not declare one (GeoJSON without a `crs` member, a
    /// shapefile without .prj). A GeoJSON file without either is CRS84, as RFC 7946 says.
    public var srid: String?
    /// Replace all existing districts instead of refusing to import over them.
    public var replace = false
    /// Repair invalid polygons (GEOS make-valid) and report them; false rejects them.
    public var repair = true

    public init(nameField: String? = nil, codeField: String? = nil, srid: String? = nil, replace: Bool = false, repair: Bool = true) {
        self.nameField = nameField; self.codeField = codeField; self.srid = srid
        self.replace = replace; self.repair = repair
    }
}

/// What an import did.
public struct DistrictImportReport: Sendable {
    public struct Repair: Sendable, Hashable { public var feature: String; public var reason: String }

    public var format: String
    public var sourceCRS: CRS
    /// The one operation that reprojected every district to WGS 84 (nil when the file was in it).
    public var operation: CoordinateOperation?
    public var districts: [District]
    public var repaired: [Repair]
    public var topology: TopologyReport
    /// Seconds spent per phase, in order.
    public var timings: [(phase: String, seconds: Double)]
}

/// Reads a district file, reprojects it to EPSG:4326, checks and repairs it, reports overlaps
/// and gaps, and stores it in one transaction. A failure at any step stores nothing.
public struct DistrictImporter: Sendable {
    public let store: any DistrictStore
    public init(store: any DistrictStore) { self.store = store }

    public func importFile(_ path: String, options: DistrictImportOptions = .init(),
                           progress: (String) -> Void = { _ in }) async throws(DistrictsError) -> DistrictImportReport {
        var clock = PhaseClock()
        let source = try DistrictSource.read(path: path)
        progress("read \(source.features.count) features (\(source.format.rawValue))")
        clock.lap("read")

        let crs = try Self.resolveCRS(declared: source.declaredCRS, given: options.srid, format: source.format, path: path)
        let prepared = try prepare(source.features, crs: crs, options: options, path: path, progress: progress)
        clock.lap("check and reproject")

        // Areas and topology in metres, with the whole set projected once to one metric CRS.
        var districts = prepared.districts
        let topology: TopologyReport
        do {
            let bounds = districts.reduce(into: BoundingBox.empty) { $0.expand(toInclude: $1.geometry.boundingBox) }
            let metric = try MetricProjection(for: bounds)
            let projected = try districts.map { (d) throws(GeoError) in try metric.project(d.geometry) }
            for i in districts.indices { districts[i].areaSquareMetres = projected[i].area }
            topology = try TopologyCheck.run(projected, labels: districts.map { "\($0.code) (\($0.name))" }, metric: metric)
        } catch {
            throw .geometry(feature: "topology check", reason: error.description)
        }
        progress("checked topology: \(topology.overlaps.count) overlap(s), \(topology.gaps.count) gap(s)")
        clock.lap("areas and topology")

        let stored: [District]
        do {
            stored = try await store.importDistricts(districts, source: URL(fileURLWithPath: path).lastPathComponent,
                                                     replacing: options.replace)
        } catch { throw .store(error) }
        clock.lap("store")
        return DistrictImportReport(format: source.format.rawValue, sourceCRS: crs, operation: prepared.operation, districts: stored,
                                    repaired: prepared.repaired, topology: topology, timings: clock.laps)
    }

    static func resolveCRS(declared: String?, given: String?, format: DistrictSource.Format, path: String) throws(DistrictsError) -> CRS {
        func resolve(_ text: String) throws(DistrictsError) -> CRS {
            do { return try CRS(text) } catch { throw .unknownCRS(text.count > 80 ? String(text.prefix(77)) + "..." : text) }
        }
        let declaredCRS = try declared.map(resolve)
        let givenCRS = try given.map(resolve)
        switch (declaredCRS, givenCRS) {
        case let (d?, g?):
            guard d == g || (d.epsg != nil && d.epsg == g.epsg) else { throw .conflictingCRS(declared: d.description, given: g.description) }
            return d
        case let (d?, nil): return d
        case let (nil, g?): return g
        case (nil, nil):
            guard format == .geoJSON else { throw .missingCRS(path: path) }
            return .wgs84
        }
    }

    private struct Prepared { var districts: [NewDistrict]; var repaired: [DistrictImportReport.Repair]; var operation: CoordinateOperation? }

    /// The transformer to WGS 84 that applies the most accurate operation for the data's area
    /// (found in lon/lat through PROJ's default operation, which is near enough for choosing).
    static func transformer(from crs: CRS, for features: [Feature]) throws(DistrictsError) -> CoordinateTransformer {
        do {
            guard crs != .wgs84 else { return try CoordinateTransformer(from: crs, to: .wgs84) }
            let box = features.reduce(into: BoundingBox.empty) { box, f in if let g = f.geometry { box.expand(toInclude: g.boundingBox) } }
            let rough = try CoordinateTransformer(from: crs, to: .wgs84)
            var corners = [Coordinate(box.minX, box.minY), Coordinate(box.maxX, box.minY), Coordinate(box.maxX, box.maxY),
                           Coordinate(box.minX, box.maxY), box.center]
            try rough.transform(&corners)
            let area = corners.reduce(into: BoundingBox.empty) { $0.expand(toInclude: $1) }
            return try CoordinateTransformer(from: crs, to: .wgs84, within: area)
        } catch {
            throw .unknownCRS("\(crs.description): \(error)")
        }
    }

    private func prepare(_ features: [Feature], crs: CRS, options: DistrictImportOptions, path: String,
                         progress: (String) -> Void) throws(DistrictsError) -> Prepared {
        guard features.contains(where: { $0.geometry?.polygons.isEmpty == false }) else { throw .noPolygons(path: path) }
        let fields = Set(features.flatMap(\.properties.keys))
        let nameField = try Self.field(options.nameField, candidates: ["name", "NAME", "Name", "pavadinimas", "PAVADINIMAS"],
                                       option: "--name-field", fields: fields, required: true)!
        let codeField = try Self.field(options.codeField, candidates: ["code", "CODE", "Code", "kodas", "KODAS"],
                                       option: "--code-field", fields: fields, required: false)

        let transformer = try Self.transformer(from: crs, for: features)
        let geos = GeosContext()
        var districts: [NewDistrict] = []
        var repaired: [DistrictImportReport.Repair] = []
        var codes: [String: [String]] = [:]
        var ticker = ProgressTicker(total: features.count, label: "checked")

        for (index, feature) in features.enumerated() {
            let label = Self.label(feature, index: index, nameField: nameField)
            guard let name = feature.properties[nameField]?.text, !name.isEmpty else {
                throw .missingValue(field: nameField, feature: label)
            }
            let code: String
            if let codeField {
                guard let value = feature.properties[codeField]?.text, !value.isEmpty else { throw .missingValue(field: codeField, feature: label) }
                code = value
            } else {
                code = feature.id?.text ?? String(index + 1)
            }
            codes[code, default: []].append(label)

            guard let geometry = feature.geometry else { throw .notPolygonal(feature: label, type: "feature without geometry") }
            guard geometry.isPolygonal, !geometry.polygons.isEmpty else { throw .notPolygonal(feature: label, type: geometry.typeName) }
            if crs.isGeographic { try Self.checkRange(geometry, feature: label, crs: crs.description) }

            let lonLat: Geometry
            do { lonLat = try transformer.transform(geometry) } catch {
                throw .coordinatesOutOfRange(feature: label, x: geometry.boundingBox.minX, y: geometry.boundingBox.minY, crs: crs.description)
            }
            try Self.checkRange(lonLat, feature: label, crs: CRS.wgs84.description)

            let (valid, repair) = try validated(lonLat, label: label, geos: geos, repair: options.repair)
            if let repair { repaired.append(repair) }
            var properties = feature.properties
            properties[nameField] = nil
            if let codeField { properties[codeField] = nil }
            districts.append(NewDistrict(code: code, name: name, geometry: valid, areaSquareMetres: 0, properties: properties))
            if let line = ticker.advance() { progress(line) }
        }
        if let (code, labels) = codes.first(where: { $0.value.count > 1 }) { throw .duplicateCode(code: code, features: labels) }

        if !repaired.isEmpty { progress("repaired \(repaired.count) invalid polygon(s)") }
        return Prepared(districts: districts, repaired: repaired, operation: transformer.operation)
    }

    private func validated(_ geometry: Geometry, label: String, geos: GeosContext, repair: Bool) throws(DistrictsError) -> (Geometry, DistrictImportReport.Repair?) {
        do {
            let g = try geos.geometry(geometry)
            if g.isValid { return (.multiPolygon(geometry.polygons), nil) }
            let reason = g.validityReason
            guard repair else { throw DistrictsError.invalidGeometry(feature: label, reason: reason) }
            let fixed = try g.makeValid().toGeometry()
            let polygons = fixed.polygons.filter { !$0.rings.isEmpty }
            guard !polygons.isEmpty else { throw DistrictsError.unrepairable(feature: label, reason: "\(reason); nothing polygonal is left") }
            return (.multiPolygon(polygons), .init(feature: label, reason: reason))
        } catch let e as DistrictsError {
            throw e
        } catch let e as GeoError {
            // Structural faults (an unclosed ring, too few points) cannot even be built.
            throw .unrepairable(feature: label, reason: e.description)
        } catch {
            throw .unrepairable(feature: label, reason: "\(error)")
        }
    }

    static func checkRange(_ g: Geometry, feature: String, crs: String) throws(DistrictsError) {
        let box = g.boundingBox
        guard box.minX >= -180, box.maxX <= 180, box.minY >= -90, box.maxY <= 90 else {
            let x = abs(box.minX) > 180 ? box.minX : box.maxX
            let y = abs(box.minY) > 90 ? box.minY : box.maxY
            throw .coordinatesOutOfRange(feature: feature, x: x, y: y, crs: crs)
        }
    }

    /// The field to read: the one asked for, else the first candidate present. Names match without
    /// regard to case, as dBase (Shapefile) field names do and GIS tools show them in their stored
    /// case (`longName` for `LONGNAME`); an exact match wins, and two fields differing only in
    /// case are ambiguous.
    static func field(_ requested: String?, candidates: [String], option: String, fields: Set<String>, required: Bool) throws(DistrictsError) -> String? {
        func matching(_ name: String) throws(DistrictsError) -> String? {
            if fields.contains(name) { return name }
            let folded = fields.filter { $0.lowercased() == name.lowercased() }.sorted()
            if folded.count > 1 { throw .ambiguousField(field: name, option: option, matches: folded) }
            return folded.first
        }
        if let requested {
            guard let found = try matching(requested) else { throw .missingField(field: requested, option: option, available: Array(fields)) }
            return found
        }
        for candidate in candidates { if let found = try matching(candidate) { return found } }
        if required { throw .missingField(field: candidates[0], option: option, available: Array(fields)) }
        return nil
    }

    /// "feature 12 ("Kauno m. sav.")", for messages.
    static func label(_ feature: Feature, index: Int, nameField: String?) -> String {
        if let nameField, let name = feature.properties[nameField]?.text { return "feature \(index + 1) (\"\(name)\")" }
        return "feature \(index + 1)"
    }
}

/// Times the phases of a long operation.
struct PhaseClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var laps: [(phase: String, seconds: Double)] = []

    mutating func lap(_ phase: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((phase, Double(now - last) / 1e9))
        last = now
    }
}

/// Progress on large inputs: a line at most twice a second.
public struct ProgressTicker {
    let total: Int?
    let label: String
    private var done = 0
    private var lastReport = DispatchTime.now().uptimeNanoseconds

    /// Counts items toward a known total.
    public init(total: Int, label: String) { self.total = total; self.label = label }
    /// Counts items whose number is known only at the end (rows of a file still being read).
    public init(label: String) { self.total = nil; self.label = label }

    /// Counts one item (or `count`); returns a line to show when it is time for one: twice a
    /// second, and at the end of a long run.
    public mutating func advance(by count: Int = 1) -> String? {
        done += count
        guard let total else { return due(finished: false) ? "\(label) \(done)" : nil }
        guard due(finished: done == total && total >= 10_000) else { return nil }
        return "\(label) \(done)/\(total) (\(done * 100 / max(total, 1))%)"
    }

    /// Counts `count` items when the share of the work done is known some other way (bytes read).
    public mutating func advance(by count: Int, fraction: Double) -> String? {
        done += count
        guard due(finished: false) else { return nil }
        return "\(label) \(done) (\(Int(fraction * 100))%)"
    }

    private mutating func due(finished: Bool) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastReport > 500_000_000 || finished else { return false }
        lastReport = now
        return true
    }
}
