import Foundation
import Geo

/// A CRS a map can be requested in, under the identifier the client used and capabilities
/// advertise ("EPSG:4326" and "CRS:84" are the same PROJ CRS but differ in WMS 1.3.0 axis order).
public struct MapCRS: Hashable, Sendable {
    /// As advertised: `EPSG:4326`, `CRS:84`, `EPSG:3857`, ...
    public let identifier: String
    public let crs: CRS
    /// Whether WMS 1.3.0 coordinates (BBOX) come northing or latitude first for this CRS.
    public let northingFirst: Bool

    public init(_ identifier: String) throws(GeoError) {
        let upper = identifier.uppercased()
        self.identifier = upper
        if upper == "CRS:84" {
            crs = .wgs84; northingFirst = false
        } else if upper == "EPSG:4326" {
            crs = .wgs84; northingFirst = true
        } else {
            crs = try CRS(upper)
            northingFirst = crs.isNorthingFirst
        }
    }

    public var isWebMercator: Bool { crs.epsg == 3857 }
    public var isGeographic: Bool { crs.isGeographic }

    /// The CRSs every layer is offered in, before configured extras.
    public static let standardIdentifiers = ["CRS:84", "EPSG:4326", "EPSG:3857", "EPSG:3346"]
}
