import Geo
import Store

/// What can go wrong importing or locating districts, each with a message that names the
/// file, field or feature at fault and, where there is one, the fix.
public enum DistrictsError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileNotFound(String)
    case unknownFormat(path: String)
    case unreadable(path: String, reason: String)
    case unknownCRS(String)
    case conflictingCRS(declared: String, given: String)
    case missingCRS(path: String)
    case noPolygons(path: String)
    case missingField(field: String, option: String, available: [String])
    /// Fields that differ from the one asked for only in case, and from each other.
    case ambiguousField(field: String, option: String, matches: [String])
    case missingValue(field: String, feature: String)
    case notPolygonal(feature: String, type: String)
    case coordinatesOutOfRange(feature: String, x: Double, y: Double, crs: String)
    case invalidGeometry(feature: String, reason: String)
    case unrepairable(feature: String, reason: String)
    case duplicateCode(code: String, features: [String])
    case geometry(feature: String, reason: String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .fileNotFound(let path): return "no such file: \(path)"
        case .unknownFormat(let path):
            return "cannot tell the format of \(path): use a GeoJSON file (.geojson, .json) or an ESRI Shapefile (.shp with .shx, .dbf and .prj)"
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .unknownCRS(let crs): return "unknown coordinate reference system '\(crs)': give an EPSG code PROJ knows, e.g. --srid 3346"
        case .conflictingCRS(let declared, let given):
            return "the file declares its CRS as \(declared) but --srid says \(given); drop --srid or fix the file"
        case .missingCRS(let path): return "\(path) does not say its coordinate reference system (no .prj file): pass --srid, e.g. --srid 3346"
        case .noPolygons(let path): return "\(path) holds no polygons: districts must be Polygon or MultiPolygon features"
        case .missingField(let field, let option, let available):
            return "the features have no field '\(field)'; pass \(option) with one of: \(available.sorted().joined(separator: ", "))"
        case .ambiguousField(let field, let option, let matches):
            return "the features have several fields named '\(field)' in different case (\(matches.joined(separator: ", "))); pass \(option) with the exact one"
        case .missingValue(let field, let feature): return "\(feature) has no value in field '\(field)'"
        case .notPolygonal(let feature, let type): return "\(feature) is a \(type), not a Polygon or MultiPolygon"
        case .coordinatesOutOfRange(let feature, let x, let y, let crs):
            return "\(feature) has coordinates (\(x), \(y)) outside the valid range of \(crs): is the CRS right? pass --srid with the file's CRS"
        case .invalidGeometry(let feature, let reason): return "\(feature) has an invalid geometry (\(reason)); drop --no-repair to repair it"
        case .unrepairable(let feature, let reason): return "\(feature) has an invalid geometry that cannot be repaired: \(reason)"
        case .duplicateCode(let code, let features): return "code '\(code)' is used by more than one feature: \(features.joined(separator: ", ")); codes must be unique (see --code-field)"
        case .geometry(let feature, let reason): return "\(feature): \(reason)"
        case .store(let e): return e.description
        }
    }
}
