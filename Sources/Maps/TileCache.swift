import Foundation
import Geo
import Synchronization

/// Rendered tiles on disk under `root/<layer>/<filter>/<z>/<x>/<y>[@2x].png`, with the most
/// recently used ones also in memory. `<filter>` is `all` or a hash of the report filters
/// (`ReportQuery.key`, written beside the tiles in `query.txt` for people).
///
/// Invalidation removes exactly the tiles a report's symbols can reach, at every zoom, in every
/// filter (a superset: filters the report does not match lose tiles too). To keep a render that
/// began before an invalidation from writing its stale tile afterwards, every invalidation
/// advances an epoch, and `store` drops tiles rendered under an older one.
///
/// What is on disk is indexed in memory (`TileIndex`, read from disk at start), so invalidation
/// touches only tiles that exist. A tile another process wrote later (`miestas tiles seed`
/// beside a running server) is unknown to the index: it is served only if it was written after
/// this cache's last invalidation, else removed and drawn again.
public final class TileCache: Sendable {
    public let root: URL
    private let memory: Mutex<MemoryTiles>
    private let epochCounter = Mutex(0)
    private let index: Mutex<TileIndex>
    /// When the last invalidation or purge ran (for tiles the index does not know).
    private let lastInvalidation = Mutex(Date.distantPast)

    public struct Key: Hashable, Sendable {
        public var layer: String
        public var query: ReportQuery
        public var tile: TileCoordinate
        public var ratio: Int
        public init(layer: String, query: ReportQuery, tile: TileCoordinate, ratio: Int) {
            self.layer = layer; self.query = query; self.tile = tile; self.ratio = ratio
        }

        var filterFolder: String { query == .all ? "all" : String(format: "%016llx", TileCache.fnv1a(Data(query.key.utf8))) }
        var relativePath: String { "\(layer)/\(filterFolder)/\(tile.z)/\(tile.x)/\(tile.y)\(ratio == 2 ? "@2x" : "").png" }
    }

    /// A tile and its entity tag.
    public struct Entry: Sendable {
        public let data: Data
        public let etag: String
    }

    public init(root: URL, memoryCapacity: Int = 4096) {
        self.root = root
        memory = Mutex(MemoryTiles(capacity: memoryCapacity))
        index = Mutex(TileIndex.scan(root: root))
    }

    /// Tiles on disk, as far as this cache knows.
    public var diskTileCount: Int { index.withLock { $0.count } }

    public var epoch: Int { epochCounter.withLock { $0 } }

    public func read(_ key: Key) -> Entry? {
        let path = key.relativePath
        if let hit = memory.withLock({ $0.get(path) }) { return hit }
        let file = root.appendingPathComponent(path)
        let readAt = epoch
        guard let data = try? Data(contentsOf: file) else { return nil }
        if !index.withLock({ $0.contains(key) }) {
            // Written by another process: only good if no invalidation ran since.
            let written = (try? FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate]) as? Date ?? .distantPast
            guard written > lastInvalidation.withLock({ $0 }) else { unlink(file.path); return nil }
            index.withLock { $0.insert(key) }
        }
        let entry = Entry(data: data, etag: Self.etag(data))
        // Not kept in memory if an invalidation ran meanwhile (it may have removed this file).
        if epoch == readAt { memory.withLock { $0.put(path, entry) } }
        return entry
    }

    /// Stores a tile rendered when the epoch was `renderedAt`; returns its entry (stored or not).
    @discardableResult
    public func store(_ key: Key, data: Data, renderedAt: Int) -> Entry {
        let entry = Entry(data: data, etag: Self.etag(data))
        guard epoch == renderedAt else { return entry }
        let path = key.relativePath
        let url = root.appendingPathComponent(path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if key.query != .all {
                // folder is <layer>/<filter>/<z>/<x>: the note goes into <filter>.
                let note = folder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("query.txt")
                if !FileManager.default.fileExists(atPath: note.path) { try? Data((key.query.key + "\n").utf8).write(to: note) }
            }
            // Write then rename, so a reader never sees half a tile.
            let temporary = folder.appendingPathComponent(".\(UUID().uuidString).tmp")
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                return entry
            }
        } catch {
            // A full or read-only disk costs speed, not correctness: the tile is served anyway.
            return entry
        }
        index.withLock { $0.insert(key) }
        // An invalidation may have run while writing (and missed this tile): then it goes again.
        if epoch != renderedAt {
            index.withLock { $0.remove(key) }
            try? FileManager.default.removeItem(at: url)
            return entry
        }
        memory.withLock { $0.put(path, entry) }
        return entry
    }

    /// Removes the tiles of `layers` that a report at `location` can change: within each layer's
    /// pixel reach of the point at every zoom, or, for layers that change over the whole
    /// district (reach nil), every tile over the district's box. Returns how many files went.
    @discardableResult
    public func invalidate(reportAt location: Coordinate, district: MapDistrict?, layers: [(name: String, reachPixels: Double?)]) -> Int {
        invalidate(reportAt: location, district: district) { name in
            guard let (_, reach) = layers.first(where: { $0.name == name }) else { return .none }
            return reach.map { ReportReach(pixels: $0) } ?? ReportReach(wholeDistrict: true)
        }
    }

    /// The same for every tile layer on disk (single layers and layers drawn together), each as
    /// far as `reach` says (see `LayerCatalogue.reportReach`).
    @discardableResult
    public func invalidate(reportAt location: Coordinate, district: MapDistrict?, reach: (String) -> ReportReach) -> Int {
        epochCounter.withLock { $0 += 1 }
        defer { epochCounter.withLock { $0 += 1 } }
        lastInvalidation.withLock { $0 = Date() }
        var doomed: [String] = []
        index.withLock { index in
            for layer in index.layerNames {
                let r = reach(layer)
                if let pixels = r.pixels {
                    let point = BoundingBox(minX: location.x, minY: location.y, maxX: location.x, maxY: location.y)
                    doomed += index.removeTiles(layer: layer) { z in TileGrid.range(covering: point, marginPixels: pixels, zoom: z) }
                }
                if r.wholeDistrict, let district {
                    doomed += index.removeTiles(layer: layer) { z in TileGrid.range(covering: district.bounds, marginPixels: 1, zoom: z) }
                }
            }
        }
        guard !doomed.isEmpty else { return 0 }
        memory.withLock { memory in for path in doomed { memory.remove(path) } }
        let rootPath = root.path
        return doomed.reduce(0) { $0 + (unlink(rootPath + "/" + $1) == 0 ? 1 : 0) }
    }

    /// Removes every cached tile (of one layer, also where it is drawn together with others, or
    /// of all). Returns how many files went.
    @discardableResult
    public func purge(layer: String? = nil) -> Int {
        epochCounter.withLock { $0 += 1 }
        defer { epochCounter.withLock { $0 += 1 } }
        lastInvalidation.withLock { $0 = Date() }
        memory.withLock { $0.removeAll() }
        let fm = FileManager.default
        let everything = Set((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).union(index.withLock { $0.layerNames })
        let names = layer.map { layer in everything.filter { $0.split(separator: ",").contains(Substring(layer)) } } ?? Array(everything)
        index.withLock { index in for name in names { index.removeAll(layer: name) } }
        let folders = names.map { root.appendingPathComponent($0) }
        var count = 0
        for folder in folders {
            if let walker = fm.enumerator(atPath: folder.path) {
                for case let path as String in walker where path.hasSuffix(".png") { count += 1 }
            }
            try? fm.removeItem(at: folder)
        }
        return count
    }

    static func etag(_ data: Data) -> String { "\"" + String(format: "%016llx", fnv1a(data)) + "\"" }

    /// FNV-1a, 64 bits: stable across runs and processes (unlike `Hasher`), so ETags and folder
    /// names stay the same after a restart.
    static func fnv1a(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { raw in
            for byte in raw { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        return hash
    }
}

/// The in-memory front of the cache: a bounded map with approximate LRU eviction (a use clock
/// per entry; when full, the older half goes at once, so eviction costs O(1) amortised).
struct MemoryTiles: Sendable {
    let capacity: Int
    private var entries: [String: (TileCache.Entry, UInt64)] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) { self.capacity = capacity }

    mutating func get(_ path: String) -> TileCache.Entry? {
        guard let (entry, _) = entries[path] else { return nil }
        clock += 1
        entries[path] = (entry, clock)
        return entry
    }

    mutating func put(_ path: String, _ entry: TileCache.Entry) {
        guard capacity > 0 else { return }
        clock += 1
        entries[path] = (entry, clock)
        if entries.count > capacity {
            let cut = clock - UInt64(capacity / 2)
            entries = entries.filter { $0.value.1 > cut }
        }
    }

    mutating func remove(_ path: String) { entries[path] = nil }
    mutating func removeAll() { entries.removeAll() }
}
