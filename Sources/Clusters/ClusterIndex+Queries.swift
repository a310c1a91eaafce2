extension ClusterIndex {
    /// The clusters and single reports at `zoom` whose position lies in `bounds` (see `MapBounds`
    /// for how boxes across the antimeridian are handled). Zooms below `minZoom` answer `minZoom`,
    /// zooms above `maxZoom` answer single reports.
    public func clusters(in bounds: MapBounds, zoom: Int) -> [ClusterFeature] {
        let level = level(forZoom: zoom)
        let rectangles = bounds.unitRectangles
        let gains = recent.isEmpty ? [:] : recent.gains(atZoom: level.zoom)
        var found: [ClusterFeature] = []
        for box in rectangles {
            level.tree.forEach(inRectangle: box.minX, box.minY, box.maxX, box.maxY) { position in
                found.append(feature(at: position, in: level, gaining: gains[Int32(truncatingIfNeeded: position)]))
            }
        }
        for box in rectangles where !recent.isEmpty {
            found += recent.singles(atZoom: level.zoom, in: box).map(Self.feature(single:))
        }
        return found
    }

    /// Every single report whose position lies in `bounds`, with its position in the Web Mercator
    /// unit square (x east from 180°W, y south from 85.05°N, both 0...1), in the order
    /// `clusters(in:zoom:)` gives them at the single-report zoom: what map layers that draw tens
    /// of thousands of symbols read, without a feature (and a breakdown) made for each, and
    /// without projecting them again for a Web Mercator map.
    public func forEachReport(in bounds: MapBounds, _ body: (ClusterPoint, _ x: Double, _ y: Double) -> Void) {
        let level = levels[levels.count - 1]
        let rectangles = bounds.unitRectangles
        built.withUnsafeBufferPointer { built in
            level.identities.withUnsafeBufferPointer { identities in
                level.tree.coordinates.withUnsafeBufferPointer { xy in
                    for box in rectangles {
                        level.tree.forEach(inRectangle: box.minX, box.minY, box.maxX, box.maxY) { position in
                            body(built[Int(identities[position])], xy[2 * position], xy[2 * position + 1])
                        }
                    }
                }
            }
        }
        guard !recent.isEmpty else { return }
        for box in rectangles { recent.forEachSingle(atZoom: level.zoom, in: box, body) }
    }

    /// The cluster itself, as a feature.
    public func cluster(_ id: ClusterID) throws(ClusterError) -> ClusterFeature {
        let (level, position) = try locate(id)
        return feature(at: position, in: levels[level], gaining: gained(byClusterAt: position, zoom: id.zoom))
    }

    /// What the cluster splits into one zoom further in: clusters and single reports, at least two.
    public func children(of id: ClusterID) throws(ClusterError) -> [ClusterFeature] {
        let (levelIndex, position) = try locate(id)
        let level = levels[levelIndex], below = levels[levelIndex + 1]
        let gains = recent.isEmpty ? [:] : recent.gains(atZoom: below.zoom)
        let builtChildren = level.childRange(position).map { k in
            feature(at: Int(level.children[k]), in: below, gaining: gains[level.children[k]])
        }
        // Added reports that joined this very cluster are single one zoom further in.
        let joined = recent.joiners(ofClusterAt: position, zoom: level.zoom)
        return builtChildren + joined.map(Self.feature(single:))
    }

    /// The cluster's reports, `limit` of them after skipping `offset`, in a fixed order (depth
    /// first through the cluster's children). Whole sub-clusters inside the skipped part are
    /// stepped over by their counts, so deep pages cost no more than the first.
    public func leaves(of id: ClusterID, limit: Int = 10, offset: Int = 0) throws(ClusterError) -> [ClusterPoint] {
        guard limit >= 0, offset >= 0 else { throw .invalidPaging(limit: limit, offset: offset) }
        let (levelIndex, position) = try locate(id)
        var collector = LeafCollector(limit: limit, skip: offset)
        collector.visit(levelIndex, position, in: self)
        // Reports added since the build come after the built ones.
        let builtCount = Int(levels[levelIndex].counts[position])
        let added = recent.members(ofClusterAt: position, zoom: id.zoom)
        let addedOffset = max(0, offset - builtCount)
        guard collector.found.count < limit, addedOffset < added.count else { return collector.found }
        return collector.found + added[addedOffset...].prefix(limit - collector.found.count)
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

    /// The node at `position` of `level` as a feature; a cluster also counts the services of the
    /// reports added to it since the build (`gained`).
    func feature(at position: Int, in level: ClusterLevel, gaining gained: [ServiceCount]? = nil) -> ClusterFeature {
        let count = level.counts[position]
        if count == 1 { return Self.feature(single: built[Int(level.identities[position])]) }
        let id = ClusterID(rawValue: level.identities[position])
        let start = Int(level.breakdownStarts[position])
        let built = breakdownPool[start..<start + Int(level.breakdownCounts[position])]
        let services = gained.map { ServiceBreakdown(built, adding: $0) } ?? ServiceBreakdown(shared: built)
        return ClusterFeature(kind: .cluster(id: id, expansionZoom: id.zoom + 1),
                              lon: WebMercator.longitude(x: level.tree.coordinates[2 * position]),
                              lat: WebMercator.latitude(y: level.tree.coordinates[2 * position + 1]),
                              count: Int(count) + (gained?.reduce(0) { $0 + $1.count } ?? 0), district: level.districts[position], services: services)
    }

    static func feature(single point: ClusterPoint) -> ClusterFeature {
        ClusterFeature(kind: .report(point), lon: point.lon, lat: point.lat, count: 1, district: point.district,
                       services: ServiceBreakdown(single: point.service))
    }

    /// The services of the reports added to the cluster at `position` of `zoom` since the build.
    private func gained(byClusterAt position: Int, zoom: Int) -> [ServiceCount]? {
        let members = recent.members(ofClusterAt: position, zoom: zoom)
        return members.isEmpty ? nil : RecentReports.counted(members.map(\.service))
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
            found.append(index.built[Int(level.identities[position])])
            return
        }
        for k in level.childRange(position) {
            visit(levelIndex + 1, Int(level.children[k]), in: index)
            if found.count >= limit { return }
        }
    }
}
