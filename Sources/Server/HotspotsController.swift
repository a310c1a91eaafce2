import Clusters
import Foundation
import Geo
import Hummingbird
import RateLimits
import Reports
import Store

/// `GET /api/v1/districts/{code}/hotspots`: the problem areas of one district, DBSCAN in metres
/// over its reports (with the map's filters), as GeoJSON outlines.
struct HotspotsController: Sendable {
    let clusters: MapClusters
    let time: LocalTime

    /// The document: a FeatureCollection with the analysis's parameters and totals beside it.
    struct Document: Encodable {
        let type = "FeatureCollection"
        var district: String
        var eps: Double
        var min_points: Int
        var reports: Int
        var noise: Int
        var crs_used: String
        var features: [Feature]
    }

    func register(on router: Router<ClientRequestContext>) {
        router.get("api/v1/districts/:code/hotspots") { request, context in
            let code = context.parameters.get("code") ?? ""
            let eps = try number(request, "eps", default: MapClusters.hotspotEps, range: 0...5_000)
            let minPoints = Int(try number(request, "min_points", default: Double(MapClusters.hotspotMinPoints), range: 1...100_000))
            let filter = try ClustersController.filter(request, clusters: clusters, time: time)
            let found: HotspotReport?
            do { found = try clusters.hotspots(district: code, filter: filter, eps: eps, minPoints: minPoints) } catch let error as HotspotError {
                throw Problem(.badRequest, error.description)
            }
            guard let report = found else { throw Problem(.notFound, "no district with code '\(code.prefix(60))'") }
            let document = Document(district: code, eps: eps, min_points: minPoints, reports: report.pointCount, noise: report.noiseCount,
                                    crs_used: report.crs.description, features: report.features(serviceCode: clusters.serviceCode))
            return Response(status: .ok, headers: [.contentType: "application/geo+json"],
                            body: .init(byteBuffer: ByteBuffer(data: GeoJSON.encode(document))))
        }
    }

    func number(_ request: Request, _ name: String, default value: Double, range: ClosedRange<Double>) throws -> Double {
        guard let text = request.parameter(name) else { return value }
        guard let n = Double(text), n.isFinite, range.contains(n) else {
            throw Problem(.badRequest, "\(name) must be a number from \(WKT.number(range.lowerBound)) to \(WKT.number(range.upperBound)), got '\(text.prefix(20))'")
        }
        if name == "min_points", n.rounded() != n { throw Problem(.badRequest, "min_points must be a whole number") }
        return n
    }
}
