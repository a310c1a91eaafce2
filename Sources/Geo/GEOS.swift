import CGEOS

/// A GEOS context handle. GEOS objects made in a context are used only with it, and a context
/// is used by one thread at a time: make one per owner (an actor, a locked index, a task).
public final class GeosContext {
    let handle: GEOSContextHandle_t
    /// The last error GEOS reported through the message handler.
    fileprivate(set) var lastError = ""

    public init() {
        handle = GEOS_init_r()
        GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let userdata, let message else { return }
            Unmanaged<GeosContext>.fromOpaque(userdata).takeUnretainedValue().lastError = String(cString: message)
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { GEOS_finish_r(handle) }

    /// Wraps a GEOS result, turning NULL into the error GEOS reported.
    func own(_ pointer: OpaquePointer?, _ operation: String) throws(GeoError) -> GeosGeometry {
        guard let pointer else { throw .geos("\(operation): \(lastError.isEmpty ? "failed" : lastError)") }
        return GeosGeometry(context: self, handle: pointer)
    }

    // MARK: Swift geometry -> GEOS

    public func geometry(_ g: Geometry) throws(GeoError) -> GeosGeometry {
        try own(try make(g), "building a \(g.typeName)")
    }

    /// A rectangle polygon, e.g. for an index query.
    public func rectangle(_ box: BoundingBox) throws(GeoError) -> GeosGeometry {
        try own(GEOSGeom_createRectangle_r(handle, box.minX, box.minY, box.maxX, box.maxY), "building a rectangle")
    }

    public func point(_ c: Coordinate) throws(GeoError) -> GeosGeometry {
        try own(GEOSGeom_createPointFromXY_r(handle, c.x, c.y), "building a point")
    }

    private func sequence(_ cs: [Coordinate]) throws(GeoError) -> OpaquePointer {
        let seq = cs.withUnsafeBytes { raw in
            GEOSCoordSeq_copyFromBuffer_r(handle, raw.baseAddress!.assumingMemoryBound(to: Double.self), UInt32(cs.count), 0, 0)
        }
        guard let seq else { throw .geos(lastError) }
        return seq
    }

    private func ring(_ cs: [Coordinate]) throws(GeoError) -> OpaquePointer {
        guard cs.count >= 4 else { throw .geos("a polygon ring needs at least 4 positions, found \(cs.count)") }
        guard cs.first == cs.last else { throw .geos("a polygon ring is not closed (first position \(cs[0].x) \(cs[0].y) differs from the last)") }
        let ring = GEOSGeom_createLinearRing_r(handle, try sequence(cs))
        guard let ring else { throw .geos(lastError) }
        return ring
    }

    private func polygon(_ p: Polygon) throws(GeoError) -> OpaquePointer {
        guard let shellCoords = p.rings.first else {
            return GEOSGeom_createEmptyPolygon_r(handle)
        }
        let shell = try ring(shellCoords)
        var holes: [OpaquePointer?] = []
        do {
            for h in p.holes { holes.append(try ring(h)) }
        } catch {
            GEOSGeom_destroy_r(handle, shell)
            holes.forEach { GEOSGeom_destroy_r(handle, $0) }
            throw error
        }
        let made = holes.withUnsafeMutableBufferPointer { buffer in
            GEOSGeom_createPolygon_r(handle, shell, buffer.baseAddress, UInt32(buffer.count))
        }
        guard let made else { throw .geos(lastError) }
        return made
    }

    private func collection(_ type: GEOSGeomTypes, _ parts: [Geometry]) throws(GeoError) -> OpaquePointer {
        var made: [OpaquePointer?] = []
        made.reserveCapacity(parts.count)
        for part in parts {
            do { made.append(try make(part)) } catch {
                made.forEach { GEOSGeom_destroy_r(handle, $0) }
                throw error
            }
        }
        let typeId = Int32(type.rawValue)
        if made.isEmpty { return GEOSGeom_createEmptyCollection_r(handle, typeId) }
        let result = made.withUnsafeMutableBufferPointer { buffer in
            GEOSGeom_createCollection_r(handle, typeId, buffer.baseAddress, UInt32(buffer.count))
        }
        guard let result else { throw .geos(lastError) }
        return result
    }

    private func make(_ g: Geometry) throws(GeoError) -> OpaquePointer {
        switch g {
        case .point(let c):
            guard let p = GEOSGeom_createPointFromXY_r(handle, c.x, c.y) else { throw .geos(lastError) }
            return p
        case .lineString(let cs):
            guard let l = GEOSGeom_createLineString_r(handle, try sequence(cs)) else { throw .geos(lastError) }
            return l
        case .polygon(let p):
            return try polygon(p)
        case .multiPoint(let cs): return try collection(GEOS_MULTIPOINT, cs.map(Geometry.point))
        case .multiLineString(let ls): return try collection(GEOS_MULTILINESTRING, ls.map(Geometry.lineString))
        case .multiPolygon(let ps): return try collection(GEOS_MULTIPOLYGON, ps.map(Geometry.polygon))
        case .geometryCollection(let gs): return try collection(GEOS_GEOMETRYCOLLECTION, gs)
        }
    }
}

/// A GEOS geometry owned by Swift; freed with its context's handle in `deinit`.
public final class GeosGeometry {
    public let context: GeosContext
    let handle: OpaquePointer
    private var ctx: GEOSContextHandle_t { context.handle }

    init(context: GeosContext, handle: OpaquePointer) {
        self.context = context
        self.handle = handle
    }

    deinit { GEOSGeom_destroy_r(context.handle, handle) }

    // MARK: GEOS -> Swift geometry

    public func toGeometry() throws(GeoError) -> Geometry { try Self.convert(handle, ctx) }

    private static func coordinates(_ seq: OpaquePointer?, _ ctx: GEOSContextHandle_t) -> [Coordinate] {
        guard let seq else { return [] }
        var size: UInt32 = 0
        GEOSCoordSeq_getSize_r(ctx, seq, &size)
        var out = [Coordinate](repeating: Coordinate(0, 0), count: Int(size))
        out.withUnsafeMutableBytes { raw in
            _ = GEOSCoordSeq_copyToBuffer_r(ctx, seq, raw.baseAddress!.assumingMemoryBound(to: Double.self), 0, 0)
        }
        return out
    }

    private static func convert(_ g: OpaquePointer, _ ctx: GEOSContextHandle_t) throws(GeoError) -> Geometry {
        func parts() throws(GeoError) -> [Geometry] {
            var out: [Geometry] = []
            for i in 0..<GEOSGetNumGeometries_r(ctx, g) {
                guard let part = GEOSGetGeometryN_r(ctx, g, i) else { continue }
                if GEOSisEmpty_r(ctx, part) == 1 { continue }
                out.append(try convert(part, ctx))
            }
            return out
        }
        func polygon(_ p: OpaquePointer) -> Polygon {
            guard GEOSisEmpty_r(ctx, p) == 0 else { return Polygon(rings: []) }
            var rings = [coordinates(GEOSGeom_getCoordSeq_r(ctx, GEOSGetExteriorRing_r(ctx, p)), ctx)]
            for i in 0..<GEOSGetNumInteriorRings_r(ctx, p) {
                rings.append(coordinates(GEOSGeom_getCoordSeq_r(ctx, GEOSGetInteriorRingN_r(ctx, p, i)), ctx))
            }
            return Polygon(rings: rings)
        }
        let seq = { () -> OpaquePointer? in GEOSGeom_getCoordSeq_r(ctx, g) }
        switch GEOSGeomTypeId_r(ctx, g) {
        case Int32(GEOS_POINT.rawValue):
            guard GEOSisEmpty_r(ctx, g) == 0, let c = coordinates(seq(), ctx).first else {
                throw .geos("an empty point has no Swift representation")
            }
            return .point(c)
        case Int32(GEOS_LINESTRING.rawValue), Int32(GEOS_LINEARRING.rawValue):
            return .lineString(coordinates(seq(), ctx))
        case Int32(GEOS_POLYGON.rawValue):
            return .polygon(polygon(g))
        case Int32(GEOS_MULTIPOINT.rawValue):
            return .multiPoint(try parts().compactMap { if case .point(let c) = $0 { c } else { nil } })
        case Int32(GEOS_MULTILINESTRING.rawValue):
            return .multiLineString(try parts().compactMap { if case .lineString(let l) = $0 { l } else { nil } })
        case Int32(GEOS_MULTIPOLYGON.rawValue):
            return .multiPolygon(try parts().compactMap { if case .polygon(let p) = $0 { p } else { nil } })
        default:
            return .geometryCollection(try parts())
        }
    }

    // MARK: Properties

    public var isEmpty: Bool { GEOSisEmpty_r(ctx, handle) == 1 }
    public var isValid: Bool { GEOSisValid_r(ctx, handle) == 1 }

    /// "Valid Geometry", or GEOS's reason with the place, e.g. "Self-intersection[23.9 54.9]".
    public var validityReason: String {
        guard let reason = GEOSisValidReason_r(ctx, handle) else { return context.lastError }
        defer { GEOSFree_r(ctx, reason) }
        return String(cString: reason)
    }

    /// Area in the units of the coordinates squared.
    public var area: Double {
        var a = 0.0
        GEOSArea_r(ctx, handle, &a)
        return a
    }

    public var length: Double {
        var l = 0.0
        GEOSLength_r(ctx, handle, &l)
        return l
    }

    public var envelope: BoundingBox {
        var minX = 0.0, minY = 0.0, maxX = 0.0, maxY = 0.0
        guard !isEmpty, GEOSGeom_getExtent_r(ctx, handle, &minX, &minY, &maxX, &maxY) == 1 else { return .empty }
        return BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    // MARK: Operations

    /// Repairs an invalid geometry, keeping every part of the input (GEOS "structure" method).
    public func makeValid() throws(GeoError) -> GeosGeometry {
        try context.own(GEOSMakeValid_r(ctx, handle), "make-valid")
    }

    /// Simplifies without changing topology (no self-intersections, holes stay inside).
    public func simplified(tolerance: Double) throws(GeoError) -> GeosGeometry {
        try context.own(GEOSTopologyPreserveSimplify_r(ctx, handle, tolerance), "simplify")
    }

    public func intersection(_ other: GeosGeometry) throws(GeoError) -> GeosGeometry {
        try context.own(GEOSIntersection_r(ctx, handle, other.handle), "intersection")
    }

    public func difference(_ other: GeosGeometry) throws(GeoError) -> GeosGeometry {
        try context.own(GEOSDifference_r(ctx, handle, other.handle), "difference")
    }

    /// The union of all parts of this (collection) geometry.
    public func unaryUnion() throws(GeoError) -> GeosGeometry {
        try context.own(GEOSUnaryUnion_r(ctx, handle), "union")
    }

    public func buffer(_ width: Double, quadrantSegments: Int32 = 8) throws(GeoError) -> GeosGeometry {
        try context.own(GEOSBuffer_r(ctx, handle, width, quadrantSegments), "buffer")
    }

    /// A point guaranteed to lie inside the geometry.
    public func pointOnSurface() throws(GeoError) -> GeosGeometry {
        try context.own(GEOSPointOnSurface_r(ctx, handle), "point on surface")
    }

    public func intersects(_ other: GeosGeometry) -> Bool { GEOSIntersects_r(ctx, handle, other.handle) == 1 }
    public func covers(_ other: GeosGeometry) -> Bool { GEOSCovers_r(ctx, handle, other.handle) == 1 }

    /// A collection holding copies of `parts` (all from this context).
    public static func collection(_ parts: [GeosGeometry], in context: GeosContext) throws(GeoError) -> GeosGeometry {
        var clones: [OpaquePointer?] = parts.map { GEOSGeom_clone_r(context.handle, $0.handle) }
        let made = clones.withUnsafeMutableBufferPointer { buffer in
            GEOSGeom_createCollection_r(context.handle, Int32(GEOS_GEOMETRYCOLLECTION.rawValue), buffer.baseAddress, UInt32(buffer.count))
        }
        return try context.own(made, "collection")
    }

    public func prepared() throws(GeoError) -> PreparedGeometry {
        guard let p = GEOSPrepare_r(ctx, handle) else { throw .geos("prepare: \(context.lastError)") }
        return PreparedGeometry(base: self, handle: p)
    }
}

/// A geometry with GEOS's indexes built for repeated predicates against it.
public final class PreparedGeometry {
    public let base: GeosGeometry
    let handle: OpaquePointer
    private var ctx: GEOSContextHandle_t { base.context.handle }

    init(base: GeosGeometry, handle: OpaquePointer) { self.base = base; self.handle = handle }
    deinit { GEOSPreparedGeom_destroy_r(base.context.handle, handle) }

    public func covers(_ g: GeosGeometry) -> Bool { GEOSPreparedCovers_r(ctx, handle, g.handle) == 1 }
    public func contains(_ g: GeosGeometry) -> Bool { GEOSPreparedContains_r(ctx, handle, g.handle) == 1 }
    public func containsProperly(_ g: GeosGeometry) -> Bool { GEOSPreparedContainsProperly_r(ctx, handle, g.handle) == 1 }
    public func intersects(_ g: GeosGeometry) -> Bool { GEOSPreparedIntersects_r(ctx, handle, g.handle) == 1 }

    /// Whether the geometry covers the point (boundary included).
    public func covers(_ c: Coordinate) -> Bool {
        guard let p = GEOSGeom_createPointFromXY_r(ctx, c.x, c.y) else { return false }
        defer { GEOSGeom_destroy_r(ctx, p) }
        return GEOSPreparedCovers_r(ctx, handle, p) == 1
    }
}

/// GEOS's sort-tile-recursive R-tree over item numbers. Built on the first query; no inserts after.
public final class STRtree {
    private let context: GeosContext
    private let handle: OpaquePointer
    /// The envelopes GEOS indexes; kept alive as long as the tree.
    private var envelopes: [GeosGeometry] = []

    public init(context: GeosContext, nodeCapacity: Int = 10) throws(GeoError) {
        guard let t = GEOSSTRtree_create_r(context.handle, nodeCapacity) else { throw .geos("STRtree: \(context.lastError)") }
        self.context = context
        self.handle = t
    }

    deinit { GEOSSTRtree_destroy_r(context.handle, handle) }

    public func insert(_ box: BoundingBox, item: Int) throws(GeoError) {
        let envelope = try context.rectangle(box)
        envelopes.append(envelope)
        GEOSSTRtree_insert_r(context.handle, handle, envelope.handle, UnsafeMutableRawPointer(bitPattern: item + 1))
    }

    /// The items whose boxes intersect `geometry`'s envelope, in no particular order.
    public func query(_ geometry: GeosGeometry) -> [Int] {
        var found: [Int] = []
        withUnsafeMutablePointer(to: &found) { sink in
            GEOSSTRtree_query_r(context.handle, handle, geometry.handle, { item, userdata in
                guard let item, let userdata else { return }
                userdata.assumingMemoryBound(to: [Int].self).pointee.append(Int(bitPattern: item) - 1)
            }, sink)
        }
        return found
    }
}
