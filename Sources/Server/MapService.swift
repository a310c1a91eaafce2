import Clusters
import Districts
import Foundation
import Geo
import Maps
import Store

/// The maps side of the server: the WMS and the tiles over the live cluster indexes (reports read
/// from memory) and the districts, with the tile cache kept in step with intake.
public final class MapService: Sendable {
    public let wms: WMSService
    public let tiles: TileService
    public let data: MapData
    let clusters: MapClusters

    init(clusters: MapClusters, districts: [District], cacheFolder: URL, settings: WMSSettings = WMSSettings()) {
        self.clusters = clusters
        wms = WMSService(settings: settings)
        tiles = TileService(renderer: wms.renderer, cache: TileCache(root: cacheFolder))
        data = MapData(districts: districts.map { MapDistrict(code: $0.code, name: $0.name, geometry: $0.geometry, areaSquareMetres: $0.areaSquareMetres) },
                       reports: ClusterReports(clusters: clusters))
    }

    /// Grows whenever the reports change: the WMS update sequence (the TIME extent moves with it).
    var updateSequence: Int { clusters.free.generation }

    /// The default cache folder: `$MIESTAS_TILE_CACHE`, else `Tiles/cache` in the working directory.
    public static var defaultCacheFolder: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["MIESTAS_TILE_CACHE"] ?? "Tiles/cache")
    }

    /// A committed new or changed report: removes the tiles it touches now, and again once the
    /// cluster index holds it (a tile rendered in between would show the old state).
    func reportChanged(_ report: Report) {
        let location = report.details.location
        let district = report.details.districtCode.flatMap { code in data.districts.first { $0.code == code } }
        let layers = wms.renderer.catalogue.reportLayers
        tiles.cache.invalidate(reportAt: location, district: district, layers: layers)
        Task { [clusters, tiles] in
            await clusters.free.waitUntilApplied()
            tiles.cache.invalidate(reportAt: location, district: district, layers: layers)
        }
    }
}

/// The server's cluster indexes as the maps' report source.
struct ClusterReports: ReportSource {
    let clusters: MapClusters

    func reports(matching filter: ClusterFilter) -> ClusterIndex { clusters.free.index(for: filter) }
    func serviceCode(_ index: UInt16) -> String { clusters.serviceCode(index) }
    func serviceIndex(_ code: String) -> UInt16? { clusters.serviceIndex(code) }
    var statusNames: [String] { ReportStatus.allCases.map(\.rawValue) }
}
