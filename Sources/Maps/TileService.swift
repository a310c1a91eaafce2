import Foundation

/// Tiles: the same renderer as GetMap over the Web Mercator grid, through the disk cache.
public struct TileService: Sendable {
    public let renderer: MapRenderer
    public let cache: TileCache

    public init(renderer: MapRenderer, cache: TileCache) { self.renderer = renderer; self.cache = cache }

    /// The tile, from the cache or freshly rendered (and stored). The layer may be several drawn
    /// together (`clusters,districts`, see `LayerCatalogue.tileLayers`). Throws LayerNotDefined
    /// for an unknown layer and InvalidParameterValue for a tile outside the grid.
    public func tile(_ key: TileCache.Key, data: MapData) throws(WMSError) -> TileCache.Entry {
        _ = try renderer.catalogue.tileLayers(key.layer)
        guard key.tile.isValid, key.ratio == 1 || key.ratio == 2 else {
            throw WMSError(.invalidParameterValue, "no tile \(key.tile) in the grid (zoom 0 to \(TileGrid.maxZoom), x and y below 2^zoom)")
        }
        if let hit = cache.read(key) { return hit }
        let epoch = cache.epoch
        let body = try render(key, data: data)
        return cache.store(key, data: body, renderedAt: epoch)
    }

    public func render(_ key: TileCache.Key, data: MapData) throws(WMSError) -> Data {
        // A report layer's empty filter (SERVICE_CODE of no report) still draws: a blank tile.
        let layers = try renderer.catalogue.tileLayers(key.layer).map { MapRequest.LayerChoice(name: $0) }
        let request = MapRequest(viewport: TileGrid.viewport(key.tile, ratio: key.ratio), layers: layers,
                                 query: key.query, format: .png, transparent: true, background: .white, pixelRatio: Double(key.ratio))
        return try renderer.render(request, data: data)
    }
}
