import CSV
import Foundation
import Geo

/// Adds a district column to a CSV table of points: the batch form of `districts locate`.
public struct DistrictBatchSummary: Sendable, Equatable {
    public var rows = 0
    public var located = 0
    /// Rows with coordinates that no district covers.
    public var outside = 0
    /// Rows whose coordinates are empty, not numbers, or out of range.
    public var withoutCoordinates = 0
}

extension DistrictLocator {
    /// Returns `table` with a column named `outputColumn` holding each row's district code
    /// (empty when no district covers the point or the row has no usable coordinates).
    public func annotate(_ table: CSVTable, lonColumn: String, latColumn: String,
                         outputColumn: String = "district") throws(DistrictsError) -> (CSVTable, DistrictBatchSummary) {
        guard let lonIndex = table.column(lonColumn) else {
            throw .missingField(field: lonColumn, option: "--lon-column", available: table.header)
        }
        guard let latIndex = table.column(latColumn) else {
            throw .missingField(field: latColumn, option: "--lat-column", available: table.header)
        }
        var summary = DistrictBatchSummary()
        var out = CSVTable(header: table.header + [outputColumn], rows: [])
        out.rows.reserveCapacity(table.rows.count)
        for var row in table.rows {
            summary.rows += 1
            var code = ""
            if lonIndex < row.count, latIndex < row.count,
               let lon = Double(row[lonIndex].trimmingCharacters(in: .whitespaces)),
               let lat = Double(row[latIndex].trimmingCharacters(in: .whitespaces)),
               Self.isValid(Coordinate(lon, lat)) {
                if let d = locate(Coordinate(lon, lat)) { code = d.code; summary.located += 1 } else { summary.outside += 1 }
            } else {
                summary.withoutCoordinates += 1
            }
            // Short rows are padded so the new column lines up.
            if row.count < table.header.count { row += Array(repeating: "", count: table.header.count - row.count) }
            out.rows.append(row + [code])
        }
        return (out, summary)
    }

    /// Longitude in [-180, 180] and latitude in [-90, 90].
    public static func isValid(_ c: Coordinate) -> Bool {
        c.x >= -180 && c.x <= 180 && c.y >= -90 && c.y <= 90
    }
}
