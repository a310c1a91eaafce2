import Clusters

/// Which reports the report layers show: the vendor parameters SERVICE_CODE and STATUS and the
/// TIME dimension. The same values key the tile cache.
public struct ReportQuery: Hashable, Sendable {
    /// Service codes; nil for every service.
    public var serviceCodes: [String]?
    /// Status names (`open` stands for every unresolved status); nil for every status.
    public var statuses: [String]?
    public var time: TimeWindow?

    public init(serviceCodes: [String]? = nil, statuses: [String]? = nil, time: TimeWindow? = nil) {
        self.serviceCodes = serviceCodes.map { Array(Set($0)).sorted() }
        self.statuses = statuses.map { Array(Set($0)).sorted() }
        self.time = time
    }

    public static let all = ReportQuery()

    /// The statuses a STATUS value may name; `open` means open, acknowledged and in progress.
    public static let statusWords = ["open", "acknowledged", "in_progress", "closed"]

    /// Checks the status names; throws InvalidParameterValue naming the bad one.
    public func validated() throws(WMSError) -> ReportQuery {
        for s in statuses ?? [] where !Self.statusWords.contains(s) {
            throw WMSError(.invalidParameterValue, "STATUS must be a list of \(Self.statusWords.joined(separator: ", ")); got '\(s.prefix(40))'", locator: "STATUS")
        }
        return self
    }

    /// The cluster filter for `source`. Unknown service codes match nothing (no report has them).
    func filter(for source: any ReportSource) -> ClusterFilter {
        var filter = ClusterFilter()
        if let serviceCodes { filter.services = Set(serviceCodes.compactMap(source.serviceIndex)) }
        if let statuses {
            var numbers = Set<UInt8>()
            for (n, name) in source.statusNames.enumerated() {
                if statuses.contains(name) || (statuses.contains("open") && name != "closed") { numbers.insert(UInt8(n)) }
            }
            filter.statuses = numbers
        }
        filter.since = time?.since
        filter.until = time?.until
        return filter
    }

    /// A stable text form, for cache keys: `all` or `s=a,b;st=open;t=since..until`.
    public var key: String {
        var parts: [String] = []
        if let serviceCodes { parts.append("s=" + serviceCodes.joined(separator: ",")) }
        if let statuses { parts.append("st=" + statuses.joined(separator: ",")) }
        if let time { parts.append("t=\(time.since.map(String.init) ?? "")..\(time.until.map(String.init) ?? "")") }
        return parts.isEmpty ? "all" : parts.joined(separator: ";")
    }
}
