import Geo

/// A problem area: a DBSCAN cluster of reports, with what it is about and where it lies.
public struct Hotspot: Hashable, Sendable {
    /// The DBSCAN cluster number (see `DBSCANResult.labels`).
    public let cluster: Int
    /// The number of reports in it.
    public let count: Int
    /// The reports' ids, in input order.
    public let memberIDs: [Int64]
    /// The services with the most reports, largest first (at most `HotspotAnalysis.topServices`).
    public let dominantServices: [ServiceCount]
    /// A lon/lat polygon around the reports: their convex hull computed in metres; when they are
    /// all on one spot or (nearly) one line, so that the hull has under 1 m² of area, that spot or
    /// line buffered by `HotspotAnalysis.degenerateBuffer` metres.
    public let outline: Geometry
    /// The reports' mean position (each report counts, so piles weigh in), computed in metres, in lon/lat.
    public let centroid: Coordinate
}

/// The outcome of a hotspot analysis.
public struct HotspotReport: Hashable, Sendable {
    /// Largest first (ties: lower cluster number first).
    public let hotspots: [Hotspot]
    /// Reports in no hotspot.
    public let noiseCount: Int
    /// Reports analysed (those with a finite position).
    public let pointCount: Int
    /// The plane distances were measured in.
    public let crs: CRS
}

public enum HotspotError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidParameters(String)
    /// Projecting to or from the metric plane, or building an outline, failed.
    case geometry(GeoError)

    public var description: String {
        switch self {
        case .invalidParameters(let reason): "invalid hotspot parameters: \(reason)"
        case .geometry(let error): "hotspot geometry failed: \(error)"
        }
    }
}
