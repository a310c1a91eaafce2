import Geo

extension HotspotReport {
    /// The hotspots as GeoJSON features: each outline with its rank (1 = most reports), count,
    /// dominant services (named by `serviceCode`), centroid and, up to `maximumIDs`, report ids.
    public func features(serviceCode: (UInt16) -> String, maximumIDs: Int = 500) -> [Feature] {
        hotspots.enumerated().map { rank, h in
            Feature(id: .integer(Int64(rank + 1)), properties: [
                "rank": .integer(Int64(rank + 1)),
                "count": .integer(Int64(h.count)),
                "dominant_services": .array(h.dominantServices.map {
                    .object(["service_code": .string(serviceCode($0.service)), "count": .integer(Int64($0.count))])
                }),
                "centroid": .array([.number(h.centroid.x), .number(h.centroid.y)]),
                "report_ids": .array(h.memberIDs.prefix(maximumIDs).map { .integer($0) }),
                "report_ids_truncated": .bool(h.memberIDs.count > maximumIDs),
            ], geometry: h.outline)
        }
    }
}
