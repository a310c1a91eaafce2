import Foundation
import Geo

/// GeoJSON geometries sent to the API: in EPSG:4326 by default, or in the CRS named by a
/// 2008-style `"crs": {"type": "name", "properties": {"name": "EPSG:3346"}}` member, and
/// returned in EPSG:4326 after a validity check.
public enum GeometryInput {
    /// Parses `value` and brings it to EPSG:4326. `field` names it in error messages.
    public static func parse(_ value: JSONValue, field: String) throws -> Geometry {
        guard case .object(var object) = value else { throw PlanningError.invalid("\(field) must be a GeoJSON geometry object") }
        var crsName: String? = nil
        if let crs = object.removeValue(forKey: "crs") {
            guard case .object(let c) = crs, case .object(let props)? = c["properties"] else {
                throw PlanningError.invalid("\(field).crs must be {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:...\"}}")
            }
            crsName = props["name"]?.text ?? props["code"]?.text.map { "EPSG:\($0)" }
            guard crsName != nil else { throw PlanningError.invalid("\(field).crs.properties needs a \"name\"") }
        }
        var geometry: Geometry
        do { geometry = try GeoJSON.decodeGeometry(GeoJSON.encode(JSONValue.object(object))) } catch {
            throw PlanningError.invalid("\(field): \(error)")
        }
        if let crsName {
            do {
                let crs = try CRS(crsName)
                if crs != .wgs84 { geometry = try CoordinateTransformer(from: crs, to: .wgs84).transform(geometry) }
            } catch {
                throw PlanningError.invalid("\(field): \(error)")
            }
        }
        var outOfRange = false
        geometry.forEachCoordinate { c in if !(-180...180).contains(c.x) || !(-90...90).contains(c.y) { outOfRange = true } }
        guard !outOfRange else { throw PlanningError.invalid("\(field): coordinates must be longitude/latitude within ±180/±90 (or name the CRS with \"crs\")") }
        guard !geometry.isEmpty else { throw PlanningError.invalid("\(field) is empty") }
        return geometry
    }

    /// A valid Polygon or MultiPolygon, as the plan's area.
    public static func area(_ value: JSONValue) throws -> Geometry {
        let g = try parse(value, field: "area")
        guard g.isPolygonal else { throw PlanningError.invalid("area must be a Polygon or MultiPolygon, not a \(g.typeName)") }
        try checkValid(g, field: "area")
        return .multiPolygon(g.polygons)
    }

    /// A Point or valid Polygon, as a comment's location.
    public static func location(_ value: JSONValue) throws -> Geometry {
        let g = try parse(value, field: "location")
        switch g {
        case .point: return g
        case .polygon: try checkValid(g, field: "location"); return g
        default: throw PlanningError.invalid("location must be a Point or a Polygon, not a \(g.typeName)")
        }
    }

    static func checkValid(_ g: Geometry, field: String) throws {
        for p in g.polygons {
            for ring in p.rings where ring.count < 4 || ring.first != ring.last {
                throw PlanningError.invalid("\(field): every ring needs at least 4 positions and must end where it starts")
            }
        }
        do {
            let geos = try GeosContext().geometry(g)
            guard geos.isValid else { throw PlanningError.invalid("\(field) is not a valid geometry: \(geos.validityReason)") }
        } catch let e as PlanningError { throw e } catch {
            throw PlanningError.invalid("\(field): \(error)")
        }
    }

    /// True when `location` lies within `metres` of `area` (both EPSG:4326), measured in the
    /// UTM zone of the area.
    public static func isNear(_ location: Geometry, to area: Geometry, metres: Double) throws -> Bool {
        // Far beyond the distance in degrees (a degree of latitude is ~111 km, and longitude
        // degrees are shorter): no need to project, and no UTM zone stretched across the globe.
        let margin = metres / 50_000 + 0.01
        let a = area.boundingBox, l = location.boundingBox
        guard l.minX <= a.maxX + margin / max(cos(a.center.y * .pi / 180), 0.05), l.maxX >= a.minX - margin / max(cos(a.center.y * .pi / 180), 0.05),
              l.minY <= a.maxY + margin, l.maxY >= a.minY - margin else { return false }
        do {
            var box = area.boundingBox
            box.expand(toInclude: location.boundingBox)
            let metric = try MetricProjection(for: box)
            let zone = try metric.project(area).buffer(max(metres, 0.001))
            return zone.covers(try metric.project(location))
        } catch {
            throw PlanningError.invalid("location cannot be measured against the plan area: \(error)")
        }
    }
}
