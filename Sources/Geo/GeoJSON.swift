import Foundation

/// A GeoJSON feature (RFC 7946).
public struct Feature: Sendable, Hashable, Codable {
    public var id: JSONValue?
    public var properties: [String: JSONValue]
    public var geometry: Geometry?

    public init(id: JSONValue? = nil, properties: [String: JSONValue] = [:], geometry: Geometry?) {
        self.id = id; self.properties = properties; self.geometry = geometry
    }

    enum CodingKeys: String, CodingKey { case type, id, properties, geometry }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        guard type == "Feature" else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "expected \"Feature\", found \"\(type)\"")
        }
        id = try c.decodeIfPresent(JSONValue.self, forKey: .id)
        properties = try c.decodeIfPresent([String: JSONValue].self, forKey: .properties) ?? [:]
        geometry = try c.decodeIfPresent(Geometry.self, forKey: .geometry)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("Feature", forKey: .type)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode(properties, forKey: .properties)
        if let geometry { try c.encode(geometry, forKey: .geometry) } else { try c.encodeNil(forKey: .geometry) }
    }
}

/// A GeoJSON FeatureCollection. `crs` is the name in a legacy (pre-RFC 7946) `crs` member,
/// such as "urn:ogc:def:crs:EPSG::3346"; nil means the RFC 7946 default, CRS84.
public struct FeatureCollection: Sendable, Hashable, Codable {
    public var features: [Feature]
    public var crs: String?

    public init(features: [Feature], crs: String? = nil) { self.features = features; self.crs = crs }

    enum CodingKeys: String, CodingKey { case type, features, crs }
    enum CRSKeys: String, CodingKey { case type, properties }
    enum CRSPropertyKeys: String, CodingKey { case name, code }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "FeatureCollection":
            features = try c.decode([Feature].self, forKey: .features)
        case "Feature":
            features = [try Feature(from: decoder)]
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c,
                debugDescription: "expected a FeatureCollection or a Feature, found \"\(type)\"")
        }
        crs = try Self.decodeLegacyCRS(c)
    }

    /// Reads the 2008 GeoJSON `crs` member: `{"type":"name","properties":{"name":...}}` or
    /// `{"type":"EPSG","properties":{"code":N}}`.
    private static func decodeLegacyCRS(_ c: KeyedDecodingContainer<CodingKeys>) throws -> String? {
        guard c.contains(.crs), try !c.decodeNil(forKey: .crs) else { return nil }
        let crs = try c.nestedContainer(keyedBy: CRSKeys.self, forKey: .crs)
        let kind = try crs.decode(String.self, forKey: .type)
        let props = try crs.nestedContainer(keyedBy: CRSPropertyKeys.self, forKey: .properties)
        switch kind.lowercased() {
        case "name": return try props.decode(String.self, forKey: .name)
        case "epsg": return "EPSG:\(try props.decode(Int.self, forKey: .code))"
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: crs,
                debugDescription: "unsupported crs type \"\(kind)\" (only \"name\" and \"EPSG\" are read)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("FeatureCollection", forKey: .type)
        try c.encode(features, forKey: .features)
    }
}

extension Geometry: Codable {
    enum CodingKeys: String, CodingKey { case type, coordinates, geometries }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        func position(_ p: [Double]) throws -> Coordinate {
            guard p.count >= 2, p[0].isFinite, p[1].isFinite else {
                throw DecodingError.dataCorruptedError(forKey: .coordinates, in: c,
                    debugDescription: "a position needs two finite numbers, found \(p)")
            }
            return Coordinate(p[0], p[1])
        }
        func ring(_ r: [[Double]]) throws -> [Coordinate] { try r.map(position) }
        func polygon(_ rings: [[[Double]]]) throws -> Polygon { Polygon(rings: try rings.map(ring)) }
        switch type {
        case "Point": self = .point(try position(c.decode([Double].self, forKey: .coordinates)))
        case "LineString": self = .lineString(try ring(c.decode([[Double]].self, forKey: .coordinates)))
        case "MultiPoint": self = .multiPoint(try ring(c.decode([[Double]].self, forKey: .coordinates)))
        case "Polygon": self = .polygon(try polygon(c.decode([[[Double]]].self, forKey: .coordinates)))
        case "MultiLineString": self = .multiLineString(try c.decode([[[Double]]].self, forKey: .coordinates).map(ring))
        case "MultiPolygon": self = .multiPolygon(try c.decode([[[[Double]]]].self, forKey: .coordinates).map(polygon))
        case "GeometryCollection": self = .geometryCollection(try c.decode([Geometry].self, forKey: .geometries))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown geometry type \"\(type)\"")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        func pos(_ p: Coordinate) -> [Double] { [p.x, p.y] }
        func line(_ l: [Coordinate]) -> [[Double]] { l.map(pos) }
        switch self {
        case .point(let p): try c.encode(pos(p), forKey: .coordinates)
        case .lineString(let l), .multiPoint(let l): try c.encode(line(l), forKey: .coordinates)
        case .polygon(let p): try c.encode(p.rings.map(line), forKey: .coordinates)
        case .multiLineString(let ls): try c.encode(ls.map(line), forKey: .coordinates)
        case .multiPolygon(let ps): try c.encode(ps.map { $0.rings.map(line) }, forKey: .coordinates)
        case .geometryCollection(let gs): try c.encode(gs, forKey: .geometries)
        }
    }
}

/// Reading and writing GeoJSON text, with errors that say where the input is wrong.
public enum GeoJSON {
    public static func decodeFeatureCollection(_ data: Data) throws(GeoError) -> FeatureCollection {
        try decode(FeatureCollection.self, data)
    }

    public static func decodeGeometry(_ data: Data) throws(GeoError) -> Geometry {
        try decode(Geometry.self, data)
    }

    public static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Encoding plain value types to JSON cannot fail except on non-finite numbers,
        // which Geometry and JSONValue never hold after decoding.
        return (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(GeoError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw .malformed(format: "GeoJSON", reason: error.readableDescription)
        } catch {
            throw .malformed(format: "GeoJSON", reason: "\(error)")
        }
    }

}

extension DecodingError {
    /// Where and why a JSON document did not decode, for a person:
    /// "features[12].geometry.coordinates: a position needs two finite numbers".
    public var readableDescription: String {
        func path(_ keys: [CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out.isEmpty ? "document" : out
        }
        switch self {
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty { return "not valid JSON (\(ctx.underlyingError.map { "\($0)" } ?? ctx.debugDescription))" }
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        case .keyNotFound(let key, let ctx):
            return "\(path(ctx.codingPath)): missing member \"\(key.stringValue)\""
        case .typeMismatch(let type, let ctx):
            return "\(path(ctx.codingPath)): expected \(type)"
        case .valueNotFound(let type, let ctx):
            return "\(path(ctx.codingPath)): expected \(type), found null"
        @unknown default:
            return "\(self)"
        }
    }
}
