import Crypto
import Foundation
import Geo
import JSONText

/// What a change records in the audit log; the store adds the id, the time, and the hashes
/// in the same transaction as the change itself.
public struct AuditRecord: Sendable, Hashable {
    /// nil while a plan is being created: the store fills in the new plan's id.
    public var planId: Int64?
    /// A staff username, "resident" or "system" (the clock).
    public var actor: String
    public var action: String
    /// What was acted on: "plan 3", "comment 17".
    public var subject: String
    public var before: JSONValue
    public var after: JSONValue
    public var at: Date

    public init(planId: Int64?, actor: String, action: String, subject: String, before: JSONValue = .null,
                after: JSONValue = .null, at: Date) {
        self.planId = planId; self.actor = actor; self.action = action; self.subject = subject
        self.before = before; self.after = after; self.at = at
    }
}

/// One entry of the append-only audit log. `hash` is the SHA-256 of `prevHash` followed by
/// the entry's canonical text, so changing, removing or reordering any entry breaks the chain
/// from there on.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64
    public var planId: Int64?
    public var actor: String
    public var action: String
    public var subject: String
    /// Canonical JSON text (sorted keys).
    public var before: String
    public var after: String
    /// Milliseconds since 1970, as stored (a Date would round).
    public var atMillis: Int64
    public var prevHash: String
    public var hash: String

    public init(id: Int64, planId: Int64?, actor: String, action: String, subject: String, before: String, after: String,
                atMillis: Int64, prevHash: String, hash: String) {
        self.id = id; self.planId = planId; self.actor = actor; self.action = action; self.subject = subject
        self.before = before; self.after = after; self.atMillis = atMillis; self.prevHash = prevHash; self.hash = hash
    }

    public var at: Date { Date(timeIntervalSince1970: Double(atMillis) / 1000) }
}

/// The hash chain's definition, shared by the writer (the store) and the verifier.
public enum AuditChain {
    /// The `prevHash` of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// The entry's fields, in a fixed order, as one JSON array: unambiguous for any text.
    public static func canonical(id: Int64, planId: Int64?, actor: String, action: String, subject: String,
                                 before: String, after: String, atMillis: Int64) -> String {
        "[\(id),\(planId.map(String.init) ?? "null"),\(atMillis),\(quote(actor)),\(quote(action)),\(quote(subject)),\(quote(before)),\(quote(after))]"
    }

    public static func hash(prevHash: String, canonical: String) -> String {
        SHA256.hash(data: Data((prevHash + "\n" + canonical).utf8)).hex
    }

    public static func expectedHash(of e: AuditEntry) -> String {
        hash(prevHash: e.prevHash, canonical: canonical(id: e.id, planId: e.planId, actor: e.actor, action: e.action,
                                                        subject: e.subject, before: e.before, after: e.after, atMillis: e.atMillis))
    }

    /// Canonical JSON of a value: object keys sorted, no insignificant spaces.
    public static func json(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d): return d.isFinite ? "\(d)" : "null"
        case .string(let s): return quote(s)
        case .array(let a): return "[" + a.map(json).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { quote($0) + ":" + json(o[$0]!) }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal (the canonical form hashes exactly these bytes).
    public static func quote(_ s: String) -> String { JSONText.quote(s) }

    /// A broken link of the chain: which entry, and what is wrong with it.
    public struct Break: Sendable, Hashable, CustomStringConvertible {
        public var entryId: Int64
        public var reason: String
        public var description: String { "audit entry \(entryId): \(reason)" }
    }

    /// The first break in `entries` (in id order), or nil when the chain is whole.
    public static func verify(_ entries: [AuditEntry]) -> Break? {
        var previous = genesis
        var previousId: Int64? = nil
        for e in entries {
            if e.prevHash != previous {
                let after = previousId.map { "entry \($0)" } ?? "the start of the log"
                return Break(entryId: e.id, reason: "its previous-hash does not match \(after): an entry before it was removed, inserted or reordered")
            }
            if expectedHash(of: e) != e.hash {
                return Break(entryId: e.id, reason: "its content does not match its hash: the entry was changed")
            }
            previous = e.hash
            previousId = e.id
        }
        return nil
    }
}
