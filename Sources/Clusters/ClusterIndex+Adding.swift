extension ClusterIndex {
    /// A copy that also holds `newPoints`, placed into the existing clusters without a rebuild
    /// (see `RecentReports` for the rule and what it keeps exact). About 20 µs a report; meant for
    /// the reports that arrive between two builds, not for thousands at a time.
    public func adding(_ newPoints: some Sequence<ClusterPoint>) -> ClusterIndex {
        var copy = self
        var parents: [ContiguousArray<Int32>]?
        var found = PositionList()
        for point in newPoints {
            guard point.hasPosition else {
                copy.recent.skip()
                continue
            }
            let links = parents ?? parentLinks.parents(of: levels)
            parents = links
            copy.recent.append(point, joining: placement(of: point, parents: links, scratch: &found))
        }
        return copy
    }

    /// The finest zoom at which a cluster formed at that zoom lies within the clustering radius of
    /// `point` (the nearest such cluster, of the point's own district in per-district mode), and
    /// the clusters holding that one at every coarser zoom; nil if none is near at any zoom.
    private func placement(of point: ClusterPoint, parents: [ContiguousArray<Int32>],
                           scratch found: inout PositionList) -> RecentReports.Placement? {
        let x = WebMercator.x(longitude: WebMercator.wrapped(longitude: point.lon)), y = WebMercator.y(latitude: point.lat)
        let byDistrict = options.grouping == .byDistrict
        for zoom in stride(from: options.maxZoom, through: options.minZoom, by: -1) {
            let levelIndex = zoom - options.minZoom
            let level = levels[levelIndex]
            found.removeAll()
            level.tree.appendPositions(within: options.unitRadius(atZoom: zoom), ofX: x, y: y, to: &found)
            var nearest: Int?, nearestDistance = Double.infinity
            for k in 0..<found.count {
                let position = Int(found[k])
                // Only a cluster formed at this zoom: one copied from a finer zoom splits into children
                // there, and the report, farther than the radius from it at that zoom, is not among them.
                guard level.isCluster(position), ClusterID(rawValue: level.identities[position]).zoom == zoom,
                      !byDistrict || level.districts[position] == point.district else { continue }
                let dx = level.tree.coordinates[2 * position] - x, dy = level.tree.coordinates[2 * position + 1] - y
                let distance = dx * dx + dy * dy
                if distance < nearestDistance || (distance == nearestDistance && position < nearest!) {
                    nearest = position
                    nearestDistance = distance
                }
            }
            guard let nearest else { continue }
            var holders = [Int32](repeating: -1, count: levelIndex + 1)
            var position = Int32(nearest)
            for l in stride(from: levelIndex, through: 0, by: -1) {
                holders[l] = position
                if l > 0 { position = parents[l][Int(position)] }
            }
            return RecentReports.Placement(zoom: zoom, holders: holders)
        }
        return nil
    }
}
