import Foundation
import Synchronization

/// Slows down password guessing: after `freeFailures` failed sign-ins in a row for one username,
/// that username must wait before the next attempt is even checked, `firstPause` at first and
/// twice as long after each further failure, up to `longestPause`. A successful sign-in clears it.
///
/// Usernames are counted whether they exist or not, so the answers tell nothing about which do.
/// The count is per username, not per client: the server sees a reverse proxy's address, not the
/// resident's or the attacker's. At the defaults an attacker gets about 100 guesses a day per
/// account; the price is that the real user may have to wait up to `longestPause` too, and is
/// told so. It is kept in memory (one server process), and at most `capacity` usernames are
/// tracked: past that, the entries whose pause has ended are forgotten first.
public final class SignInThrottle: Sendable {
    public struct Policy: Sendable {
        public var freeFailures = 5
        public var firstPause: TimeInterval = 30
        public var longestPause: TimeInterval = 15 * 60
        /// Failures older than this no longer count.
        public var memory: TimeInterval = 24 * 3600
        public var capacity = 10_000
        public init() {}
    }

    public let policy: Policy
    private struct Entry { var failures: Int; var last: Date; var blockedUntil: Date? }
    private let entries = Mutex<[String: Entry]>([:])

    public init(policy: Policy = Policy()) { self.policy = policy }

    /// Seconds `username` must still wait before trying again, or nil if it may try now.
    public func wait(for username: String, at now: Date = Date()) -> TimeInterval? {
        entries.withLock { entries in
            guard let until = entries[Self.key(username)]?.blockedUntil, until > now else { return nil }
            return until.timeIntervalSince(now)
        }
    }

    /// Counts a failed attempt; answers the pause it starts, if any.
    @discardableResult
    public func failed(_ username: String, at now: Date = Date()) -> TimeInterval? {
        entries.withLock { entries in
            let key = Self.key(username)
            var entry = entries[key].flatMap { now.timeIntervalSince($0.last) < policy.memory ? $0 : nil } ?? Entry(failures: 0, last: now)
            entry.failures += 1
            entry.last = now
            let doublings = entry.failures - policy.freeFailures
            let pause = doublings < 0 ? nil : min(policy.firstPause * pow(2, Double(min(doublings, 30))), policy.longestPause)
            entry.blockedUntil = pause.map { now.addingTimeInterval($0) }
            if entries[key] == nil, entries.count >= policy.capacity { Self.makeRoom(&entries, now: now, capacity: policy.capacity) }
            entries[key] = entry
            return pause
        }
    }

    public func succeeded(_ username: String) {
        _ = entries.withLock { $0.removeValue(forKey: Self.key(username)) }
    }

    /// "Ona", "ona " and "ONA" share one count (stricter than the store, which matches exactly).
    private static func key(_ username: String) -> String { username.trimmingCharacters(in: .whitespaces).lowercased() }

    /// Forgets entries no longer paused, oldest first, until there is room for one more.
    private static func makeRoom(_ entries: inout [String: Entry], now: Date, capacity: Int) {
        let free = entries.filter { ($0.value.blockedUntil ?? .distantPast) <= now }.sorted { $0.value.last < $1.value.last }
        for (key, _) in free.prefix(entries.count - capacity + 1) { entries.removeValue(forKey: key) }
        // Everything is paused (a flood of guesses): the oldest go, paused or not.
        if entries.count >= capacity {
            for (key, _) in entries.sorted(by: { $0.value.last < $1.value.last }).prefix(entries.count - capacity + 1) { entries.removeValue(forKey: key) }
        }
    }
}
