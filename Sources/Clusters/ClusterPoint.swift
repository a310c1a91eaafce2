/// One report as the map clusters see it: where it is, what it is about, its state and district.
/// Plain values only, so that the module knows nothing of the store or the HTTP layer.
public struct ClusterPoint: Hashable, Sendable {
    /// The report's id; returned by leaf queries and single-report features.
    public var id: Int64
    public var lon: Double
    public var lat: Double
    /// A position in the caller's service list (for example the service catalogue order), not a
    /// service code: small integers keep breakdowns and filters compact.
    public var service: UInt16
    /// The caller's status code (open, closed, ...).
    public var status: UInt8
    /// When the report was made, in milliseconds since 1970-01-01 UTC.
    public var requestedAt: Int64
    /// The district id, or `ClusterPoint.noDistrict`.
    public var district: Int32

    /// The `district` of a point that lies in no district.
    public static let noDistrict: Int32 = -1

    public init(id: Int64, lon: Double, lat: Double, service: UInt16, status: UInt8 = 0, requestedAt: Int64 = 0,
                district: Int32 = ClusterPoint.noDistrict) {
        self.id = id; self.lon = lon; self.lat = lat; self.service = service; self.status = status
        self.requestedAt = requestedAt; self.district = district
    }

    /// Points without a finite position cannot be placed on a map; indexes leave them out.
    var hasPosition: Bool { lon.isFinite && lat.isFinite }
}
