import ArgumentParser
import Config
import Foundation
import Geo
import Maps
import Server

/// `miestas tiles seed` and `miestas tiles purge`: fill or empty the tile cache.
struct TilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiles", abstract: "Seed or purge the XYZ tile cache (storage.tile_cache, default Tiles/cache).",
        subcommands: [Seed.self, Purge.self])

    struct CacheOptions: ParsableArguments {
        @Option(help: ArgumentHelp("The tile cache folder (storage.tile_cache). Default: Tiles/cache.", valueName: "path"))
        var tileCache: String?

        var flags: [(key: String, value: String?, flag: String)] { [("storage.tile_cache", tileCache, "--tile-cache")] }
    }

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render the tiles of a layer over a box and zoom range into the cache, printing progress and the rate.")

        @OptionGroup var options: SettingsOptions
        @OptionGroup var cache: CacheOptions
        @Option(help: "The layer: districts, district-density, heatmap, clusters, reports, plans or plan-comments; or several drawn together, bottom first (clusters,districts).") var layer: String
        @Option(help: "Zoom levels, e.g. 10-16 or 12.") var zoom: String
        @Option(help: "west,south,east,north in degrees (write --bbox=-71.1,... when it starts with a minus). Default: the districts' extent.") var bbox: String?
        @Option(name: .customLong("service-code"), help: "Only these services' reports (comma-separated codes).") var serviceCode: String?
        @Option(help: "Only these statuses: open, acknowledged, in_progress, closed (comma-separated).") var status: String?
        @Option(help: "An ISO 8601 instant or start/end.") var time: String?
        @Flag(help: "Seed the @2x (HiDPI) tiles.") var hidpi = false

        func run() async throws {
            let zooms = try Self.zoomRange(zoom)
            do throws(WMSError) { _ = try LayerCatalogue.standard.tileLayers(layer) } catch { throw fail(error.message) }
            let settings = try options.load(cache.flags)
            let store = try await options.open(settings)
            let services: AppServices
            do { services = try await AppServices.load(store: store, settings: settings) } catch { throw fail(error) }
            let maps = services.maps
            let box: BoundingBox
            if let bbox {
                let n = bbox.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard n.count == 4, n[0] < n[2], n[1] < n[3] else { throw fail("--bbox must be west,south,east,north with west < east and south < north") }
                box = BoundingBox(minX: n[0], minY: n[1], maxX: n[2], maxY: n[3])
            } else {
                box = WMSService.extent(maps.data)
            }
            var query = ReportQuery(serviceCodes: serviceCode.map { $0.split(separator: ",").map(String.init) },
                                    statuses: status.map { $0.split(separator: ",").map(String.init) })
            do throws(WMSError) {
                if let time { query.time = try TimeWindow.parse(time) }
                query = try query.validated()
                let count = TileGrid.tiles(covering: box, zooms: zooms).count
                note("seeding \(count) tiles of \(layer), zoom \(zooms.lowerBound)-\(zooms.upperBound), into \(settings.storage.tileCache)")
                let result = try TileSeeder(tiles: maps.tiles).seed(layer: layer, query: query, zooms: zooms, box: box, ratio: hidpi ? 2 : 1,
                                                                    data: maps.data) { p in
                    note(String(format: "%d/%d tiles (%d rendered, %.0f%%), %.1f tiles/s", p.done, p.total, p.rendered,
                                100 * Double(p.done) / Double(max(1, p.total)), p.rate))
                }
                print(String(format: "seeded %d tiles (%d rendered, %d already cached) in %.1f s: %.1f tiles/s",
                             result.done, result.rendered, result.done - result.rendered, result.seconds, result.rate))
            } catch {
                throw fail(error.message)
            }
        }

        static func zoomRange(_ text: String) throws -> ClosedRange<Int> {
            let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(parts.count), let low = parts.first ?? nil, let high = parts.last ?? nil,
                  low >= 0, low <= high, high <= TileGrid.maxZoom else {
                throw fail("--zoom must be a zoom or a range like 10-16, within 0-\(TileGrid.maxZoom)")
            }
            return low...high
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove cached tiles (of one layer, or all).")
        @OptionGroup var options: SettingsOptions
        @OptionGroup var cache: CacheOptions
        @Option(help: "Only this layer's tiles (also where it is drawn together with others).") var layer: String?

        func run() async throws {
            let folder = try options.load(cache.flags).storage.tileCache
            let removed = TileCache(root: URL(fileURLWithPath: folder)).purge(layer: layer)
            print("removed \(removed) tiles from \(folder)\(layer.map { " (layer \($0))" } ?? "")")
        }
    }
}
