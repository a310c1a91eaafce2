import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The channel other servers listen on. The payload is the writer's origin; a listener only
/// takes it as a reason to read the log.
let changeChannel = "miestas_changes"

extension PostGISStore {
    /// Appends a change in the caller's transaction (the doorbell rings after the commit).
    static func logChange(_ kind: ChangeKind, _ entityId: Int64?, origin: String, _ c: PostgresConnection, _ logger: Logger) async throws {
        try await c.guardedQuery("INSERT INTO change_log (kind, entity_id, origin) VALUES (\(kind.rawValue), \(entityId), \(origin))", logger: logger)
    }

    /// Everything below the oldest running transaction is final, so following from there misses
    /// nothing (what commits meanwhile comes again through the feed).
    public func changeFeedHead() async throws(StoreError) -> ChangeCursor {
        let xmin = try await fetchOne("SELECT pg_snapshot_xmin(pg_current_snapshot())::text") { try $0.decode(String.self) }
        return ChangeCursor(txid: xmin.flatMap { UInt64($0) } ?? 0, seq: 0)
    }

    /// In transaction-id order, as numbers: an output column named `txid` (the text of the cast)
    /// would be what `ORDER BY txid` sorts by, as text, and "100003" sorts before "99998" — the
    /// order broke whenever the ids passed a power of ten (CI caught it in the contract test).
    public func changes(after cursor: ChangeCursor, limit: Int) async throws(StoreError) -> [Change] {
        try await fetch("""
            SELECT seq, txid::text AS txid_text, kind, entity_id, origin, at FROM change_log
            WHERE (txid, seq) > (\(String(cursor.txid))::xid8, \(cursor.seq))
              AND txid < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY change_log.txid, seq LIMIT \(limit)
            """) { row in
            let (seq, txid, kind, entity, origin, at) = try row.decode((Int64, String, String, Int64?, String, Int64).self)
            return ChangeKind(rawValue: kind).map {
                Change(cursor: ChangeCursor(txid: UInt64(txid) ?? 0, seq: seq), kind: $0, entityId: entity, origin: origin, at: at)
            }
        }.compactMap { $0 }
    }

    public func changeFeedLag(after cursor: ChangeCursor, now: Date) async throws(StoreError) -> TimeInterval {
        let oldest = try await fetchOne("""
            SELECT min(at) FROM change_log WHERE (txid, seq) > (\(String(cursor.txid))::xid8, \(cursor.seq))
            """) { try $0.decode(Int64?.self) } ?? nil
        guard let oldest else { return 0 }
        return max(0, now.timeIntervalSince(date(oldest)))
    }

    /// The first server's insert wins; every server reads the winner's.
    public func sharedSecret(_ name: String) async throws(StoreError) -> [UInt8] {
        let candidate = ByteBuffer(bytes: Self.newSecret())
        let stored = try await transaction { c in
            try await c.guardedQuery("INSERT INTO shared_secrets (name, value) VALUES (\(name), \(candidate)) ON CONFLICT (name) DO NOTHING",
                              logger: self.logger)
            return try await c.guardedQuery("SELECT value FROM shared_secrets WHERE name = \(name)", logger: self.logger).collect()[0].decode(ByteBuffer.self)
        }
        return Array(stored.readableBytesView)
    }

    public func pruneChanges(before: Date) async throws(StoreError) {
        _ = try await write("DELETE FROM change_log WHERE at < \(millis(before))") { _ in () }
    }

    /// A connection of its own (not the pool's: a pooled one would be handed to others and its
    /// LISTEN lost) that listens for other servers' doorbells, made again whenever it breaks.
    /// Every (re)connection rings once itself: whatever was rung while it was away is read then.
    public func changeSignals() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let configuration = url.connectionConfiguration(applicationName: "miestas-listen-\(origin.prefix(8))")
        let logger = logger
        let listening = self.listening
        let task = Task {
            var backoff = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
                    do {
                        try await connection.listen(on: changeChannel) { notifications in
                            listening.set(true)
                            backoff = .milliseconds(100)
                            continuation.yield()
                            for try await _ in notifications { continuation.yield() }
                        }
                    } catch {
                        logger.warning("the change feed's listening connection broke: \(Self.message(error))")
                    }
                    listening.set(false)
                    try? await connection.close()
                } catch {
                    listening.set(false)
                    logger.warning("cannot listen for changes: \(Self.message(error))")
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(2))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// Whether the listening connection is up (for `/healthz`).
final class Flag: Sendable {
    private let value = Mutex(false)
    func set(_ on: Bool) { value.withLock { $0 = on } }
    var isSet: Bool { value.withLock { $0 } }
}

/// A value handed to a child task that uses it alone while its parent waits.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Rings other servers' doorbells after a commit that logged changes: one `NOTIFY` at a time,
/// however many commits ask meanwhile, and never inside the writing transaction (NOTIFY takes a
/// database-wide lock at commit, which would make every writer wait for every other).
final class Doorbell: Sendable {
    private let state = Mutex<(pending: Bool, ringing: Bool)>((false, false))
    private let send: @Sendable () async -> Void

    init(send: @escaping @Sendable () async -> Void) { self.send = send }

    func ring() {
        let start = state.withLock { s -> Bool in
            s.pending = true
            if s.ringing { return false }
            s.ringing = true
            return true
        }
        guard start else { return }
        Task {
            while state.withLock({ s -> Bool in
                if !s.pending { s.ringing = false; return false }
                s.pending = false
                return true
            }) {
                await send()
            }
        }
    }
}
