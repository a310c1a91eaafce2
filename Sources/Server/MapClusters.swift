import Clusters
import Foundation
import JSONText
import Store
import Synchronization

/// The map's cluster indexes over every report, kept current: free clusters and per-district
/// clusters (which never cross a district boundary). New reports are placed into them at once and
/// a full build follows in the background (`LiveClusterIndex`), so intake never waits for them.
///
/// The indexes hold small integers; this type translates: services by their position in a code
/// list (the catalogue first, then codes only imported reports use), statuses by their position in
/// `ReportStatus.allCases`, districts by their position in the district list.
final class MapClusters: Sendable {
    let free: LiveClusterIndex
    let byDistrict: LiveClusterIndex
    let districts: [String]
    private let districtIndex: [String: Int32]
    private let services: ServiceCodes
    /// The district codes as JSON strings, quoted once.
    private let quotedDistricts: [[UInt8]]
    /// The ids in the indexes, so a report learnt twice (from intake and from the change feed,
    /// or from the feed after the start's load) is placed once.
    private let known: Mutex<Set<Int64>>
    /// Whole clusters answers of the current snapshots (`GET /api/v1/clusters`).
    let answers = ClustersAnswerCache()

    init(points: [ReportPoint], catalogue: [String], districts: [String]) throws {
        self.districts = districts
        districtIndex = Dictionary(districts.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        services = ServiceCodes(catalogue)
        quotedDistricts = districts.map(QuotedNames.quote)
        known = Mutex(Set(points.map(\.id)))
        let clusterPoints = points.map(Self.converter(services, districtIndex))
        (free, byDistrict) = try Self.build(clusterPoints)
    }

    /// The free and per-district indexes, built at once on two threads: each is a CPU-bound build
    /// over every report (about a second for a million) that the server waits for before it
    /// listens, and they share nothing.
    private static func build(_ points: [ClusterPoint]) throws(ClusterError) -> (LiveClusterIndex, LiveClusterIndex) {
        let options = [ClusterOptions(), ClusterOptions(grouping: .byDistrict)]
        let built = Mutex<[Int: Result<LiveClusterIndex, ClusterError>]>([:])
        DispatchQueue.concurrentPerform(iterations: options.count) { i in
            let result: Result<LiveClusterIndex, ClusterError>
            do throws(ClusterError) { result = .success(try LiveClusterIndex(points: points, options: options[i])) } catch { result = .failure(error) }
            built.withLock { $0[i] = result }
        }
        let results = built.withLock { $0 }
        return (try results[0]!.get(), try results[1]!.get())
    }

    private static func converter(_ services: ServiceCodes, _ districts: [String: Int32]) -> (ReportPoint) -> ClusterPoint {
        { p in
            ClusterPoint(id: p.id, lon: p.location.x, lat: p.location.y, service: services.index(adding: p.serviceCode),
                         status: statusIndex(p.status), requestedAt: p.requestedAt,
                         district: p.districtCode.flatMap { districts[$0] } ?? ClusterPoint.noDistrict)
        }
    }

    static func statusIndex(_ status: ReportStatus) -> UInt8 { UInt8(ReportStatus.allCases.firstIndex(of: status)!) }
    static func status(_ index: UInt8) -> ReportStatus { ReportStatus.allCases[Int(index)] }

    func point(_ p: ReportPoint) -> ClusterPoint { Self.converter(services, districtIndex)(p) }

    /// The index of a service code, or nil when no report has it.
    func serviceIndex(_ code: String) -> UInt16? { services.index(code) }
    func serviceCode(_ index: UInt16) -> String { services.code(index) }
    func districtCode(_ index: Int32) -> String? { index >= 0 && Int(index) < districts.count ? districts[Int(index)] : nil }

    /// Service, status and district names as JSON strings, for writing answers without quoting
    /// the same codes for every feature (or taking the service table's lock for each).
    struct QuotedNames {
        let services: [[UInt8]]
        let districts: [[UInt8]]
        static let statuses = ReportStatus.allCases.map { quote($0.rawValue) }
        static let unknown = quote("?")

        static func quote(_ s: String) -> [UInt8] {
            var bytes: [UInt8] = []
            JSONBuffer.appendQuoted(s, to: &bytes)
            return bytes
        }

        func service(_ index: UInt16) -> [UInt8] { Int(index) < services.count ? services[Int(index)] : Self.unknown }
        func status(_ index: UInt8) -> [UInt8] { Int(index) < Self.statuses.count ? Self.statuses[Int(index)] : Self.unknown }
        func district(_ index: Int32) -> [UInt8]? { index >= 0 && Int(index) < districts.count ? districts[Int(index)] : nil }
    }

    func quotedNames() -> QuotedNames { QuotedNames(services: services.quoted, districts: quotedDistricts) }

    /// The defaults of `GET /api/v1/districts/{code}/hotspots`, which the district page uses too.
    static let hotspotEps = 50.0, hotspotMinPoints = 5

    /// The hotspots of one district's reports that pass `filter` (DBSCAN in metres); nil for an
    /// unknown district. The points are filtered here rather than through the catalogue's filtered
    /// indexes: each distinct `since` would build one over every report and push out the ones the
    /// map keeps warm.
    func hotspots(district code: String, filter: ClusterFilter, eps: Double = hotspotEps,
                  minPoints: Int = hotspotMinPoints) throws(HotspotError) -> HotspotReport? {
        guard let district = districtIndex[code] else { return nil }
        let points = free.index(for: .all).points.filter { $0.district == district && filter.matches($0) }
        return try HotspotAnalysis(eps: eps, minPoints: minPoints).run(Array(points))
    }
    func districtIndex(_ code: String) -> Int32? { districtIndex[code] }

    /// True when report `id` is in the indexes (or on its way into them).
    func knows(_ id: Int64) -> Bool { known.withLock { $0.contains(id) } }

    /// A committed report: shown within a second. Nothing happens if it is there already.
    func add(_ report: Report) {
        guard known.withLock({ $0.insert(report.id).inserted }) else { return }
        let d = report.details
        let p = point(ReportPoint(id: report.id, location: d.location, serviceCode: d.serviceCode, status: d.status,
                                  requestedAt: Int64((d.requestedAt.timeIntervalSince1970 * 1000).rounded()), districtCode: d.districtCode))
        free.insert(p)
        byDistrict.insert(p)
    }

    /// Every report again from the store (after status changes, which move reports between filters).
    func reload(from store: any ReportStatisticsStore) async throws {
        let stored = try await store.reportPoints(districtCode: nil)
        known.withLock { $0 = Set(stored.map(\.id)) }
        let points = stored.map(point)
        free.replaceAll(with: points)
        byDistrict.replaceAll(with: points)
    }

    func index(byDistrict grouped: Bool) -> LiveClusterIndex { grouped ? byDistrict : free }
}

/// Service codes by small integer: the catalogue's first, then codes that only stored reports use
/// (imports keep unknown categories under their own codes), added as they are met.
final class ServiceCodes: Sendable {
    private let table: Mutex<(codes: [String], index: [String: UInt16], quoted: [[UInt8]])>

    init(_ catalogue: [String]) {
        table = Mutex((catalogue, Dictionary(catalogue.enumerated().map { ($1, UInt16($0)) }, uniquingKeysWith: { a, _ in a }),
                       catalogue.map(MapClusters.QuotedNames.quote)))
    }

    func index(_ code: String) -> UInt16? { table.withLock { $0.index[code] } }

    func index(adding code: String) -> UInt16 {
        table.withLock { t in
            if let i = t.index[code] { return i }
            let i = UInt16(truncatingIfNeeded: t.codes.count)
            t.codes.append(code)
            t.index[code] = i
            t.quoted.append(MapClusters.QuotedNames.quote(code))
            return i
        }
    }

    /// Every code as a JSON string, by index (a copy of the list shares its storage).
    var quoted: [[UInt8]] { table.withLock { $0.quoted } }

    func code(_ index: UInt16) -> String { table.withLock { Int(index) < $0.codes.count ? $0.codes[Int(index)] : "?" } }
}
