/// Errors of the geodata core. Each carries a message meant for the person who gave the input.
public enum GeoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not valid GeoJSON, WKT or WKB; the message says where and why.
    case malformed(format: String, reason: String)
    /// The CRS is not known to PROJ.
    case unknownCRS(String)
    /// PROJ could not transform a coordinate (outside the CRS's area, or a failed operation).
    case transformFailed(String)
    /// GEOS reported an error.
    case geos(String)

    public var description: String {
        switch self {
        case .malformed(let format, let reason): "invalid \(format): \(reason)"
        case .unknownCRS(let crs): "unknown coordinate reference system '\(crs)'"
        case .transformFailed(let reason): "coordinate transformation failed: \(reason)"
        case .geos(let reason): "geometry operation failed: \(reason)"
        }
    }
}
