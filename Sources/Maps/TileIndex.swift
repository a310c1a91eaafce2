import Foundation

/// Which tiles the disk cache holds, per layer, filter folder and zoom. Invalidation looks here
/// instead of walking folders: on Linux, Foundation's directory listing and URL building cost
/// about a fifth of report intake's CPU when done for every report.
struct TileIndex: Sendable {
    struct Folder: Hashable, Sendable { var filter: String; var z: Int }
    struct Tile: Hashable, Sendable { var x: Int; var y: Int; var ratio: Int }

    private var layers: [String: [Folder: Set<Tile>]] = [:]

    var count: Int { layers.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } } }

    /// The tile layers (single or drawn together) with tiles on disk.
    var layerNames: [String] { Array(layers.keys) }

    func contains(_ key: TileCache.Key) -> Bool {
        layers[key.layer]?[Folder(filter: key.filterFolder, z: key.tile.z)]?.contains(Tile(key)) == true
    }

    mutating func insert(_ key: TileCache.Key) {
        layers[key.layer, default: [:]][Folder(filter: key.filterFolder, z: key.tile.z), default: []].insert(Tile(key))
    }

    mutating func remove(_ key: TileCache.Key) {
        layers[key.layer]?[Folder(filter: key.filterFolder, z: key.tile.z)]?.remove(Tile(key))
    }

    /// Takes out the tiles of `layer`, in any filter, that fall in `range(z)` at their zoom, and
    /// answers their paths relative to the cache root.
    mutating func removeTiles(layer: String, in range: (Int) -> (x: ClosedRange<Int>, y: ClosedRange<Int>)) -> [String] {
        guard var folders = layers[layer] else { return [] }
        var removed: [String] = []
        for (folder, tiles) in folders {
            let r = range(folder.z)
            let inRange = r.x.count * r.y.count * 2 < tiles.count
                ? r.x.flatMap { x in r.y.flatMap { y in [1, 2].map { Tile(x: x, y: y, ratio: $0) } } }.filter(tiles.contains)
                : tiles.filter { r.x.contains($0.x) && r.y.contains($0.y) }
            guard !inRange.isEmpty else { continue }
            folders[folder] = tiles.subtracting(inRange)
            removed += inRange.map { Self.relativePath(layer: layer, folder: folder, tile: $0) }
        }
        layers[layer] = folders
        return removed
    }

    /// Forgets every tile (of one layer, or of all).
    mutating func removeAll(layer: String?) {
        if let layer { layers[layer] = nil } else { layers.removeAll() }
    }

    static func relativePath(layer: String, folder: Folder, tile: Tile) -> String {
        "\(layer)/\(folder.filter)/\(folder.z)/\(tile.x)/\(tile.y)\(tile.ratio == 2 ? "@2x" : "").png"
    }

    /// The index of what is on disk under `root` (`<layer>/<filter>/<z>/<x>/<y>[@2x].png`).
    static func scan(root: URL) -> TileIndex {
        var index = TileIndex()
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return index }
        for case let path as String in walker where path.hasSuffix(".png") {
            let parts = path.split(separator: "/")
            guard parts.count == 5, let z = Int(parts[2]), let x = Int(parts[3]) else { continue }
            var name = parts[4].dropLast(4)
            let ratio = name.hasSuffix("@2x") ? 2 : 1
            if ratio == 2 { name = name.dropLast(3) }
            guard let y = Int(name) else { continue }
            index.layers[String(parts[0]), default: [:]][Folder(filter: String(parts[1]), z: z), default: []].insert(Tile(x: x, y: y, ratio: ratio))
        }
        return index
    }
}

extension TileIndex.Tile {
    init(_ key: TileCache.Key) { self.init(x: key.tile.x, y: key.tile.y, ratio: key.ratio) }
}
