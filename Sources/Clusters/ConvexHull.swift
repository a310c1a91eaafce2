import Geo

/// The convex hull of planar points by Andrew's monotone chain: sort by x then y, build the lower
/// and upper chains, dropping every turn that is not strictly counter-clockwise. O(n log n).
enum ConvexHull {
    /// The hull's vertices counter-clockwise (the exterior-ring orientation GeoJSON asks for),
    /// without repeating the first and without collinear vertices. Fewer than three vertices
    /// means the points are all identical (one vertex) or all on one line (its two ends).
    static func vertices(of points: [Coordinate]) -> [Coordinate] {
        let sorted = points.sorted { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }
        var unique: [Coordinate] = []
        unique.reserveCapacity(sorted.count)
        for p in sorted where unique.last != p { unique.append(p) }
        guard unique.count > 2 else { return unique }

        func cross(_ o: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var hull: [Coordinate] = []
        hull.reserveCapacity(2 * unique.count)
        for p in unique {
            while hull.count >= 2 && cross(hull[hull.count - 2], hull[hull.count - 1], p) <= 0 { hull.removeLast() }
            hull.append(p)
        }
        let lowerCount = hull.count + 1
        for p in unique.reversed().dropFirst() {
            while hull.count >= lowerCount && cross(hull[hull.count - 2], hull[hull.count - 1], p) <= 0 { hull.removeLast() }
            hull.append(p)
        }
        hull.removeLast()  // the first point again
        // All collinear: the chains collapse to the two ends.
        return hull.count >= 3 ? hull : [unique[0], unique[unique.count - 1]]
    }

    /// The area enclosed by a ring of vertices (shoelace formula), in the coordinates' unit squared.
    static func area(of ring: [Coordinate]) -> Double {
        guard ring.count >= 3 else { return 0 }
        // Relative to the first vertex: UTM coordinates are millions of metres, and their products
        // would drown a small area in rounding.
        let origin = ring[0]
        var twice = 0.0
        for i in ring.indices {
            let a = ring[i], b = ring[(i + 1) % ring.count]
            twice += (a.x - origin.x) * (b.y - origin.y) - (b.x - origin.x) * (a.y - origin.y)
        }
        return abs(twice) / 2
    }
}
