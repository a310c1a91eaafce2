import Clusters
import NIOCore
import Synchronization

/// Whole `GET /api/v1/clusters` answers, kept for the cluster index's current snapshot.
///
/// Why: most clusters requests repeat. Every visitor of the home page asks for the same first
/// view, and a map that pans back asks again for a box it has seen. Between two snapshots of the
/// index (see `LiveClusterIndex.snapshot`) the same request has the same answer, so it is written
/// once and served as the same bytes (a `ByteBuffer` is shared, not copied, per response).
///
/// Correctness: an answer is kept under the snapshot version it was made from, per grouping
/// (free or per district); the first request that sees a newer version drops that grouping's
/// answers. An answer made from an older snapshot than the kept ones (a request that took its
/// snapshot just before an update) is served but not kept. So a kept answer is never older than
/// the snapshot a request would otherwise have used.
///
/// Bounds: at most `byteLimit` bytes in all (least recently used answers go first) and no single
/// answer above `answerLimit` (a world-wide box at the deepest zoom of a million reports is
/// written each time rather than pushing out everything else).
final class ClustersAnswerCache: Sendable {
    /// What makes two requests the same: grouping, filter, zoom, box and form of the answer.
    struct Key: Hashable, Sendable {
        var byDistrict: Bool
        var filter: ClusterFilter
        var zoom: Int
        var bounds: MapBounds
        var detail: ClusterDetail
    }

    let byteLimit: Int
    let answerLimit: Int
    private let state = Mutex(State())

    private struct State: Sendable {
        var versions: [Bool: Int] = [:]
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0

        /// Drops the least recently used answers until `bytes` fit in `limit`.
        mutating func evict(toFit limit: Int) {
            while bytes > limit, let oldest = entries.min(by: { $0.value.used < $1.value.used }) {
                bytes -= oldest.value.body.readableBytes
                entries[oldest.key] = nil
            }
        }
    }

    private struct Entry: Sendable {
        var body: ByteBuffer
        var used: UInt64
    }

    /// 32 MB holds a few hundred typical map answers (80–300 KB each); small beside the indexes.
    init(byteLimit: Int = 32 << 20, answerLimit: Int = 4 << 20) {
        self.byteLimit = byteLimit
        self.answerLimit = min(answerLimit, byteLimit)
    }

    /// The kept answer for `key` made from snapshot `version`, or `make()`'s, kept if it may be.
    func answer(_ key: Key, version: Int, make: () -> ByteBuffer) -> (body: ByteBuffer, hit: Bool) {
        let found = state.withLock { state -> ByteBuffer? in
            let kept = state.versions[key.byDistrict] ?? -1
            if version > kept {
                state.versions[key.byDistrict] = version
                for (k, entry) in state.entries where k.byDistrict == key.byDistrict {
                    state.bytes -= entry.body.readableBytes
                    state.entries[k] = nil
                }
            } else if version == kept, let entry = state.entries[key] {
                state.clock += 1
                state.entries[key]?.used = state.clock
                return entry.body
            }
            return nil
        }
        if let found { return (found, true) }
        let body = make()
        guard body.readableBytes <= answerLimit else { return (body, false) }
        state.withLock { state in
            guard state.versions[key.byDistrict] == version else { return }
            state.clock += 1
            if let previous = state.entries.updateValue(Entry(body: body, used: state.clock), forKey: key) {
                state.bytes -= previous.body.readableBytes
            }
            state.bytes += body.readableBytes
            state.evict(toFit: byteLimit)
        }
        return (body, false)
    }

    /// Bytes kept now.
    var bytes: Int { state.withLock { $0.bytes } }
}
