import Geo
import Store

/// A pile-up: many reports on one identical point across unrelated services. Real places do
/// not gather potholes, dead animals and noise complaints on the same square metre; a system's
/// default location (City Hall, a map's centre) does.
public struct LocationPileUp: Sendable, Hashable {
    public var location: Coordinate
    public var reports: Int
    public var services: Int
}

public enum DataQuality {
    /// Points holding at least `minimumReports` reports (and at least 0.5% of them all) spread
    /// over at least `minimumServices` services, most reports first.
    public static func pileUps(_ reports: [(location: Coordinate, serviceCode: String)],
                               minimumReports: Int = 50, minimumServices: Int = 5) -> [LocationPileUp] {
        var byPoint: [Coordinate: (count: Int, services: Set<String>)] = [:]
        for r in reports {
            byPoint[r.location, default: (0, [])].count += 1
            byPoint[r.location]!.services.insert(r.serviceCode)
        }
        let threshold = max(minimumReports, reports.count / 200)
        return byPoint
            .filter { $0.value.count >= threshold && $0.value.services.count >= minimumServices }
            .map { LocationPileUp(location: $0.key, reports: $0.value.count, services: $0.value.services.count) }
            .sorted { $0.reports > $1.reports }
    }
}
