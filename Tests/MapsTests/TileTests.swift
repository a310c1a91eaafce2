import Foundation
import Geo
import Testing
@testable import Maps

@Suite struct TileTests {
    @Test func gridBoxes() {
        let world = TileGrid.box(TileCoordinate(z: 0, x: 0, y: 0))
        #expect(abs(world.minX + 20_037_508.342789244) < 1e-6 && abs(world.maxY - 20_037_508.342789244) < 1e-6)
        // Boston City Hall at zoom 14 is tile 4958/6059 (the OpenStreetMap wiki's formula, in Python).
        let r = TileGrid.range(covering: BoundingBox(minX: -71.0587, minY: 42.3594, maxX: -71.0587, maxY: 42.3594), marginPixels: 0, zoom: 14)
        #expect(r.x == 4958...4958 && r.y == 6059...6059)
        #expect(TileCoordinate(z: 3, x: 8, y: 0).isValid == false && TileCoordinate(z: 3, x: 7, y: 7).isValid)
    }

    /// Every tile of a zoom clusters at the same level, whatever its place: neighbouring tiles
    /// that chose different levels cut the circles on their shared edge in half (seen on the map).
    @Test func everyTileOfAZoomClustersAtTheSameLevel() throws {
        var random = SystemRandomNumberGenerator()
        for z in 1...18 {
            let n = 1 << z
            var tiles = (0..<60).map { _ in TileCoordinate(z: z, x: Int.random(in: 0..<n, using: &random), y: Int.random(in: 0..<n, using: &random)) }
            // Kaunas and Boston, and their right-hand neighbours.
            for (lon, lat) in [(23.905, 54.897), (-71.0587, 42.3594)] {
                let r = TileGrid.range(covering: BoundingBox(minX: lon, minY: lat, maxX: lon, maxY: lat), marginPixels: 0, zoom: z)
                tiles += [TileCoordinate(z: z, x: r.x.lowerBound, y: r.y.lowerBound), TileCoordinate(z: z, x: min(n - 1, r.x.lowerBound + 1), y: r.y.lowerBound)]
            }
            for tile in tiles {
                for ratio in [1, 2] {
                    let frame = try ViewFrame(viewport: TileGrid.viewport(tile, ratio: ratio), pixelRatio: Double(ratio))
                    let level = ClustersLayer.clusterZoom(frame, maxZoom: 18)
                    #expect(level == z - 1, "tile \(tile) @\(ratio)x clusters at level \(level), not \(z - 1)")
                    if level != z - 1 { return }
                }
            }
        }
    }

    func temporaryCache() -> TileCache {
        TileCache(root: FileManager.default.temporaryDirectory.appendingPathComponent("miestas-tiles-\(UUID().uuidString)"), memoryCapacity: 16)
    }

    @Test func tilesRenderCacheAndMatchGetMap() throws {
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        let service = TileService(renderer: MapRenderer(), cache: cache)
        let t = TileGrid.range(covering: BoundingBox(minX: 23.91, minY: 54.89, maxX: 23.91, maxY: 54.89), marginPixels: 0, zoom: 14)
        let key = TileCache.Key(layer: "reports", query: .all, tile: TileCoordinate(z: 14, x: t.x.lowerBound, y: t.y.lowerBound), ratio: 1)
        let first = try service.tile(key, data: Fixture.data)
        #expect(FileManager.default.fileExists(atPath: cache.root.appendingPathComponent(key.relativePath).path))
        #expect(try service.tile(key, data: Fixture.data).etag == first.etag)
        // The tile is the GetMap of its box in EPSG:3857.
        let box = TileGrid.box(key.tile)
        let getMap = Fixture.handle("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=reports&STYLES=&CRS=EPSG:3857&BBOX=\(box.minX),\(box.minY),\(box.maxX),\(box.maxY)&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE")
        let tilePixels = try #require(Pixels(png: first.data)), mapPixels = try #require(Pixels(png: getMap.body))
        #expect(tilePixels.differingShare(from: mapPixels) < 0.001)
        #expect(tilePixels.opaquePixelCount > 0)
        let hidpi = try service.tile(TileCache.Key(layer: "reports", query: .all, tile: key.tile, ratio: 2), data: Fixture.data)
        #expect(try #require(Pixels(png: hidpi.data)).width == 512)
        #expect(throws: WMSError.self) { try service.tile(TileCache.Key(layer: "nope", query: .all, tile: key.tile, ratio: 1), data: Fixture.data) }
        #expect(throws: WMSError.self) { try service.tile(TileCache.Key(layer: "reports", query: .all, tile: TileCoordinate(z: 2, x: 4, y: 0), ratio: 1), data: Fixture.data) }
    }

    /// Several layers drawn together are one tile, the GetMap of those layers; a report removes
    /// such tiles as far as the farthest-reaching of its layers (names over clusters: further),
    /// and purging a layer purges it where it is drawn with others.
    @Test func layersDrawnTogetherAreOneTile() throws {
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        let service = TileService(renderer: MapRenderer(), cache: cache)
        let t = TileGrid.range(covering: BoundingBox(minX: 23.91, minY: 54.89, maxX: 23.91, maxY: 54.89), marginPixels: 0, zoom: 14)
        let tile = TileCoordinate(z: 14, x: t.x.lowerBound, y: t.y.lowerBound)
        let together = try service.tile(TileCache.Key(layer: "clusters,districts", query: .all, tile: tile, ratio: 1), data: Fixture.data)
        let box = TileGrid.box(tile)
        let getMap = Fixture.handle("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=clusters,districts&STYLES=&CRS=EPSG:3857&BBOX=\(box.minX),\(box.minY),\(box.maxX),\(box.maxY)&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE")
        #expect(try #require(Pixels(png: together.data)).differingShare(from: try #require(Pixels(png: getMap.body))) < 0.001)
        let alone = try service.tile(TileCache.Key(layer: "clusters", query: .all, tile: tile, ratio: 1), data: Fixture.data)
        #expect(alone.etag != together.etag)
        for bad in ["clusters,nope", "clusters,clusters", "", "clusters,"] {
            #expect(throws: WMSError.self, "\(bad)") { try service.tile(TileCache.Key(layer: bad, query: .all, tile: tile, ratio: 1), data: Fixture.data) }
        }

        let point = Coordinate(23.91, 54.89)
        let labelReach = Fixture.data.labelReach
        #expect(labelReach > 50 && labelReach < 1000)
        let overClusters = fill(cache, layer: "clusters,districts", around: point, zooms: 16...16)
        let names = fill(cache, layer: "districts", around: point, zooms: 16...16)
        let heatPlans = fill(cache, layer: "heatmap,plans", around: point, zooms: 16...16)
        cache.invalidate(reportAt: point, district: nil) { LayerCatalogue.standard.reportReach(ofTileLayer: $0, labelReach: labelReach) }
        func touched(_ key: TileCache.Key, _ reach: Double) -> Bool {
            let r = TileGrid.range(covering: BoundingBox(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y), marginPixels: reach, zoom: key.tile.z)
            return r.x.contains(key.tile.x) && r.y.contains(key.tile.y)
        }
        for key in overClusters { #expect(exists(cache, key) == !touched(key, ClustersLayer.clusterRadius + ClustersLayer.maxCircle + labelReach), "\(key.tile)") }
        for key in heatPlans { #expect(exists(cache, key) == !touched(key, HeatmapLayer().reportReach!), "\(key.tile)") }
        #expect(overClusters.contains { !exists(cache, $0) })
        #expect(names.allSatisfy { exists(cache, $0) }, "names alone do not change with reports")
        let remaining = heatPlans.filter { exists(cache, $0) }.count
        #expect(remaining > 0 && cache.purge(layer: "plans") == remaining)
        #expect(heatPlans.allSatisfy { !exists(cache, $0) } && names.allSatisfy { exists(cache, $0) })
    }

    /// Writes a dummy tile file for every tile in a 5 × 5 block around `centre` at each zoom.
    func fill(_ cache: TileCache, layer: String, around centre: Coordinate, zooms: ClosedRange<Int>, query: ReportQuery = .all) -> [TileCache.Key] {
        var keys: [TileCache.Key] = []
        for z in zooms {
            let r = TileGrid.range(covering: BoundingBox(minX: centre.x, minY: centre.y, maxX: centre.x, maxY: centre.y), marginPixels: 0, zoom: z)
            for x in (r.x.lowerBound - 2)...(r.x.lowerBound + 2) {
                for y in (r.y.lowerBound - 2)...(r.y.lowerBound + 2) {
                    let key = TileCache.Key(layer: layer, query: query, tile: TileCoordinate(z: z, x: x, y: y), ratio: 1)
                    cache.store(key, data: Data("tile".utf8), renderedAt: cache.epoch)
                    keys.append(key)
                }
            }
        }
        return keys
    }

    func exists(_ cache: TileCache, _ key: TileCache.Key) -> Bool {
        FileManager.default.fileExists(atPath: cache.root.appendingPathComponent(key.relativePath).path)
    }

    @Test func invalidationRemovesExactlyTheTouchedTilesAtEveryZoom() throws {
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        // A point 2 pixels inside the west edge of its zoom-16 tile: at zoom 16 the symbol
        // (radius 6 px) reaches into the western neighbour.
        let z16 = 16, n = Double(1 << z16)
        let tileX = 37300.0
        let lon = (tileX + 2.0 / 256) / n * 360 - 180
        let point = Coordinate(lon, 54.89)
        let keys = fill(cache, layer: "reports", around: point, zooms: 10...16)
        let filtered = fill(cache, layer: "reports", around: point, zooms: 16...16, query: ReportQuery(statuses: ["open"]))
        let districts = fill(cache, layer: "districts", around: point, zooms: 16...16)
        // The filter's folder says in words which filter it holds.
        let note = cache.root.appendingPathComponent("reports/\(filtered[0].filterFolder)/query.txt")
        #expect(try String(contentsOf: note, encoding: .utf8) == "st=open\n")
        let removed = cache.invalidate(reportAt: point, district: nil, layers: LayerCatalogue.standard.reportLayers.filter { $0.name == "reports" })
        for key in keys + filtered {
            let r = TileGrid.range(covering: BoundingBox(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y), marginPixels: Palette.symbolRadius + 1, zoom: key.tile.z)
            let touched = r.x.contains(key.tile.x) && r.y.contains(key.tile.y)
            #expect(exists(cache, key) == !touched, "\(key.tile)")
        }
        let own = TileGrid.range(covering: BoundingBox(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y), marginPixels: 0, zoom: z16)
        #expect(own.x.lowerBound == Int(tileX))
        let west = keys.first { $0.tile.z == 16 && $0.tile.x == Int(tileX) - 1 && $0.tile.y == own.y.lowerBound }!
        #expect(!exists(cache, west), "the western neighbour at zoom 16 is within the symbol's radius")
        let west2 = keys.first { $0.tile.z == 16 && $0.tile.x == Int(tileX) - 2 && $0.tile.y == own.y.lowerBound }!
        #expect(exists(cache, west2))
        #expect(districts.allSatisfy { exists(cache, $0) }, "districts do not change with reports")
        #expect(removed >= 7 + 2)
    }

    @Test func densityInvalidatesTheWholeDistrictAndStaleRendersAreDropped() throws {
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        let district = Fixture.districts[0]
        let keys = fill(cache, layer: "district-density", around: district.labelPoint, zooms: 14...14)
        cache.invalidate(reportAt: district.labelPoint, district: district, layers: [("district-density", nil)])
        for key in keys {
            let r = TileGrid.range(covering: district.bounds, marginPixels: 1, zoom: 14)
            #expect(exists(cache, key) == !(r.x.contains(key.tile.x) && r.y.contains(key.tile.y)))
        }
        // A tile rendered before an invalidation is not stored after it.
        let key = TileCache.Key(layer: "reports", query: .all, tile: TileCoordinate(z: 1, x: 0, y: 0), ratio: 1)
        let before = cache.epoch
        cache.invalidate(reportAt: Coordinate(0, 0), district: nil, layers: [("reports", 6)])
        cache.store(key, data: Data("stale".utf8), renderedAt: before)
        #expect(!exists(cache, key))
        #expect(cache.purge() > 0)
        #expect(!FileManager.default.fileExists(atPath: cache.root.appendingPathComponent("district-density").path))
    }

    @Test func theIndexIsReadFromDiskAndTilesFromAnotherProcessAreTrustedOnlyIfNewer() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-tiles-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let point = Coordinate(23.93, 54.90)
        // Tiles already on disk when the server's cache starts: indexed, so invalidated.
        let seeded = fill(TileCache(root: root), layer: "reports", around: point, zooms: 12...14)
        let cache = TileCache(root: root, memoryCapacity: 16)
        #expect(cache.diskTileCount == seeded.count)
        let reach = [(name: "reports", reachPixels: Optional(7.0))]
        #expect(cache.invalidate(reportAt: point, district: nil, layers: reach) == 3)
        #expect(cache.diskTileCount == seeded.count - 3)
        // Another process (a seeder) writes tiles the server's cache does not know of: one
        // invalidation later they are older than it, so reading one drops it...
        let seeder = TileCache(root: root)
        let late = fill(seeder, layer: "reports", around: Coordinate(23.95, 54.92), zooms: 15...15)
        Thread.sleep(forTimeInterval: 0.01)
        #expect(cache.invalidate(reportAt: Coordinate(0, 0), district: nil, layers: reach) == 0)
        #expect(cache.read(late[0]) == nil)
        #expect(!exists(cache, late[0]))
        // ... while one written after the last invalidation is served and from then on indexed
        // (a file's time comes from the kernel's coarse clock, some milliseconds behind).
        Thread.sleep(forTimeInterval: 0.05)
        let fresh = fill(seeder, layer: "reports", around: Coordinate(23.91, 54.88), zooms: 15...15)
        #expect(cache.read(fresh[12])?.data == Data("tile".utf8))
        #expect(cache.invalidate(reportAt: Coordinate(23.91, 54.88), district: nil, layers: reach) >= 1)
        #expect(!exists(cache, fresh[12]))
    }
}
