import Foundation
import Synchronization

/// Per-client token buckets for one kind of write (reports, comments, sign-ins ...): each client
/// key may spend `rate.count` at once and earns them back at `rate.count` per `rate.period`.
///
/// It is kept in memory, per server process; with several instances behind a balancer each
/// counts its own share, so the effective limit is at most instances × rate (documented). At most
/// `capacity` keys are tracked; past that the fullest buckets (clients that have been quiet the
/// longest) are forgotten first, which only ever gives a client more room, never less.
public final class RateLimiter: Sendable {
    public let rate: Rate
    public let capacity: Int
    private struct Bucket { var tokens: Double; var updated: TimeInterval }
    private final class Shard: Sendable { let buckets = Mutex<[String: Bucket]>([:]) }
    /// Sharded by key hash so that concurrent requests rarely wait on one lock.
    private let shards: [Shard]

    public init(rate: Rate, capacity: Int = 100_000) {
        self.rate = rate
        self.capacity = capacity
        shards = (0..<16).map { _ in Shard() }
    }

    /// Takes one token for `key`: nil when allowed, else the seconds until the next one.
    public func take(_ key: String, at now: Date = Date()) -> TimeInterval? {
        let t = now.timeIntervalSinceReferenceDate
        let perSecond = Double(rate.count) / rate.period
        let shard = shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))]
        let shardCapacity = max(1, capacity / shards.count)
        return shard.buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: Double(rate.count), updated: t)
            bucket.tokens = min(Double(rate.count), bucket.tokens + max(0, t - bucket.updated) * perSecond)
            bucket.updated = t
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                if buckets[key] == nil, buckets.count >= shardCapacity { Self.forgetFullest(&buckets, now: t, perSecond: perSecond, count: rate.count) }
                buckets[key] = bucket
                return nil
            }
            buckets[key] = bucket
            return (1 - bucket.tokens) / perSecond
        }
    }

    /// Clients tracked now (for tests and metrics).
    public var trackedClients: Int { shards.reduce(0) { $0 + $1.buckets.withLock { $0.count } } }

    private static func forgetFullest(_ buckets: inout [String: Bucket], now: TimeInterval, perSecond: Double, count: Int) {
        func level(_ b: Bucket) -> Double { min(Double(count), b.tokens + (now - b.updated) * perSecond) }
        // A bucket refilled to the brim is the same as no bucket: those go first, all of them.
        let full = buckets.filter { level($0.value) >= Double(count) }.map(\.key)
        for key in full { buckets.removeValue(forKey: key) }
        if full.isEmpty, let fullest = buckets.max(by: { level($0.value) < level($1.value) }) {
            buckets.removeValue(forKey: fullest.key)
        }
    }
}
