import Foundation

/// Spherical Web Mercator scaled to the unit square, the plane map tiles live in: x grows east from
/// 180°W (0) to 180°E (1), y grows south from about 85.05°N (0) to 85.05°S (1). Clustering in this
/// plane makes "40 pixels at zoom z" one fixed distance, `radius / (extent * 2^z)`.
enum WebMercator {
    static func x(longitude: Double) -> Double {
        longitude / 360 + 0.5
    }

    static func y(latitude: Double) -> Double {
        let sine = sin(latitude * .pi / 180)
        let y = 0.5 - 0.25 * log((1 + sine) / (1 - sine)) / .pi
        // The poles map to infinity; everything beyond the square's edge sits on the edge.
        return y.isNaN ? (latitude > 0 ? 0 : 1) : min(max(y, 0), 1)
    }

    static func longitude(x: Double) -> Double {
        (x - 0.5) * 360
    }

    static func latitude(y: Double) -> Double {
        let radians = (180 - y * 360) * .pi / 180
        return 360 * atan(exp(radians)) / .pi - 90
    }

    /// `longitude` brought into [-180, 180), so that 190° and -170° are the same place.
    static func wrapped(longitude: Double) -> Double {
        guard longitude < -180 || longitude >= 180 else { return longitude }
        let shifted = (longitude + 180).truncatingRemainder(dividingBy: 360)
        return (shifted < 0 ? shifted + 360 : shifted) - 180
    }
}
