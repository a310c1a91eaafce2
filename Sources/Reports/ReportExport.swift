import CSV
import Foundation
import Geo
import Store

/// Reports as open data: CSV and GeoJSON with the public fields only, times in the city's zone. Personal data is not
/// among the fields, so no filter can leak it.
public enum ReportExport {
    public static let columns = ["id", "service_code", "status", "resolution", "description", "district", "lon", "lat",
                                 "address", "zipcode", "requested_at", "updated_at", "closed_at", "duplicate_of", "source"]

    public static func values(_ r: Report, time: LocalTime) -> [String] {
        let d = r.details
        return [String(r.id), d.serviceCode, d.status.rawValue, d.resolution?.rawValue ?? "", d.description, d.districtCode ?? "",
                String(d.location.x), String(d.location.y), d.address ?? "", d.zipcode ?? "", time.format(d.requestedAt),
                time.format(r.updatedAt), d.closedAt.map { time.format($0) } ?? "", d.duplicateOf.map(String.init) ?? "", d.source]
    }

    public static func csvHeader() -> String { CSV.line(columns) }
    public static func csvLines(_ reports: [Report], time: LocalTime) -> String { reports.map { CSV.line(values($0, time: time)) }.joined() }

    /// One GeoJSON Feature per report, properties named as the CSV columns.
    public static func feature(_ r: Report, time: LocalTime) -> Feature {
        var properties: [String: JSONValue] = [:]
        for (name, value) in zip(columns, values(r, time: time)) where name != "lon" && name != "lat" {
            properties[name] = value.isEmpty ? .null : .string(value)
        }
        properties["id"] = .integer(r.id)
        if let dup = r.details.duplicateOf { properties["duplicate_of"] = .integer(dup) }
        return Feature(id: .integer(r.id), properties: properties, geometry: .point(r.details.location))
    }

    public static func geoJSON(_ reports: [Report], time: LocalTime) -> Data {
        GeoJSON.encode(FeatureCollection(features: reports.map { feature($0, time: time) }))
    }
}
