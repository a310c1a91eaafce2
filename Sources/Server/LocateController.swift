import Districts
import Geo
import Hummingbird
import RateLimits

/// `GET /api/v1/locate?lon=&lat=`: the district covering a point, from the in-memory index.
struct LocateController: Sendable {
    let locator: DistrictLocator

    func register(on router: Router<ClientRequestContext>) {
        router.get("api/v1/locate") { request, _ in try locate(request) }
    }

    func locate(_ request: Request) throws -> Response {
        let lon = try coordinate(request, "lon", limit: 180)
        let lat = try coordinate(request, "lat", limit: 90)
        guard let district = locator.locate(Coordinate(lon, lat)) else {
            throw Problem(.notFound, "no district covers (\(lon), \(lat))")
        }
        return jsonResponse([
            "id": JSONScalar.int(Int(district.id)), "code": .string(district.code), "name": .string(district.name),
            "area_km2": .double((district.areaSquareMetres / 1e4).rounded() / 100),
        ])
    }

    private func coordinate(_ request: Request, _ name: String, limit: Double) throws -> Double {
        guard let text = request.uri.queryParameters[Substring(name)] else {
            throw Problem(.badRequest, "missing query parameter '\(name)'")
        }
        guard let value = Double(String(text)), value.isFinite, abs(value) <= limit else {
            throw Problem(.badRequest, "'\(name)' must be a number between -\(Int(limit)) and \(Int(limit)), got '\(text)'")
        }
        return value
    }
}
