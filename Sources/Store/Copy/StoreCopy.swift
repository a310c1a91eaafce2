import Foundation

/// A stored value as both backends can read and write it (geometry travels as WKB).
public enum StoredValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A column's type, which each backend maps to its own (`boolean` is 0/1 in SQLite).
public enum StoredColumnKind: Sendable { case integer, real, text, boolean, geometry }

/// A table as the copy sees it: its columns in both backends' schemas (same names), and the
/// integer key it is read in order of (nil for small tables read whole).
public struct CopyTable: Sendable {
    public var name: String
    public var columns: [(name: String, kind: StoredColumnKind)]
    public var key: String?
    /// Columns the target computes itself (a report's point, from lon/lat).
    public var derivedGeometry: Bool
    init(_ name: String, key: String? = "id", derivedGeometry: Bool = false, _ columns: [(String, StoredColumnKind)]) {
        self.name = name; self.key = key; self.derivedGeometry = derivedGeometry
        self.columns = columns.map { (name: $0.0, kind: $0.1) }
    }
}

/// Reading and writing whole tables, row for row with their ids and hashes: what `miestas
/// migrate` needs to move a database between backends. Not for the server.
public protocol RowCopying: Sendable {
    func rowCount(_ table: CopyTable) async throws(StoreError) -> Int
    /// Up to `limit` rows whose key is above `after` (by key), or every row of a table without a key.
    func readRows(_ table: CopyTable, after: Int64?, limit: Int) async throws(StoreError) -> [[StoredValue]]
    /// Writes rows in one transaction.
    func writeRows(_ table: CopyTable, _ rows: [[StoredValue]]) async throws(StoreError)
    /// After every table is written: identity counters past the copied ids, spatial indexes filled.
    func finishCopy() async throws(StoreError)
}

/// The tables of a Miestas database, parents before children.
public enum StoreTables {
    public static let all: [CopyTable] = [
        CopyTable("districts", [("id", .integer), ("code", .text), ("name", .text), ("area_m2", .real), ("properties", .text),
                                ("source", .text), ("imported_at", .text), ("geom", .geometry)]),
        CopyTable("services", key: nil, [("code", .text), ("position", .integer), ("definition", .text)]),
        CopyTable("users", [("id", .integer), ("username", .text), ("role", .text), ("password_hash", .text), ("created_at", .integer),
                            ("disabled_at", .integer)]),
        CopyTable("user_tokens", key: nil, [("token_hash", .text), ("user_id", .integer), ("created_at", .integer), ("expires_at", .integer),
                                            ("revoked_at", .integer)]),
        CopyTable("api_keys", [("id", .integer), ("name", .text), ("key_hash", .text), ("prefix", .text), ("created_at", .integer),
                               ("revoked_at", .integer)]),
        // Residents (sessions and sign-ins under way are not copied: they expire within hours).
        CopyTable("residents", [("id", .integer), ("issuer", .text), ("subject", .text), ("personal_code_hmac", .text), ("name", .text),
                                ("email", .text), ("consent_at", .integer), ("notify_status_changes", .boolean), ("language", .text),
                                ("created_at", .integer), ("last_sign_in_at", .integer)]),
        CopyTable("reports", derivedGeometry: true, [
            ("id", .integer), ("external_id", .text), ("service_code", .text), ("status", .text), ("resolution", .text),
            ("status_notes", .text), ("description", .text), ("attributes", .text), ("district_code", .text), ("lon", .real), ("lat", .real),
            ("address", .text), ("zipcode", .text), ("media_url", .text), ("duplicate_of", .integer), ("requested_at", .integer),
            ("updated_at", .integer), ("closed_at", .integer), ("source", .text), ("email", .text), ("phone", .text),
            ("first_name", .text), ("last_name", .text), ("device_id", .text), ("account_id", .text), ("resident_id", .integer),
        ]),
        CopyTable("report_updates", [("id", .integer), ("report_id", .integer), ("status", .text), ("resolution", .text),
                                     ("reopened", .boolean), ("note", .text), ("user_id", .integer), ("at", .integer)]),
        CopyTable("plans", [("id", .integer), ("title", .text), ("description", .text), ("kind", .text), ("organiser", .text),
                            ("planner", .text), ("stage", .text), ("moderation", .text), ("consultation_start", .integer),
                            ("consultation_end", .integer), ("window_state", .text), ("hearing_date", .integer), ("hearing_place", .text),
                            ("consulted_version", .integer), ("revision", .integer), ("created_at", .integer), ("updated_at", .integer),
                            ("geom", .geometry)]),
        CopyTable("plan_architects", key: nil, [("plan_id", .integer), ("username", .text)]),
        CopyTable("plan_versions", key: nil, [("plan_id", .integer), ("number", .integer), ("title", .text), ("description", .text),
                                              ("note", .text), ("created_by", .text), ("created_at", .integer), ("geom", .geometry)]),
        CopyTable("plan_attachments", [("id", .integer), ("plan_id", .integer), ("role", .text), ("title", .text), ("file", .text),
                                       ("content_type", .text), ("size", .integer), ("created_by", .text), ("created_at", .integer)]),
        CopyTable("plan_comments", [("id", .integer), ("plan_id", .integer), ("version", .integer), ("kind", .text), ("text", .text),
                                    ("name", .text), ("email", .text), ("identity_level", .text), ("attachment", .text),
                                    ("attachment_type", .text), ("status", .text), ("hidden_reason", .text), ("duplicate_of", .integer),
                                    ("architect", .text), ("created_at", .integer), ("location_json", .text), ("geom", .geometry)]),
        CopyTable("plan_answers", key: "comment_id", [("comment_id", .integer), ("decision", .text), ("reasoning", .text),
                                                      ("architect", .text), ("drafted_at", .integer), ("published_at", .integer)]),
        CopyTable("audit_log", [("id", .integer), ("plan_id", .integer), ("actor", .text), ("action", .text), ("subject", .text),
                                ("before", .text), ("after", .text), ("at", .integer), ("prev_hash", .text), ("hash", .text)]),
        CopyTable("outbox", [("id", .integer), ("comment_id", .integer), ("recipient", .text), ("subject", .text), ("body", .text),
                             ("created_at", .integer), ("sent_at", .integer), ("attempts", .integer), ("last_error", .text),
                             ("next_attempt_at", .integer), ("resident_id", .integer)]),
        CopyTable("petitions", [("id", .integer), ("author_id", .integer), ("title", .text), ("change_text", .text), ("reason_text", .text),
                                ("act", .text), ("district_code", .text), ("lon", .real), ("lat", .real), ("state", .text),
                                ("rejection_code", .text), ("public_reason", .text), ("created_at", .integer), ("submitted_at", .integer),
                                ("opened_at", .integer), ("closes_at", .integer), ("closed_at", .integer), ("answer_text", .text),
                                ("answer_decision", .text), ("answer_date", .text), ("answered_at", .integer), ("revision", .integer),
                                ("updated_at", .integer), ("answer_document", .text)]),
        CopyTable("petition_sponsors", key: nil, [("petition_id", .integer), ("signer_key", .text), ("resident_id", .integer),
                                                  ("created_at", .integer)]),
        CopyTable("petition_signatures", [("id", .integer), ("petition_id", .integer), ("signer_key", .text), ("resident_id", .integer),
                                          ("district_code", .text), ("public_name", .text), ("signed_at", .integer),
                                          ("invalidated_at", .integer), ("invalidation_reason", .text),
                                          ("residence_from_provider", .boolean)]),
        CopyTable("petition_subscribers", key: nil, [("petition_id", .integer), ("resident_id", .integer), ("token", .text),
                                                     ("created_at", .integer)]),
    ]
}

/// Copies every table of one store into another, empty one, in batches, and checks the counts.
public struct StoreCopy: Sendable {
    public let source: any MiestasStore
    public let target: any MiestasStore
    public var batchSize = 5_000

    public init(from source: any MiestasStore, to target: any MiestasStore) { self.source = source; self.target = target }

    public struct Progress: Sendable {
        public var table: String
        public var copied: Int
        public var total: Int
    }

    /// Refuses a target that holds anything; copies; fails if any table's count differs afterwards.
    /// Answers each table's row count.
    @discardableResult
    public func run(progress: @Sendable (Progress) -> Void = { _ in }) async throws(StoreError) -> [(table: String, rows: Int)] {
        for table in StoreTables.all {
            let count = try await target.rowCount(table)
            if count > 0 {
                throw .conflict("the target database is not empty (\(table.name) has \(count) row\(count == 1 ? "" : "s")): migrate copies into an empty database only")
            }
        }
        var counts: [(table: String, rows: Int)] = []
        for table in StoreTables.all {
            let total = try await source.rowCount(table)
            var copied = 0
            var after: Int64? = nil
            progress(Progress(table: table.name, copied: 0, total: total))
            while true {
                let rows = try await source.readRows(table, after: after, limit: batchSize)
                if rows.isEmpty { break }
                try await target.writeRows(table, rows)
                copied += rows.count
                progress(Progress(table: table.name, copied: copied, total: total))
                guard let key = table.key, let index = table.columns.firstIndex(where: { $0.name == key }),
                      case .integer(let last) = rows[rows.count - 1][index] else { break }
                after = last
            }
            let written = try await target.rowCount(table)
            guard written == total else { throw .database("\(table.name): \(total) rows read, \(written) in the target") }
            counts.append((table.name, total))
        }
        try await target.finishCopy()
        return counts
    }
}
