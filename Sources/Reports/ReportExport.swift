import CSV
import Foundation
import Geo
import Store

/// Reports as open data: CSV and GeoJSON with the public fields only. Personal data is not
/// among the fields, so no filter can leak it.
public enum ReportExport {
    public static let columns = ["id", "service_code", "status", "resolution", "description", "district", "lon", "lat",
                                 "address", "zipcode", "requested_at", "updated_at", "closed_at", "duplicate_of", "source"]

    public static func values(_ r: Report) -> [String] {
        let d = r.details
        return [String(r.id), d.serviceCode, d.status.rawValue, d.resolution?.rawValue ?? "", d.description, d.districtCode ?? "",
                String(d.location.x), String(d.location.y), d.address ?? "", d.zipcode ?? "", Open311Time.format(d.requestedAt),
                Open311Time.format(r.updatedAt), d.closedAt.map { Open311Time.format($0) } ?? "", d.duplicateOf.map(String.init) ?? "", d.source]
    }

    public static func csvHeader() -> String { CSV.line(columns) }
    public static func csvLines(_ reports: [Report]) -> String { reports.map { CSV.line(values($0)) }.joined() }

    /// One GeoJSON Feature per report, properties named as the CSV columns.
    public static func feature(_ r: Report) -> Feature {
        var properties: [String: JSONValue] = [:]
        for (name, value) in zip(columns, values(r)) where name != "lon" && name != "lat" {
            properties[name] = value.isEmpty ? .null : .string(value)
        }
        properties["id"] = .integer(r.id)
        if let dup = r.details.duplicateOf { properties["duplicate_of"] = .integer(dup) }
        return Feature(id: .integer(r.id), properties: properties, geometry: .point(r.details.location))
    }

    public static func geoJSON(_ reports: [Report]) -> Data {
        GeoJSON.encode(FeatureCollection(features: reports.map(feature)))
    }
}
