import Foundation
import Geo

/// Converts between WGS 84 lon/lat and one map CRS (easting first on both sides). Lon/lat and Web
/// Mercator are computed directly (the hot paths: tiles and most WMS clients); anything else goes
/// through PROJ. Owns PROJ handles, so one per render, never shared between threads.
final class Projector {
    let crs: MapCRS
    private var forwardPROJ: CoordinateTransformer?
    private var inversePROJ: CoordinateTransformer?
    private enum Kind { case identity, webMercator, proj }
    private let kind: Kind

    static let earthRadius = 6_378_137.0
    /// Web Mercator's latitude limit, where the square world ends.
    static let mercatorLatitude = 85.051_128_779_806_59

    init(_ crs: MapCRS) throws(GeoError) {
        self.crs = crs
        if crs.crs == .wgs84 { kind = .identity } else if crs.isWebMercator { kind = .webMercator } else {
            kind = .proj
            forwardPROJ = try CoordinateTransformer(from: .wgs84, to: crs.crs)
            inversePROJ = try CoordinateTransformer(from: crs.crs, to: .wgs84)
        }
    }

    var isWebMercator: Bool { kind == .webMercator }

    /// Lon/lat to map coordinates, in place. Points PROJ cannot transform become non-finite.
    func forward(_ coordinates: inout [Coordinate]) {
        switch kind {
        case .identity: return
        case .webMercator:
            for i in coordinates.indices { coordinates[i] = Self.mercator(coordinates[i]) }
        case .proj:
            do { try forwardPROJ!.transform(&coordinates) } catch {
                // Some fell outside the CRS's area of use: PROJ left them infinite; keep the rest.
            }
        }
    }

    func forward(_ c: Coordinate) -> Coordinate {
        var one = [c]; forward(&one); return one[0]
    }

    /// Map coordinates to lon/lat, in place.
    func inverse(_ coordinates: inout [Coordinate]) {
        switch kind {
        case .identity: return
        case .webMercator:
            for i in coordinates.indices {
                let c = coordinates[i]
                coordinates[i] = Coordinate(c.x / Self.earthRadius * 180 / .pi,
                                            (2 * atan(exp(c.y / Self.earthRadius)) - .pi / 2) * 180 / .pi)
            }
        case .proj:
            do { try inversePROJ!.transform(&coordinates) } catch {}
        }
    }

    func inverse(_ c: Coordinate) -> Coordinate {
        var one = [c]; inverse(&one); return one[0]
    }

    func forward(_ geometry: Geometry) -> Geometry {
        geometry.mapCoordinateLists { forward(&$0) }
    }

    static func mercator(_ c: Coordinate) -> Coordinate {
        let lat = min(max(c.y, -mercatorLatitude), mercatorLatitude)
        return Coordinate(c.x * .pi / 180 * earthRadius, log(tan(.pi / 4 + lat * .pi / 360)) * earthRadius)
    }
}
