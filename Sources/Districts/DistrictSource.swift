import Foundation
import Geo
import Store

/// The features of a district file and the CRS the file declares, if it declares one.
struct DistrictSource {
    enum Format: String { case geoJSON = "GeoJSON", shapefile = "ESRI Shapefile" }

    var format: Format
    var features: [Feature]
    /// The CRS named by the file (a GeoJSON `crs` member, a shapefile's .prj); nil if none.
    var declaredCRS: String?

    static func read(path: String) throws(DistrictsError) -> DistrictSource {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path) }
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "geojson", "json": return try readGeoJSON(path)
        case "shp": return try readShapefile(path)
        default: throw .unknownFormat(path: path)
        }
    }

    private static func readGeoJSON(_ path: String) throws(DistrictsError) -> DistrictSource {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        do {
            let collection = try GeoJSON.decodeFeatureCollection(data)
            return DistrictSource(format: .geoJSON, features: collection.features, declaredCRS: collection.crs)
        } catch {
            throw .unreadable(path: path, reason: error.description)
        }
    }

    private static func readShapefile(_ path: String) throws(DistrictsError) -> DistrictSource {
        let base = String(path.dropLast(4))
        let prj = try? String(contentsOfFile: base + ".prj", encoding: .utf8)
        // A .cpg file names the .dbf encoding; without one, UTF-8 is the modern default.
        let cpg = (try? String(contentsOfFile: base + ".cpg", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            let features = try ShapefileReader.read(path: path, encoding: Self.spatiaLiteEncoding(cpg))
            return DistrictSource(format: .shapefile, features: features,
                                  declaredCRS: prj?.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw .store(error)
        }
    }

    /// SpatiaLite wants iconv names; .cpg files say "UTF-8", "1257", "ANSI 1257" and so on.
    static func spatiaLiteEncoding(_ cpg: String?) -> String {
        guard let cpg, !cpg.isEmpty else { return "UTF-8" }
        let digits = cpg.filter(\.isNumber)
        if cpg.uppercased().contains("UTF") { return "UTF-8" }
        if let code = Int(digits) { return code >= 1250 && code <= 1258 ? "CP\(code)" : "ISO-8859-\(code % 100)" }
        return cpg
    }
}
