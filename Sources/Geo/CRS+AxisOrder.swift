import CProj

extension CRS {
    /// True when the CRS, as its authority defines it, lists northing or latitude first
    /// (EPSG:4326 is latitude, longitude; EPSG:3346 is northing, easting). Protocols that follow
    /// the authority's order (WMS 1.3.0, WFS 2.0) swap coordinates for such CRSs; Miestas itself
    /// always works easting first. `CRS.wgs84` is CRS84 (longitude first): every spelling of
    /// WGS 84 becomes that one value, so callers that must tell EPSG:4326 apart keep its name.
    public var isNorthingFirst: Bool {
        let context = ProjContext()
        guard let pj = proj_create(context.handle, definition) else { return false }
        defer { proj_destroy(pj) }
        let system: OpaquePointer?
        if proj_get_type(pj) == PJ_TYPE_COMPOUND_CRS {
            guard let horizontal = proj_crs_get_sub_crs(context.handle, pj, 0) else { return false }
            defer { proj_destroy(horizontal) }
            system = proj_crs_get_coordinate_system(context.handle, horizontal)
        } else {
            system = proj_crs_get_coordinate_system(context.handle, pj)
        }
        guard let system else { return false }
        defer { proj_destroy(system) }
        var direction: UnsafePointer<CChar>? = nil
        guard proj_cs_get_axis_info(context.handle, system, 0, nil, nil, &direction, nil, nil, nil, nil) != 0,
              let direction else { return false }
        let first = String(cString: direction).lowercased()
        return first == "north" || first == "south"
    }
}
