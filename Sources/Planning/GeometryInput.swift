import Foundation
import Geo
import Messages

/// GeoJSON geometries sent to the API: in EPSG:4326 by default, or in the CRS named by a
/// 2008-style `"crs": {"type": "name", "properties": {"name": "EPSG:3346"}}` member, and
/// returned in EPSG:4326 after a validity check.
public enum GeometryInput {
    /// Parses `value` and brings it to EPSG:4326. `field` names it in error messages.
    public static func parse(_ value: JSONValue, field: String) throws -> Geometry {
        guard case .object(var object) = value else { throw PlanningError.invalid(.notGeometryObject, ["field": .field(field)]) }
        var crsName: String? = nil
        if let crs = object.removeValue(forKey: "crs") {
            guard case .object(let c) = crs, case .object(let props)? = c["properties"] else {
                throw PlanningError.invalid(.crsShape, ["field": .field(field)])
            }
            crsName = props["name"]?.text ?? props["code"]?.text.map { "EPSG:\($0)" }
            guard crsName != nil else { throw PlanningError.invalid(.crsNeedsName, ["field": .field(field)]) }
        }
        var geometry: Geometry
        do { geometry = try GeoJSON.decodeGeometry(GeoJSON.encode(JSONValue.object(object))) } catch {
            throw PlanningError.invalid(.geometryUnreadable, ["field": .field(field), "detail": .text("\(error)")])
        }
        if let crsName {
            do {
                let crs = try CRS(crsName)
                if crs != .wgs84 { geometry = try CoordinateTransformer(from: crs, to: .wgs84).transform(geometry) }
            } catch {
                throw PlanningError.invalid(.geometryUnreadable, ["field": .field(field), "detail": .text("\(error)")])
            }
        }
        var outOfRange = false
        geometry.forEachCoordinate { c in if !(-180...180).contains(c.x) || !(-90...90).contains(c.y) { outOfRange = true } }
        guard !outOfRange else { throw PlanningError.invalid(.coordinatesOutOfRange, ["field": .field(field)]) }
        guard !geometry.isEmpty else { throw PlanningError.invalid(.geometryEmpty, ["field": .field(field)]) }
        return geometry
    }

    /// A valid Polygon or MultiPolygon, as the plan's area.
    public static func area(_ value: JSONValue) throws -> Geometry {
        let g = try parse(value, field: "area")
        guard g.isPolygonal else { throw PlanningError.invalid(.areaNotPolygonal, ["type": .text(g.typeName)]) }
        try checkValid(g, field: "area")
        return .multiPolygon(g.polygons)
    }

    /// A Point or valid Polygon, as a comment's location.
    public static func location(_ value: JSONValue) throws -> Geometry {
        let g = try parse(value, field: "location")
        switch g {
        case .point: return g
        case .polygon: try checkValid(g, field: "location"); return g
        default: throw PlanningError.invalid(.locationNotPointOrPolygon, ["type": .text(g.typeName)])
        }
    }

    static func checkValid(_ g: Geometry, field: String) throws {
        for p in g.polygons {
            for ring in p.rings where ring.count < 4 || ring.first != ring.last {
                throw PlanningError.invalid(.ringNotClosed, ["field": .field(field)])
            }
        }
        do {
            let geos = try GeosContext().geometry(g)
            guard geos.isValid else { throw PlanningError.invalid(.geometryInvalid, ["field": .field(field), "reason": .text(geos.validityReason)]) }
        } catch let e as PlanningError { throw e } catch {
            throw PlanningError.invalid(.geometryUnreadable, ["field": .field(field), "detail": .text("\(error)")])
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
            throw PlanningError.invalid(.locationUnmeasurable, ["detail": .text("\(error)")])
        }
    }
}
