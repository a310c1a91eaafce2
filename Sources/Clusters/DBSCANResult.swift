/// DBSCAN's answer, one entry per input point.
public struct DBSCANResult: Hashable, Sendable {
    /// The point's cluster, `0 ..< clusterCount`, or -1 for noise.
    public let labels: [Int32]
    /// Whether the point is a core point (its neighbourhood holds at least `minPoints` points).
    public let isCore: [Bool]
    public let clusterCount: Int

    public static let noise: Int32 = -1

    public var noiseCount: Int { labels.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    /// The input positions of each cluster's points, by cluster number.
    public var members: [[Int]] {
        var members = [[Int]](repeating: [], count: clusterCount)
        for (position, label) in labels.enumerated() where label >= 0 { members[Int(label)].append(position) }
        return members
    }
}
