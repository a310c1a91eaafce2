extension ClusterIndex {
    /// The clusters and single reports at `zoom` whose position lies in `bounds` (see `MapBounds`
    /// for how boxes across the antimeridian are handled). Zooms below `minZoom` answer `minZoom`,
    /// zooms above `maxZoom` answer single reports.
    public func clusters(in bounds: MapBounds, zoom: Int) -> [ClusterFeature] {
        let level = level(forZoom: zoom)
        var found: [ClusterFeature] = []
        for box in bounds.unitRectangles {
            level.tree.forEach(inRectangle: box.minX, box.minY, box.maxX, box.maxY) { position in
                found.append(feature(at: position, in: level))
            }
        }
        return found
    }

    /// The cluster itself, as a feature.
    public func cluster(_ id: ClusterID) throws(ClusterError) -> ClusterFeature {
        let (level, position) = try locate(id)
        return feature(at: position, in: levels[level])
    }

    /// What the cluster splits into one zoom further in: clusters and single reports, at least two.
    public func children(of id: ClusterID) throws(ClusterError) -> [ClusterFeature] {
        let (levelIndex, position) = try locate(id)
        let level = levels[levelIndex], below = levels[levelIndex + 1]
        return level.childRange(position).map { feature(at: Int(level.children[$0]), in: below) }
    }

    /// The cluster's reports, `limit` of them after skipping `offset`, in a fixed order (depth
    /// first through the cluster's children). Whole sub-clusters inside the skipped part are
    /// stepped over by their counts, so deep pages cost no more than the first.
    public func leaves(of id: ClusterID, limit: Int = 10, offset: Int = 0) throws(ClusterError) -> [ClusterPoint] {
        guard limit >= 0, offset >= 0 else { throw .invalidPaging(limit: limit, offset: offset) }
        let (levelIndex, position) = try locate(id)
        var collector = LeafCollector(limit: limit, skip: offset)
        collector.visit(levelIndex, position, in: self)
        return collector.found
    }

    /// The first zoom at which the cluster shows as its children, to zoom to when it is clicked.
    public func expansionZoom(of id: ClusterID) throws(ClusterError) -> Int {
        _ = try locate(id)
        // A cluster is made at the zoom its id names and holds at least two nodes of the level
        // below, so it splits exactly one zoom further in.
        return id.zoom + 1
    }

    /// The level (index into `levels`) and position where cluster `id` formed; `unknownCluster`
    /// unless `id` names a cluster made there.
    func locate(_ id: ClusterID) throws(ClusterError) -> (level: Int, position: Int) {
        guard id.rawValue >= 0, (options.minZoom...options.maxZoom).contains(id.zoom) else { throw .unknownCluster(id) }
        let levelIndex = id.zoom - options.minZoom
        let level = levels[levelIndex], position = id.index
        guard position < level.count, level.isCluster(position), level.identities[position] == id.rawValue else {
            throw .unknownCluster(id)
        }
        return (levelIndex, position)
    }

    func feature(at position: Int, in level: ClusterLevel) -> ClusterFeature {
        let count = level.counts[position]
        if count == 1 {
            let point = points[Int(level.identities[position])]
            return ClusterFeature(kind: .report(point), lon: point.lon, lat: point.lat, count: 1, district: point.district,
                                  services: ServiceBreakdown(single: point.service))
        }
        let id = ClusterID(rawValue: level.identities[position])
        let start = Int(level.breakdownStarts[position])
        let services = ServiceBreakdown(shared: breakdownPool[start..<start + Int(level.breakdownCounts[position])])
        return ClusterFeature(kind: .cluster(id: id, expansionZoom: id.zoom + 1),
                              lon: WebMercator.longitude(x: level.tree.coordinates[2 * position]),
                              lat: WebMercator.latitude(y: level.tree.coordinates[2 * position + 1]),
                              count: Int(count), district: level.districts[position], services: services)
    }
}

/// A depth-first walk for `leaves(of:)` that steps over whole subtrees while skipping.
private struct LeafCollector {
    let limit: Int
    var skip: Int
    var found: [ClusterPoint] = []

    init(limit: Int, skip: Int) {
        self.limit = limit
        self.skip = skip
        found.reserveCapacity(min(limit, 1024))
    }

    mutating func visit(_ levelIndex: Int, _ position: Int, in index: ClusterIndex) {
        guard found.count < limit else { return }
        let level = index.levels[levelIndex]
        let count = Int(level.counts[position])
        if skip >= count {
            skip -= count
            return
        }
        if count == 1 {
            found.append(index.points[Int(level.identities[position])])
            return
        }
        for k in level.childRange(position) {
            visit(levelIndex + 1, Int(level.children[k]), in: index)
            if found.count >= limit { return }
        }
    }
}
