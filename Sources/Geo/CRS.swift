import CProj
import Foundation

/// A coordinate reference system known to PROJ, named by an EPSG code, an OGC URN or URL,
/// `CRS:84`, or WKT / ESRI `.prj` text. Miestas always works in "visualization" axis order
/// (longitude or easting first), whatever order the CRS itself declares.
public struct CRS: Hashable, Sendable, CustomStringConvertible {
    /// The text handed to PROJ ("EPSG:3346", "OGC:CRS84", or WKT).
    public let definition: String
    /// The EPSG code, when the CRS is or was identified as an EPSG CRS.
    public let epsg: Int?
    /// PROJ's name for it, e.g. "LKS94 / Lithuania TM".
    public let name: String
    /// True for geographic (degree) CRSs.
    public let isGeographic: Bool

    /// WGS 84 longitude/latitude, the CRS of everything Miestas stores.
    public static let wgs84 = CRS(definition: "OGC:CRS84", epsg: 4326, name: "WGS 84 (CRS84)", isGeographic: true)

    private init(definition: String, epsg: Int?, name: String, isGeographic: Bool) {
        self.definition = definition; self.epsg = epsg; self.name = name; self.isGeographic = isGeographic
    }

    /// Resolves `text` through PROJ, or throws `GeoError.unknownCRS`.
    public init(_ text: String) throws(GeoError) {
        let normalized = Self.normalize(text)
        if normalized == "OGC:CRS84" { self = .wgs84; return }
        let context = ProjContext()
        guard let pj = proj_create(context.handle, normalized) else { throw .unknownCRS(Self.shortened(text)) }
        defer { proj_destroy(pj) }
        guard proj_is_crs(pj) != 0 else { throw .unknownCRS(Self.shortened(text)) }
        let type = proj_get_type(pj)
        let geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS
        let name = proj_get_name(pj).map { String(cString: $0) } ?? normalized
        let code = Self.epsgCode(of: pj, in: context)
        // WGS 84 in any spelling becomes the one canonical value, so equality means sameness.
        if code == 4326 { self = .wgs84; return }
        self.init(definition: code.map { "EPSG:\($0)" } ?? normalized, epsg: code, name: name, isGeographic: geographic)
    }

    /// Convenience for an EPSG code.
    public init(epsg code: Int) throws(GeoError) { try self.init("EPSG:\(code)") }

    public var description: String { epsg.map { "EPSG:\($0)" } ?? name }

    /// Maps the many spellings of a CRS name onto what PROJ reads.
    static func normalize(_ raw: String) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if let code = Int(text) { return "EPSG:\(code)" }
        let lower = text.lowercased()
        let crs84 = ["crs:84", "crs84", "ogc:crs84", "urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84",
                     "http://www.opengis.net/def/crs/ogc/1.3/crs84", "https://www.opengis.net/def/crs/ogc/1.3/crs84"]
        if crs84.contains(lower) { return "OGC:CRS84" }
        // urn:ogc:def:crs:EPSG::3346, urn:ogc:def:crs:EPSG:6.6:3346, http://www.opengis.net/def/crs/EPSG/0/3346
        for prefix in ["urn:ogc:def:crs:epsg:", "http://www.opengis.net/def/crs/epsg/", "https://www.opengis.net/def/crs/epsg/", "epsg:"]
        where lower.hasPrefix(prefix) {
            if let last = lower.split(whereSeparator: { $0 == ":" || $0 == "/" }).last, let code = Int(last) {
                return "EPSG:\(code)"
            }
        }
        return text
    }

    private static func epsgCode(of pj: OpaquePointer, in context: ProjContext) -> Int? {
        if let auth = proj_get_id_auth_name(pj, 0), String(cString: auth) == "EPSG",
           let code = proj_get_id_code(pj, 0) {
            return Int(String(cString: code))
        }
        // WKT and .prj text carry no identifier: ask PROJ for the EPSG CRS that matches it.
        var confidence: UnsafeMutablePointer<Int32>? = nil
        guard let matches = proj_identify(context.handle, pj, "EPSG", nil, &confidence) else { return nil }
        defer { proj_list_destroy(matches); proj_int_list_destroy(confidence) }
        guard proj_list_get_count(matches) > 0, let confidence, confidence[0] >= 90,
              let best = proj_list_get(context.handle, matches, 0) else { return nil }
        defer { proj_destroy(best) }
        return proj_get_id_code(best, 0).flatMap { Int(String(cString: $0)) }
    }

    private static func shortened(_ text: String) -> String {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.count > 80 ? String(t.prefix(77)) + "..." : t
    }

    /// The UTM zone (WGS 84) holding the centre of `box`, for distances and areas in metres.
    public static func utm(for box: BoundingBox) -> CRS {
        let c = box.center
        let zone = min(60, max(1, Int(((c.x + 180) / 6).rounded(.down)) + 1))
        let code = (c.y >= 0 ? 32600 : 32700) + zone
        // Every UTM code exists in PROJ's database; a failure here is a broken installation.
        guard let crs = try? CRS(epsg: code) else { fatalError("PROJ does not know EPSG:\(code): is proj-data installed?") }
        return crs
    }
}

/// One PROJ context: PROJ handles are not shared across threads, so every owner makes its own.
final class ProjContext {
    let handle: OpaquePointer
    init() {
        handle = proj_context_create()
        proj_log_level(handle, PJ_LOG_NONE)
    }
    deinit { proj_context_destroy(handle) }

    var lastError: String {
        let code = proj_context_errno(handle)
        return proj_context_errno_string(handle, code).map { String(cString: $0) } ?? "error \(code)"
    }
}

/// The coordinate operation a transformer applies, as PROJ names it, with its accuracy in
/// metres (nil when PROJ does not know it: a "ballpark" operation that may be off by 100 m).
public struct CoordinateOperation: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let accuracyMetres: Double?
    public var description: String {
        "\(name) (accuracy \(accuracyMetres.map { $0 < 1 ? String(format: "%.1f m", $0) : String(format: "%.0f m", $0) } ?? "unknown"))"
    }
}

/// Transforms coordinates between two CRSs, in lon/lat (easting/northing) order on both sides.
/// Owns its PROJ context: use one per thread or actor.
public final class CoordinateTransformer {
    public let source: CRS
    public let target: CRS
    /// With `within`: the one operation chosen for the whole area; otherwise nil (PROJ picks per point).
    public let operation: CoordinateOperation?
    private let context = ProjContext()
    private let pj: OpaquePointer?  // nil when source and target are the same CRS

    /// A transformer that lets PROJ pick an operation for each point (by its area of use).
    public init(from source: CRS, to target: CRS) throws(GeoError) {
        self.source = source
        self.target = target
        operation = nil
        if source == target { pj = nil; return }
        let (s, t) = try Self.crss(source, target, context)
        defer { proj_destroy(s); proj_destroy(t) }
        guard let raw = proj_create_crs_to_crs_from_pj(context.handle, s, t, nil, nil) else {
            throw .transformFailed("no operation from \(source) to \(target): \(context.lastError)")
        }
        defer { proj_destroy(raw) }
        pj = try Self.normalized(raw, context)
    }

    /// A transformer that applies one operation to everything: the most accurate one PROJ knows
    /// for data within `area` (lon/lat degrees) whose grids are installed. PROJ's own choice
    /// depends on how the target is spelled (to OGC:CRS84 it finds a 0.1 m NAD83 transformation
    /// that to EPSG:4326 it does not, and takes a 4 m one) and may differ from point to point at
    /// the edge of an operation's area; this choice does neither, and says what it chose.
    public init(from source: CRS, to target: CRS, within area: BoundingBox) throws(GeoError) {
        self.source = source
        self.target = target
        if source == target { pj = nil; operation = nil; return }
        let (s, t) = try Self.crss(source, target, context)
        defer { proj_destroy(s); proj_destroy(t) }
        var candidates: [(op: OpaquePointer, accuracy: Double?)] = []
        defer { for c in candidates { proj_destroy(c.op) } }
        // WGS 84 is offered to PROJ in both its spellings: their candidate lists differ.
        var targets = [t]
        if target == .wgs84, let alternative = proj_create(context.handle, "EPSG:4326") { targets.append(alternative) }
        defer { for extra in targets.dropFirst() { proj_destroy(extra) } }
        for candidateTarget in targets {
            guard let factory = proj_create_operation_factory_context(context.handle, nil) else { continue }
            defer { proj_operation_factory_context_destroy(factory) }
            proj_operation_factory_context_set_area_of_interest(context.handle, factory, area.minX, area.minY, area.maxX, area.maxY)
            proj_operation_factory_context_set_spatial_criterion(context.handle, factory, PROJ_SPATIAL_CRITERION_PARTIAL_INTERSECTION)
            proj_operation_factory_context_set_grid_availability_use(context.handle, factory, PROJ_GRID_AVAILABILITY_DISCARD_OPERATION_IF_MISSING_GRID)
            guard let list = proj_create_operations(context.handle, s, candidateTarget, factory) else { continue }
            defer { proj_list_destroy(list) }
            for i in 0..<proj_list_get_count(list) {
                guard let op = proj_list_get(context.handle, list, i) else { continue }
                guard proj_coordoperation_is_instantiable(context.handle, op) != 0 else { proj_destroy(op); continue }
                let accuracy = proj_coordoperation_get_accuracy(context.handle, op)
                candidates.append((op, accuracy >= 0 ? accuracy : nil))
            }
        }
        // Known accuracies first, smallest first; an operation of unknown accuracy only when none is known.
        guard let best = candidates.min(by: { a, b in (a.accuracy ?? .infinity) < (b.accuracy ?? .infinity) }) else {
            throw .transformFailed("no usable operation from \(source) to \(target) for the data's area: \(context.lastError)")
        }
        operation = CoordinateOperation(name: proj_get_name(best.op).map { String(cString: $0) } ?? "unnamed", accuracyMetres: best.accuracy)
        pj = try Self.normalized(best.op, context)
    }

    private static func crss(_ source: CRS, _ target: CRS, _ context: ProjContext) throws(GeoError) -> (OpaquePointer, OpaquePointer) {
        guard let s = proj_create(context.handle, source.definition) else { throw .unknownCRS(source.description) }
        guard let t = proj_create(context.handle, target.definition) else { proj_destroy(s); throw .unknownCRS(target.description) }
        return (s, t)
    }

    /// The operation with longitude (easting) first on both sides, whatever the CRSs declare.
    private static func normalized(_ op: OpaquePointer, _ context: ProjContext) throws(GeoError) -> OpaquePointer {
        guard let normalized = proj_normalize_for_visualization(context.handle, op) else {
            throw .transformFailed("cannot normalise axis order: \(context.lastError)")
        }
        return normalized
    }

    deinit { if let pj { proj_destroy(pj) } }

    public var isIdentity: Bool { pj == nil }

    /// Transforms the coordinates in place; throws if any of them cannot be transformed.
    public func transform(_ coordinates: inout [Coordinate]) throws(GeoError) {
        guard let pj, !coordinates.isEmpty else { return }
        let count = coordinates.count
        let stride = MemoryLayout<Coordinate>.stride
        coordinates.withUnsafeMutableBytes { raw in
            let x = raw.baseAddress!.assumingMemoryBound(to: Double.self)
            let y = x + 1
            _ = proj_trans_generic(pj, PJ_FWD, x, stride, count, y, stride, count, nil, 0, 0, nil, 0, 0)
        }
        if let bad = coordinates.firstIndex(where: { !$0.x.isFinite || !$0.y.isFinite }) {
            throw .transformFailed("coordinate \(bad + 1) cannot be transformed from \(source) to \(target)")
        }
    }

    public func transform(_ c: Coordinate) throws(GeoError) -> Coordinate {
        var one = [c]
        try transform(&one)
        return one[0]
    }

    public func transform(_ geometry: Geometry) throws(GeoError) -> Geometry {
        guard pj != nil else { return geometry }
        do {
            return try geometry.mapCoordinateLists { (list: inout [Coordinate]) throws(GeoError) in try self.transform(&list) }
        } catch let e as GeoError { throw e } catch { throw .transformFailed("\(error)") }
    }
}

extension Geometry {
    /// Applies `body` to every coordinate list (ring, line, point set) in place; faster than
    /// one call per coordinate for batch operations such as PROJ transformations.
    public func mapCoordinateLists(_ body: (inout [Coordinate]) throws -> Void) rethrows -> Geometry {
        func polygon(_ p: Polygon) throws -> Polygon {
            var rings = p.rings
            for i in rings.indices { try body(&rings[i]) }
            return Polygon(rings: rings)
        }
        switch self {
        case .point(let c):
            var one = [c]; try body(&one); return .point(one[0])
        case .lineString(var cs): try body(&cs); return .lineString(cs)
        case .multiPoint(var cs): try body(&cs); return .multiPoint(cs)
        case .polygon(let p): return .polygon(try polygon(p))
        case .multiLineString(var ls):
            for i in ls.indices { try body(&ls[i]) }
            return .multiLineString(ls)
        case .multiPolygon(let ps): return .multiPolygon(try ps.map(polygon))
        case .geometryCollection(let gs): return .geometryCollection(try gs.map { try $0.mapCoordinateLists(body) })
        }
    }
}
