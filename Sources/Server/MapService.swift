import Clusters
import Districts
import Foundation
import Geo
import Maps
import Store
import Synchronization

/// The maps side of the server: the WMS and the tiles over the live cluster indexes (reports read
/// from memory) and the districts, with the tile cache kept in step with intake.
public final class MapService: Sendable {
    public let wms: WMSService
    public let tiles: TileService
    public let data: MapData
    let clusters: MapClusters
    let plans = PlanMapSource()
    /// How far district names drawn over clusters can move (the districts do not change while
    /// the server runs).
    let labelReach: Double

    init(clusters: MapClusters, districts: [District], cacheFolder: URL, settings: WMSSettings) {
        self.clusters = clusters
        wms = WMSService(settings: settings)
        tiles = TileService(renderer: wms.renderer, cache: TileCache(root: cacheFolder))
        data = MapData(districts: districts.map { MapDistrict(code: $0.code, name: $0.name, geometry: $0.geometry, areaSquareMetres: $0.areaSquareMetres) },
                       reports: ClusterReports(clusters: clusters), plans: plans)
        labelReach = data.labelReach
    }

    /// Reloads the plan areas and published comment locations the planning layers draw; when
    /// they changed, drops those layers' cached tiles. Run at start, after every planning write
    /// and every few seconds (consultations open and close by the clock).
    public func refreshPlans(from store: any PlanningStore) async throws(StoreError) {
        let areas = try await store.planAreas()
        let locations = try await store.publishedCommentLocations(planId: nil)
        let changed = plans.replace(
            plans: areas.map { MapPlan(id: $0.id, title: $0.title, stage: $0.stage.rawValue, area: $0.area) },
            comments: locations.map { MapPlanComment(id: $0.id, planId: $0.planId, kind: $0.kind.rawValue, location: $0.location) })
        if changed {
            tiles.cache.purge(layer: "plans")
            tiles.cache.purge(layer: "plan-comments")
        }
    }

    /// Grows whenever the reports change: the WMS update sequence (the TIME extent moves with it).
    var updateSequence: Int { clusters.free.generation }

    /// A committed new or changed report: removes the tiles it touches now, and again once the
    /// cluster index holds it (a tile rendered in between would show the old state).
    func reportChanged(_ report: Report) {
        let location = report.details.location
        let district = report.details.districtCode.flatMap { code in data.districts.first { $0.code == code } }
        tiles.cache.invalidate(reportAt: location, district: district, reach: reportReach)
        let startWaiting = awaitingClusters.withLock { state -> Bool in
            state.changes.append((location, district))
            defer { state.waiting = true }
            return !state.waiting
        }
        if startWaiting { Task { await invalidateOnceClustered() } }
    }

    /// Changes waiting for the cluster index, and whether a task waits for them: one task for
    /// a stream of reports, not one per report.
    private let awaitingClusters = Mutex<(changes: [(Coordinate, MapDistrict?)], waiting: Bool)>(([], false))

    /// Which tiles of a tile layer a report changes (layers drawn together included).
    private func reportReach(_ tileLayer: String) -> ReportReach {
        wms.renderer.catalogue.reportReach(ofTileLayer: tileLayer, labelReach: labelReach)
    }

    private func invalidateOnceClustered() async {
        while true {
            let batch = awaitingClusters.withLock { state in
                defer { state.changes = [] }
                if state.changes.isEmpty { state.waiting = false }
                return state.changes
            }
            guard !batch.isEmpty else { return }
            // Every report of the batch went to the cluster index before it came here.
            await clusters.free.waitUntilApplied()
            for (location, district) in batch { tiles.cache.invalidate(reportAt: location, district: district, reach: reportReach) }
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

/// The planning layers' data: a snapshot in memory, replaced by `MapService.refreshPlans`.
final class PlanMapSource: PlanSource {
    private let snapshot = Mutex<(plans: [MapPlan], comments: [MapPlanComment])>(([], []))

    var plans: [MapPlan] { snapshot.withLock { $0.plans } }
    var comments: [MapPlanComment] { snapshot.withLock { $0.comments } }

    /// Replaces the snapshot; true when it differs from the one before.
    func replace(plans: [MapPlan], comments: [MapPlanComment]) -> Bool {
        snapshot.withLock { current in
            guard current.plans != plans || current.comments != comments else { return false }
            current = (plans, comments)
            return true
        }
    }
}
