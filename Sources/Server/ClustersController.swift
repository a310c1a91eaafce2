import Clusters
import Foundation
import Geo
import Hummingbird
import RateLimits
import Reports
import Store

/// `GET /api/v1/clusters`, `/api/v1/clusters/{id}/children` and `/leaves`: the map's clusters as
/// GeoJSON, free or per district (`by=district`), with service, status and date filters, and as
/// much of each feature as the client asks for (`services`, `fields`: see `ClusterDetail`).
///
/// A cluster id belongs to one snapshot of one filtered index: ask for children and leaves with
/// the same `by`, `service`, `status`, `since` and `until` as the request that gave the id. A
/// snapshot is replaced within a second of new reports; an id from an older one may answer 404.
struct ClustersController: Sendable {
    let clusters: MapClusters
    let telemetry: Telemetry
    /// Days in `since`/`until` are local days.
    let time: LocalTime

    func register(on router: Router<ClientRequestContext>) {
        router.get("api/v1/clusters") { request, _ in try clustersInView(request) }
        router.get("api/v1/clusters/:id/children") { request, context in
            let (index, id) = try lookup(request, context)
            let document = try document(request)
            return document.response(try wrap { () throws(ClusterError) in try index.children(of: id) })
        }
        router.get("api/v1/clusters/:id/leaves") { request, context in
            let (index, id) = try lookup(request, context)
            let limit = try integer(request, "limit", default: 10, range: 1...10_000)
            let offset = try integer(request, "offset", default: 0, range: 0...100_000_000)
            let document = try document(request)
            return document.response(reports: try wrap { () throws(ClusterError) in try index.leaves(of: id, limit: limit, offset: offset) })
        }
    }

    /// The writer for the request's `services` and `fields`.
    func document(_ request: Request) throws -> ClustersDocument {
        ClustersDocument(detail: try ClusterDetail(request), clusters: clusters)
    }

    /// Answered from `MapClusters.answers` when the same request was answered from the same
    /// snapshot of the index; written otherwise.
    func clustersInView(_ request: Request) throws -> Response {
        let grouped = try grouping(request)
        let filter = try filter(request)
        let live = clusters.index(byDistrict: grouped)
        let snapshot = live.snapshot
        let maxZoom = snapshot.catalogue.options.maxZoom + 1
        guard let zoomText = request.parameter("zoom") else { throw Problem(.badRequest, "zoom is required (0 to \(maxZoom))") }
        guard let zoom = Int(zoomText), (0...maxZoom).contains(zoom) else {
            throw Problem(.badRequest, "zoom must be a whole number from 0 to \(maxZoom), got '\(zoomText.prefix(20))'")
        }
        let document = try document(request)
        var bounds = MapBounds.world
        if let text = request.parameter("bbox") {
            let parts = text.split(separator: ",").compactMap { Double($0.trimmingWhitespace) }
            guard parts.count == 4, parts.allSatisfy(\.isFinite), parts[1] <= parts[3] else {
                throw Problem(.badRequest, "bbox must be west,south,east,north in degrees (west > east crosses the antimeridian), got '\(text.prefix(60))'")
            }
            bounds = MapBounds(west: parts[0], south: parts[1], east: parts[2], north: parts[3])
        }
        let key = ClustersAnswerCache.Key(byDistrict: grouped, filter: filter, zoom: zoom, bounds: bounds, detail: document.detail)
        let (body, hit) = clusters.answers.answer(key, version: snapshot.version) {
            ByteBuffer(bytes: document.write(snapshot.catalogue.index(for: filter).clusters(in: bounds, zoom: zoom)))
        }
        telemetry.clustersAnswer(hit: hit)
        return ClustersDocument.response(body)
    }

    /// The index for the request's grouping and filters.
    func filteredIndex(_ request: Request) throws -> ClusterIndex {
        clusters.index(byDistrict: try grouping(request)).index(for: try filter(request))
    }

    /// Whether the request asks for clusters per district (`by=district`).
    func grouping(_ request: Request) throws -> Bool {
        switch request.parameter("by") {
        case nil, "none": return false
        case "district": return true
        case let other?: throw Problem(.badRequest, "by must be district (or absent), got '\(other.prefix(20))'")
        }
    }

    func filter(_ request: Request) throws -> ClusterFilter { try Self.filter(request, clusters: clusters, time: time) }

    /// The request's `service`, `status`, `since` and `until` (the hotspots take them too).
    static func filter(_ request: Request, clusters: MapClusters, time: LocalTime) throws -> ClusterFilter {
        var filter = ClusterFilter()
        if let codes = request.parameter("service") {
            filter.services = Set(try codes.split(separator: ",").map { code in
                guard let i = clusters.serviceIndex(String(code)) else { throw Problem(.badRequest, "unknown service '\(code.prefix(60))'") }
                return i
            })
        }
        if let statuses = request.parameter("status") {
            filter.statuses = Set(try statuses.split(separator: ",").flatMap { s -> [UInt8] in
                switch s {
                case "open": return [ReportStatus.open, .acknowledged, .inProgress].map(MapClusters.statusIndex)
                default:
                    guard let status = ReportStatus(rawValue: String(s)) else {
                        throw Problem(.badRequest, "status must be open (every unresolved state), closed, acknowledged or in_progress, got '\(s.prefix(20))'")
                    }
                    return [MapClusters.statusIndex(status)]
                }
            })
        }
        let (since, until) = try DistrictsController.range(request, time: time)
        filter.since = since.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
        filter.until = until.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
        return filter
    }

    func lookup(_ request: Request, _ context: ClientRequestContext) throws -> (ClusterIndex, ClusterID) {
        guard let text = context.parameters.get("id"), let raw = Int64(text), raw >= 0 else { throw Problem(.notFound, "no such cluster") }
        return (try filteredIndex(request), ClusterID(rawValue: raw))
    }

    func wrap<T>(_ body: () throws(ClusterError) -> T) throws -> T {
        do { return try body() } catch {
            switch error {
            case .unknownCluster: throw Problem(.notFound, error.description + " (ids belong to one snapshot and filter; ask again for the clusters)")
            default: throw Problem(.badRequest, error.description)
            }
        }
    }

    func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.parameter(name) else { return value }
        guard let n = Int(text), range.contains(n) else { throw Problem(.badRequest, "\(name) must be from \(range.lowerBound) to \(range.upperBound)") }
        return n
    }
}
