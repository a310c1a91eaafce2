import Foundation

/// Where a reader is in the change log. On PostgreSQL the log is read in the order of its
/// transaction ids (`txid`, then `seq`), and only below the oldest transaction still running
/// (see `ChangeFeedStore`); on SQLite `txid` is 0 and `seq` alone is commit order.
public struct ChangeCursor: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var txid: UInt64
    public var seq: Int64

    public init(txid: UInt64 = 0, seq: Int64 = 0) { self.txid = txid; self.seq = seq }

    public static func < (a: Self, b: Self) -> Bool { (a.txid, a.seq) < (b.txid, b.seq) }
    public var description: String { txid == 0 ? "\(seq)" : "\(txid):\(seq)" }
}

/// What changed: enough to know what to reload, never the data itself (the reader reads that).
public enum ChangeKind: String, Sendable, CaseIterable {
    /// A new report (`entityId` is its id).
    case reportAdded = "report.insert"
    /// A report's status changed (`entityId` is its id).
    case reportChanged = "report.update"
    /// A plan, its versions, comments or answers changed (`entityId` is the plan's id, when one).
    case plans
    /// The service catalogue was replaced.
    case services
    /// The districts were imported again.
    case districts
    /// An API key was made or revoked.
    case apiKeys = "api_keys"
}

public struct Change: Sendable, Hashable {
    public var cursor: ChangeCursor
    public var kind: ChangeKind
    public var entityId: Int64?
    /// The store (process) that made it: a reader skips its own, applied when they were made.
    public var origin: String
    /// When it was written (milliseconds since 1970).
    public var at: Int64

    public init(cursor: ChangeCursor, kind: ChangeKind, entityId: Int64?, origin: String, at: Int64) {
        self.cursor = cursor; self.kind = kind; self.entityId = entityId; self.origin = origin; self.at = at
    }
}

/// The change log: every write that changes what a server keeps in memory (its cluster index,
/// open reports, plan layers, API keys) appends a row to it in the same transaction, so a
/// server that did not make the change learns of it and reloads what it concerns. One server on
/// a SpatiaLite file uses it exactly as many servers on PostgreSQL do; only the wake-up differs.
///
/// Commit order on PostgreSQL: sequence values are taken when rows are inserted, and concurrent
/// transactions commit in another order, so "rows after the last seq I saw" would skip a row
/// whose transaction commits late with a smaller seq. Each row therefore records its
/// transaction id (`xid8`), and a reader takes only rows whose transaction is older than the
/// oldest transaction still running (`pg_snapshot_xmin(pg_current_snapshot())`): those are all
/// finished, so no row can ever appear behind the cursor. The price is that a long transaction
/// holds the feed back until it ends (the lag shows it; sessions idle in a transaction are ended
/// after a minute). A counter row would keep commit order too, but every writer in every
/// process would queue on its lock; the transaction-id rule costs writers nothing.
public protocol ChangeFeedStore: Sendable {
    /// This store's (process's) name in the log.
    var origin: String { get }
    /// The position to follow from after loading everything afresh: read it before the load, so
    /// what commits meanwhile is read again from the feed (applying a change twice is harmless).
    func changeFeedHead() async throws(StoreError) -> ChangeCursor
    /// Up to `limit` changes after `cursor` that can no longer be overtaken, in order.
    func changes(after cursor: ChangeCursor, limit: Int) async throws(StoreError) -> [Change]
    /// How old the oldest change after `cursor` is (zero when there is none): a reader's lag,
    /// including changes held back behind a transaction still running.
    func changeFeedLag(after cursor: ChangeCursor, now: Date) async throws(StoreError) -> TimeInterval
    /// Wake-ups for a reader: PostgreSQL rings after another process commits a change (and
    /// whenever the listening connection is made again, since anything may have been missed
    /// meanwhile); a SpatiaLite file has no other server, so its reader is woken by its poll only.
    func changeSignals() -> AsyncStream<Void>
    /// Removes changes older than `before` (every reader is expected to be past them).
    func pruneChanges(before: Date) async throws(StoreError)
}
