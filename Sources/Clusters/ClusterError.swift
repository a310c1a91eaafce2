/// What can go wrong with cluster queries and index options. Each message is meant for the
/// person who gave the input.
public enum ClusterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The id names no cluster of this index (a malformed id, a single report's position, or an
    /// id from another index).
    case unknownCluster(ClusterID)
    /// `limit` or `offset` of a leaves query is negative.
    case invalidPaging(limit: Int, offset: Int)
    /// The options cannot build an index; the message says which one and why.
    case invalidOptions(String)
    /// More reports than `ClusterIndex.capacity`.
    case tooManyPoints(Int)

    public var description: String {
        switch self {
        case .unknownCluster(let id): "no cluster with id \(id) in this index"
        case .invalidPaging(let limit, let offset): "limit and offset must not be negative; got limit \(limit), offset \(offset)"
        case .invalidOptions(let reason): "invalid cluster options: \(reason)"
        case .tooManyPoints(let count): "\(count) reports are more than a cluster index holds (\(ClusterIndex.capacity))"
        }
    }
}
