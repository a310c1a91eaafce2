import Geo

/// Overlaps and gaps between districts. Districts should tile the city: an overlap makes a
/// point's district ambiguous (the smallest id wins), a gap leaves reports with no district.
public struct TopologyReport: Sendable, Hashable {
    public struct Overlap: Sendable, Hashable {
        public var first: String
        public var second: String
        public var areaSquareMetres: Double
    }
    public struct Gap: Sendable, Hashable {
        /// A point inside the gap, lon/lat.
        public var location: Coordinate
        public var areaSquareMetres: Double
    }
    public var overlaps: [Overlap]
    public var gaps: [Gap]
}

enum TopologyCheck {
    /// Overlaps and gaps smaller than this are digitising noise and not reported.
    static let minimumArea = 1.0  // m²

    /// Works on the districts projected to metres. The union of all districts is needed for the
    /// gaps anyway, and the sum of areas minus the union's area is the total overlap: only when
    /// that is above the threshold are the pairs intersected one by one to name them.
    static func run(_ projected: [GeosGeometry], labels: [String], metric: MetricProjection) throws(GeoError) -> TopologyReport {
        guard !projected.isEmpty else { return TopologyReport(overlaps: [], gaps: []) }
        let geos = metric.context
        let union = try GeosGeometry.collection(projected, in: geos).unaryUnion()
        let totalOverlap = projected.reduce(0) { $0 + $1.area } - union.area

        var overlaps: [TopologyReport.Overlap] = []
        if totalOverlap >= minimumArea {
            let tree = try STRtree(context: geos)
            for (i, g) in projected.enumerated() { try tree.insert(g.envelope, item: i) }
            for (i, g) in projected.enumerated() {
                for j in tree.query(g) where j > i {
                    let area = try g.intersection(projected[j]).area
                    if area >= minimumArea { overlaps.append(.init(first: labels[i], second: labels[j], areaSquareMetres: area)) }
                }
            }
        }

        // A gap is a hole in the union: land enclosed by districts that none of them covers.
        var gaps: [TopologyReport.Gap] = []
        for polygon in try union.toGeometry().polygons {
            for hole in polygon.holes {
                let ring = try geos.geometry(.polygon(Polygon(shell: hole)))
                guard ring.area >= minimumArea else { continue }
                guard case .point(let inside) = try ring.pointOnSurface().toGeometry() else { continue }
                gaps.append(.init(location: try metric.unproject(inside), areaSquareMetres: ring.area))
            }
        }
        return TopologyReport(overlaps: overlaps.sorted { $0.areaSquareMetres > $1.areaSquareMetres },
                              gaps: gaps.sorted { $0.areaSquareMetres > $1.areaSquareMetres })
    }
}
