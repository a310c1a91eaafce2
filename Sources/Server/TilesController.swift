import Foundation
import Hummingbird
import RateLimits
import Maps

/// `GET /tiles/{layer}/{z}/{x}/{y}.png` and `{y}@2x.png`: Web Mercator XYZ tiles of any layer,
/// with the WMS vendor filters as query parameters (`service_code`, `status`, `time`), cached on
/// disk, with `ETag` (answering `If-None-Match` with 304) and `Cache-Control`.
struct TilesController: Sendable {
    let maps: MapService

    func register(on router: Router<ClientRequestContext>) {
        router.get("tiles/:layer/:z/:x/:file") { request, context in try tile(request, context) }
    }

    func tile(_ request: Request, _ context: ClientRequestContext) throws -> Response {
        guard let layer = context.parameters.get("layer"), let zText = context.parameters.get("z"), let xText = context.parameters.get("x"),
              let file = context.parameters.get("file"), file.hasSuffix(".png") else {
            throw Problem(.notFound, "tiles are /tiles/{layer}/{z}/{x}/{y}.png or {y}@2x.png")
        }
        var name = file.dropLast(4)
        var ratio = 1
        if name.hasSuffix("@2x") { ratio = 2; name = name.dropLast(3) }
        guard let z = Int(zText), let x = Int(xText), let y = Int(name) else {
            throw Problem(.notFound, "tiles are /tiles/{layer}/{z}/{x}/{y}.png or {y}@2x.png with whole numbers")
        }
        let p = WMSParameters(query: request.uri.query ?? "")
        var query = ReportQuery(serviceCodes: Self.list(p["SERVICE_CODE"]), statuses: Self.list(p["STATUS"]))
        let entry: TileCache.Entry
        do {
            if let time = p["TIME"] { query.time = try TimeWindow.parse(time) }
            query = try query.validated()
            entry = try maps.tiles.tile(TileCache.Key(layer: layer, query: query, tile: TileCoordinate(z: z, x: x, y: y), ratio: ratio), data: maps.data)
        } catch {
            switch error.code {
            case .layerNotDefined: throw Problem(.notFound, error.message)
            case .invalidParameterValue where error.locator == nil: throw Problem(.notFound, error.message)
            default: throw Problem(.badRequest, error.message)
            }
        }
        var headers: HTTPFields = [.contentType: "image/png", .eTag: entry.etag, .cacheControl: "public, max-age=60"]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == entry.etag || $0 == "*" }) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: entry.data)))
    }

    static func list(_ text: String?) -> [String]? {
        guard let text, !text.isEmpty else { return nil }
        return text.split(separator: ",").map(String.init)
    }
}
