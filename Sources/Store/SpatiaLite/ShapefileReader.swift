import Foundation
import GRDB
import Geo

/// Reads an ESRI Shapefile (.shp + .shx + .dbf) through SpatiaLite's VirtualShape module, in a
/// private in-memory database. Coordinates come back as stored in the file; the caller finds the
/// CRS from the .prj and reprojects.
public enum ShapefileReader {
    /// - Parameters:
    ///   - path: the .shp file.
    ///   - encoding: the .dbf text encoding, as SpatiaLite names it ("UTF-8", "CP1257", ...).
    public static func read(path: String, encoding: String = "UTF-8") throws(StoreError) -> [Feature] {
        let base = path.hasSuffix(".shp") ? String(path.dropLast(4)) : path
        for ext in ["shp", "shx", "dbf"] where !FileManager.default.fileExists(atPath: "\(base).\(ext)") {
            throw .unreadableShapefile(path: path, reason: "\(base).\(ext) is missing (a shapefile needs .shp, .shx and .dbf)")
        }
        do {
            var config = Configuration()
            config.prepareDatabase { db in try SpatiaLiteStore.loadExtension(db) }
            let queue = try DatabaseQueue(configuration: config)
            return try queue.inDatabase { db in
                let quotedBase = base.replacingOccurrences(of: "'", with: "''")
                let quotedEncoding = encoding.replacingOccurrences(of: "'", with: "''")
                // The SRID given here only labels the geometries; -1 keeps them as read.
                try db.execute(sql: "CREATE VIRTUAL TABLE temp.shape USING VirtualShape('\(quotedBase)', '\(quotedEncoding)', -1)")
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(shape)").map { $0["name"] as String }
                let attributes = columns.filter { $0 != "PKUID" && $0 != "Geometry" }
                let selected = (["AsBinary(Geometry) AS __wkb"] + attributes.map { "\"\($0)\"" }).joined(separator: ", ")
                var features: [Feature] = []
                let rows = try Row.fetchCursor(db, sql: "SELECT \(selected) FROM shape ORDER BY PKUID")
                while let row = try rows.next() {
                    var properties: [String: JSONValue] = [:]
                    for name in attributes { properties[name] = jsonValue(row[name] as DatabaseValue) }
                    let wkb: Data? = row["__wkb"]
                    features.append(Feature(id: .integer(Int64(features.count + 1)), properties: properties,
                                            geometry: try wkb.map { try WKB.decode([UInt8]($0)) }))
                }
                return features
            }
        } catch let e as StoreError {
            throw e
        } catch let e as DatabaseError {
            throw .unreadableShapefile(path: path, reason: e.message ?? "\(e)")
        } catch {
            throw .unreadableShapefile(path: path, reason: "\(error)")
        }
    }

    private static func jsonValue(_ value: DatabaseValue) -> JSONValue {
        switch value.storage {
        case .null: .null
        case .int64(let i): .integer(i)
        case .double(let d): .number(d)
        case .string(let s): .string(s)
        case .blob(let b): .string(b.base64EncodedString())
        }
    }
}
