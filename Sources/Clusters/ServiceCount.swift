/// How many reports of one service a cluster or hotspot holds.
public struct ServiceCount: Hashable, Sendable, CustomStringConvertible {
    /// A position in the caller's service list (see `ClusterPoint.service`).
    public let service: UInt16
    /// Stored as 32 bits: breakdowns are kept for every cluster at every zoom, so size matters.
    let storedCount: UInt32

    public init(service: UInt16, count: Int) {
        self.service = service
        self.storedCount = UInt32(clamping: count)
    }

    init(service: UInt16, storedCount: UInt32) {
        self.service = service
        self.storedCount = storedCount
    }

    public var count: Int { Int(storedCount) }

    public var description: String { "\(service)×\(storedCount)" }

    /// Orders by count, largest first, then by service so that ties come out the same every time.
    static func byCountDescending(_ a: ServiceCount, _ b: ServiceCount) -> Bool {
        a.storedCount != b.storedCount ? a.storedCount > b.storedCount : a.service < b.service
    }
}
