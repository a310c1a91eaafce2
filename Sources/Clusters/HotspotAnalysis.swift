import Geo

/// Finds problem areas: DBSCAN over reports projected to metres, then per cluster its members,
/// dominant services, outline and centroid.
public struct HotspotAnalysis: Hashable, Sendable {
    /// The DBSCAN neighbourhood radius in metres.
    public var eps: Double
    /// Reports within `eps` (the report itself included) that make a core report.
    public var minPoints: Int
    /// The metric plane; nil picks the UTM zone of the reports (see `Geo.MetricProjection`).
    public var metricCRS: CRS?
    /// The buffer in metres around a hotspot whose reports lie on one spot or one line, so that
    /// every outline is a polygon with an area (10 m: about the precision of 4-decimal coordinates).
    public var degenerateBuffer: Double
    /// How many dominant services to report.
    public var topServices: Int

    public init(eps: Double, minPoints: Int, metricCRS: CRS? = nil, degenerateBuffer: Double = 10, topServices: Int = 3) {
        self.eps = eps; self.minPoints = minPoints; self.metricCRS = metricCRS
        self.degenerateBuffer = degenerateBuffer; self.topServices = topServices
    }

    public func run(_ points: [ClusterPoint]) throws(HotspotError) -> HotspotReport {
        guard degenerateBuffer.isFinite, degenerateBuffer > 0 else {
            throw .invalidParameters("degenerateBuffer must be a finite number > 0; got \(degenerateBuffer)")
        }
        let dbscan: DBSCAN
        do throws(DBSCANError) { dbscan = try DBSCAN(eps: eps, minPoints: minPoints) } catch { throw .invalidParameters(error.description) }

        let placed = points.filter(\.hasPosition)
        let lonLat = placed.map { Coordinate($0.lon, $0.lat) }
        do throws(GeoError) {
            let plane = try MetricProjection(for: lonLat, crs: metricCRS)
            let metres = try plane.project(lonLat)
            let result = dbscan.cluster(metres)
            var hotspots: [Hotspot] = []
            for (cluster, members) in result.members.enumerated() {
                let positions = members.map { metres[$0] }
                var serviceCounts: [UInt16: Int] = [:]
                for m in members { serviceCounts[placed[m].service, default: 0] += 1 }
                let dominant = serviceCounts.map { ServiceCount(service: $0.key, count: $0.value) }
                    .sorted(by: ServiceCount.byCountDescending).prefix(max(0, topServices))
                var sumX = 0.0, sumY = 0.0
                for p in positions { sumX += p.x; sumY += p.y }
                let mean = Coordinate(sumX / Double(positions.count), sumY / Double(positions.count))
                hotspots.append(Hotspot(cluster: cluster, count: members.count, memberIDs: members.map { placed[$0].id },
                                        dominantServices: Array(dominant),
                                        outline: try outline(around: positions, plane: plane),
                                        centroid: try plane.unproject([mean])[0]))
            }
            hotspots.sort { $0.count != $1.count ? $0.count > $1.count : $0.cluster < $1.cluster }
            return HotspotReport(hotspots: hotspots, noiseCount: result.noiseCount, pointCount: placed.count, crs: plane.crs)
        } catch {
            throw .geometry(error)
        }
    }

    /// The convex hull of `metres` as a lon/lat polygon; when the hull has (next to) no area, the
    /// spot, line or sliver buffered by `degenerateBuffer` instead.
    private func outline(around metres: [Coordinate], plane: MetricProjection) throws(GeoError) -> Geometry {
        let hull = ConvexHull.vertices(of: metres)
        if hull.count >= 3 && ConvexHull.area(of: hull) >= 1 {
            return .polygon(Polygon(shell: try plane.unproject(hull + [hull[0]])))
        }
        // Reports on one line in lon/lat are not quite on one line in metres: near-collinear
        // hulls are slivers, buffered like lines.
        let core: Geometry = switch hull.count {
        case 1: .point(hull[0])
        case 2: .lineString(hull)
        default: .lineString(hull + [hull[0]])
        }
        let buffered = try plane.context.geometry(core).buffer(degenerateBuffer, quadrantSegments: 4).toGeometry()
        return try plane.unproject(buffered)
    }
}
