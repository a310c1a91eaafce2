import Geo

/// A district (eldership, ward, municipality) as stored: its boundary in EPSG:4326 lon/lat.
public struct District: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var code: String
    public var name: String
    /// Always a MultiPolygon.
    public var geometry: Geometry
    public var areaSquareMetres: Double
    /// The source feature's other attributes.
    public var properties: [String: JSONValue]

    public init(id: Int64, code: String, name: String, geometry: Geometry, areaSquareMetres: Double, properties: [String: JSONValue] = [:]) {
        self.id = id; self.code = code; self.name = name; self.geometry = geometry
        self.areaSquareMetres = areaSquareMetres; self.properties = properties
    }
}

/// A district about to be stored (it has no id yet).
public struct NewDistrict: Sendable, Hashable {
    public var code: String
    public var name: String
    public var geometry: Geometry
    public var areaSquareMetres: Double
    public var properties: [String: JSONValue]

    public init(code: String, name: String, geometry: Geometry, areaSquareMetres: Double, properties: [String: JSONValue] = [:]) {
        self.code = code; self.name = name; self.geometry = geometry
        self.areaSquareMetres = areaSquareMetres; self.properties = properties
    }
}

/// Persistence of districts. SpatiaLite implements it now; PostGIS will, behind the same protocol.
public protocol DistrictStore: Sendable {
    /// Every district, in id order.
    func districts() async throws(StoreError) -> [District]

    func districtCount() async throws(StoreError) -> Int

    /// Stores `districts` in one transaction, in the given order (ids ascend in that order).
    /// With `replacing`, the existing districts are removed in the same transaction; without it,
    /// an import into a store that has districts fails. Nothing changes when it throws.
    func importDistricts(_ districts: [NewDistrict], source: String, replacing: Bool) async throws(StoreError) -> [District]

    /// The database's own answer to "which district covers each point" (spatial index + ST_Covers,
    /// smallest id wins on shared boundaries): the reference the in-memory index is checked against.
    func locateWithSQL(_ points: [Coordinate]) async throws(StoreError) -> [Int64?]
}
