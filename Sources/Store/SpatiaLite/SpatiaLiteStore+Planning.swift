import Foundation
import Geo
import GRDB
import GRDBSQLite

extension SpatiaLiteStore {
    public func createPlan(_ p: NewPlan, audit: AuditRecord) async throws(StoreError) -> Plan {
        try await write { db in
            let now = millis(audit.at)
            try db.execute(sql: """
                INSERT INTO plans (title, description, kind, organiser, planner, stage, moderation, consultation_start,
                                   consultation_end, created_at, updated_at, geom)
                VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, 4326)))
                """, arguments: [p.title, p.description, p.kind.rawValue, p.organiser, p.planner, p.moderation.rawValue,
                                 p.consultationStart.map(millis), p.consultationEnd.map(millis), now, now,
                                 Data(WKB.encode(.multiPolygon(p.area.polygons)))])
            let id = db.lastInsertedRowID
            try Self.replaceArchitects(id, p.architects, db)
            var record = audit
            record.planId = id
            if case .object(var after) = record.after { after["id"] = .integer(id); record.after = .object(after) }
            try Self.appendAudit(record, db, origin: self.origin)
            guard let plan = try Self.fetchPlan(id, db) else { throw StoreError.database("SpatiaLite rejected the plan's area") }
            return plan
        }
    }

    public func plans() async throws(StoreError) -> [Plan] {
        try await read { db in
            let architects = try Self.allArchitects(db)
            return try Row.fetchAll(db, sql: "SELECT *, AsBinary(geom) AS wkb FROM plans ORDER BY id").map { row in
                let id: Int64 = row["id"]
                return try Self.plan(row, architects: architects[id] ?? [])
            }
        }
    }

    public func plan(id: Int64) async throws(StoreError) -> Plan? {
        try await read { db in try Self.fetchPlan(id, db) }
    }

    public func updatePlan(_ p: Plan, expectedRevision: Int, audit: [AuditRecord]) async throws(StoreError) -> Plan {
        try await write { db in
            try Self.bump(p.id, expected: expectedRevision, db)
            try db.execute(sql: """
                UPDATE plans SET title = ?, description = ?, kind = ?, organiser = ?, planner = ?, stage = ?, moderation = ?,
                       consultation_start = ?, consultation_end = ?, window_state = ?, hearing_date = ?, hearing_place = ?,
                       consulted_version = ?, updated_at = ?
                WHERE id = ?
                """, arguments: [p.title, p.description, p.kind.rawValue, p.organiser, p.planner, p.stage.rawValue,
                                 p.moderation.rawValue, p.consultationStart.map(millis), p.consultationEnd.map(millis),
                                 p.windowState?.rawValue, p.hearing.map { millis($0.date) }, p.hearing?.place,
                                 p.consultedVersion, millis(p.updatedAt), p.id])
            // Rewrite the area only when it changed: the R*Tree triggers run on every write of geom.
            let stored = try Data.fetchOne(db, sql: "SELECT AsBinary(geom) FROM plans WHERE id = ?", arguments: [p.id])
            let wkb = Data(WKB.encode(.multiPolygon(p.area.polygons)))
            if stored.flatMap({ try? WKB.decode([UInt8]($0)) }) != .multiPolygon(p.area.polygons) {
                try db.execute(sql: "UPDATE plans SET geom = CastToMultiPolygon(GeomFromWKB(?, 4326)) WHERE id = ?", arguments: [wkb, p.id])
            }
            try Self.replaceArchitects(p.id, p.architects, db)
            for record in audit { try Self.appendAudit(record, db, origin: self.origin) }
            guard let plan = try Self.fetchPlan(p.id, db) else { throw StoreError.database("plan \(p.id) vanished") }
            return plan
        }
    }

    public func addVersion(planId: Int64, note: String, createdBy: String, at: Date, expectedRevision: Int,
                           audit: AuditRecord) async throws(StoreError) -> PlanVersion {
        try await write { db in
            try Self.bump(planId, expected: expectedRevision, db)
            let number = (try Int.fetchOne(db, sql: "SELECT max(number) FROM plan_versions WHERE plan_id = ?", arguments: [planId]) ?? 0) + 1
            // The version is a copy of the plan as it is now.
            try db.execute(sql: """
                INSERT INTO plan_versions (plan_id, number, title, description, note, created_by, created_at, geom)
                SELECT id, ?, title, description, ?, ?, ?, geom FROM plans WHERE id = ?
                """, arguments: [number, note, createdBy, millis(at), planId])
            var record = audit
            if case .object(var after) = record.after { after["number"] = .integer(Int64(number)); record.after = .object(after) }
            try Self.appendAudit(record, db, origin: self.origin)
            return try Self.versions(planId, db).last!
        }
    }

    public func versions(planId: Int64) async throws(StoreError) -> [PlanVersion] {
        try await read { db in try Self.versions(planId, db) }
    }

    public func addAttachment(planId: Int64, role: PlanAttachment.Role, title: String, file: String, contentType: String, size: Int,
                              createdBy: String, audit: AuditRecord) async throws(StoreError) -> PlanAttachment {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO plan_attachments (plan_id, role, title, file, content_type, size, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [planId, role.rawValue, title, file, contentType, size, createdBy, millis(audit.at)])
            let id = db.lastInsertedRowID
            var record = audit
            if case .object(var after) = record.after { after["id"] = .integer(id); record.after = .object(after) }
            try Self.appendAudit(record, db, origin: self.origin)
            try db.execute(sql: "UPDATE plans SET revision = revision + 1 WHERE id = ?", arguments: [planId])
            return PlanAttachment(id: id, planId: planId, role: role, title: title, file: file, contentType: contentType,
                                  size: size, createdBy: createdBy, createdAt: date(millis(audit.at)))
        }
    }

    public func attachments(planId: Int64) async throws(StoreError) -> [PlanAttachment] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM plan_attachments WHERE plan_id = ? ORDER BY id", arguments: [planId]).map(Self.attachment)
        }
    }

    public func attachment(id: Int64) async throws(StoreError) -> PlanAttachment? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM plan_attachments WHERE id = ?", arguments: [id]).map(Self.attachment) }
    }

    static func attachment(_ r: Row) -> PlanAttachment {
        PlanAttachment(id: r["id"], planId: r["plan_id"], role: PlanAttachment.Role(rawValue: r["role"]) ?? .document,
                       title: r["title"], file: r["file"], contentType: r["content_type"], size: r["size"],
                       createdBy: r["created_by"], createdAt: date(r["created_at"]))
    }

    public func addComment(_ c: NewPlanComment, requiredStage: PlanStage, audit: AuditRecord) async throws(StoreError) -> PlanComment {
        try await write { db in
            let stage = try String.fetchOne(db, sql: "SELECT stage FROM plans WHERE id = ?", arguments: [c.planId])
            guard stage == requiredStage.rawValue else {
                throw StoreError.conflict("the plan moved to the \(stage ?? "unknown") stage while the comment was sent; comments are accepted only during the consultation")
            }
            try db.execute(sql: """
                INSERT INTO plan_comments (plan_id, version, kind, text, name, email, identity_level, attachment, attachment_type,
                                           status, created_at, location_json, geom)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, GeomFromWKB(?, 4326))
                """, arguments: [c.planId, c.version, c.kind.rawValue, c.text, c.name, c.email, c.identityLevel, c.attachment,
                                 c.attachmentType, c.status.rawValue, millis(c.createdAt),
                                 c.location.map { String(decoding: GeoJSON.encode($0), as: UTF8.self) }, c.location.map { Data(WKB.encode($0)) }])
            let id = db.lastInsertedRowID
            var record = audit
            record.subject = "comment \(id)"
            if case .object(var after) = record.after { after["id"] = .integer(id); record.after = .object(after) }
            try Self.appendAudit(record, db, origin: self.origin)
            // Comments change what the plan's rules see (e.g. unanswered objections).
            try db.execute(sql: "UPDATE plans SET revision = revision + 1 WHERE id = ?", arguments: [c.planId])
            return try Self.fetchComments(db, where: "c.id = ?", [id]).first!
        }
    }

    public func comment(id: Int64) async throws(StoreError) -> PlanComment? {
        try await read { db in try Self.fetchComments(db, where: "c.id = ?", [id]).first }
    }

    public func comments(planId: Int64, publishedOnly: Bool, includeHidden: Bool) async throws(StoreError) -> [PlanComment] {
        try await read { db in
            if !publishedOnly { return try Self.fetchComments(db, where: "c.plan_id = ?", [planId]) }
            let statuses = includeHidden ? "('published', 'hidden')" : "('published')"
            return try Self.fetchComments(db, where: "c.plan_id = ? AND c.status IN \(statuses)", [planId])
        }
    }

    public func updateComment(_ c: PlanComment, expectedRevision: Int, audit: AuditRecord) async throws(StoreError) -> PlanComment {
        try await write { db in
            try Self.bump(c.planId, expected: expectedRevision, db)
            try db.execute(sql: """
                UPDATE plan_comments SET status = ?, hidden_reason = ?, duplicate_of = ?, architect = ? WHERE id = ?
                """, arguments: [c.status.rawValue, c.hiddenReason, c.duplicateOf, c.architect, c.id])
            try Self.appendAudit(audit, db, origin: self.origin)
            return try Self.fetchComments(db, where: "c.id = ?", [c.id]).first!
        }
    }

    public func saveAnswer(commentId: Int64, answer a: CommentAnswer, expectedRevision: Int, audit: AuditRecord) async throws(StoreError) {
        try await write { db in
            guard let planId = try Int64.fetchOne(db, sql: "SELECT plan_id FROM plan_comments WHERE id = ?", arguments: [commentId]) else {
                throw StoreError.conflict("comment \(commentId) is gone")
            }
            try Self.bump(planId, expected: expectedRevision, db)
            try db.execute(sql: """
                INSERT INTO plan_answers (comment_id, decision, reasoning, architect, drafted_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (comment_id) DO UPDATE SET decision = excluded.decision, reasoning = excluded.reasoning,
                    architect = excluded.architect, drafted_at = excluded.drafted_at
                WHERE published_at IS NULL
                """, arguments: [commentId, a.decision.rawValue, a.reasoning, a.architect, millis(a.draftedAt)])
            guard db.changesCount == 1 else { throw StoreError.conflict("the answer to comment \(commentId) is published and cannot change") }
            try Self.appendAudit(audit, db, origin: self.origin)
        }
    }

    public func publishAnswers(planId: Int64, commentIds: [Int64], at: Date, expectedRevision: Int, audit: [AuditRecord],
                               outbox: [NewOutboxMessage]) async throws(StoreError) {
        try await write { db in
            try Self.bump(planId, expected: expectedRevision, db)
            let publish = try db.cachedStatement(sql: "UPDATE plan_answers SET published_at = ? WHERE comment_id = ? AND published_at IS NULL")
            for id in commentIds {
                try publish.execute(arguments: [millis(at), id])
                guard db.changesCount == 1 else { throw StoreError.conflict("comment \(id) has no unpublished answer") }
            }
            for record in audit { try Self.appendAudit(record, db, origin: self.origin) }
            let insert = try db.cachedStatement(sql: "INSERT INTO outbox (comment_id, recipient, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)")
            for m in outbox { try insert.execute(arguments: [m.commentId, m.recipient, m.subject, m.body, millis(at), millis(at)]) }
        }
    }

    public func auditEntries(planId: Int64?) async throws(StoreError) -> [AuditEntry] {
        try await read { db in
            var rows: [Row]
            if let planId {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE plan_id = ? ORDER BY id", arguments: [planId])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id")
            }
            return rows.map { r in
                AuditEntry(id: r["id"], planId: r["plan_id"], actor: r["actor"], action: r["action"], subject: r["subject"],
                           before: r["before"], after: r["after"], atMillis: r["at"], prevHash: r["prev_hash"], hash: r["hash"])
            }
        }
    }

    public func appendAudit(_ records: [AuditRecord]) async throws(StoreError) {
        try await write { db in for record in records { try Self.appendAudit(record, db, origin: self.origin) } }
    }

    public func planAreas() async throws(StoreError) -> [(id: Int64, title: String, stage: PlanStage, area: Geometry)] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, title, stage, AsBinary(geom) AS wkb FROM plans ORDER BY id").map { r in
                let id: Int64 = r["id"], title: String = r["title"], stage: String = r["stage"], wkb: Data = r["wkb"]
                return (id: id, title: title, stage: PlanStage(rawValue: stage) ?? .draft, area: try WKB.decode([UInt8](wkb)))
            }
        }
    }

    public func publishedCommentLocations(planId: Int64?) async throws(StoreError) -> [(id: Int64, planId: Int64, kind: CommentKind, location: Geometry)] {
        try await read { db in
            let filter = planId == nil ? "" : "AND plan_id = \(planId!)"
            return try Row.fetchAll(db, sql: """
                SELECT id, plan_id, kind, AsBinary(geom) AS wkb FROM plan_comments
                WHERE status = 'published' AND geom IS NOT NULL \(filter) ORDER BY id
                """).map { r in
                let id: Int64 = r["id"], plan: Int64 = r["plan_id"], kind: String = r["kind"], wkb: Data = r["wkb"]
                return (id: id, planId: plan, kind: CommentKind(rawValue: kind) ?? .question, location: try WKB.decode([UInt8](wkb)))
            }
        }
    }

    // MARK: Rows

    /// Raises the plan's revision, or fails if it is no longer `expected` (another write won).
    static func bump(_ planId: Int64, expected: Int, _ db: Database) throws {
        try db.execute(sql: "UPDATE plans SET revision = revision + 1 WHERE id = ? AND revision = ?", arguments: [planId, expected])
        guard db.changesCount == 1 else {
            throw StoreError.conflict("plan \(planId) changed while this request was handled: reload it and try again")
        }
    }

    /// Appends one entry to the hash chain, inside the caller's transaction (SQLite has one
    /// writer, so the last entry read here is the last entry). Every planning write passes here,
    /// so this is also where the change log learns that plans changed; a write of something no
    /// server keeps in memory (a petition) announces nothing.
    static func appendAudit(_ r: AuditRecord, _ db: Database, origin: String, announcing change: ChangeKind? = .plans) throws {
        if let change { try logChange(change, r.planId, origin: origin, db) }
        let last = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        let id = (last?["id"] as Int64? ?? 0) + 1
        let prev = last?["hash"] as String? ?? AuditChain.genesis
        let before = AuditChain.json(r.before), after = AuditChain.json(r.after)
        let at = millis(r.at)
        let hash = AuditChain.hash(prevHash: prev, canonical: AuditChain.canonical(
            id: id, planId: r.planId, actor: r.actor, action: r.action, subject: r.subject, before: before, after: after, atMillis: at))
        try db.execute(sql: """
            INSERT INTO audit_log (id, plan_id, actor, action, subject, before, after, at, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, r.planId, r.actor, r.action, r.subject, before, after, at, prev, hash])
    }

    static func replaceArchitects(_ planId: Int64, _ usernames: [String], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM plan_architects WHERE plan_id = ?", arguments: [planId])
        for name in Set(usernames) {
            try db.execute(sql: "INSERT INTO plan_architects (plan_id, username) VALUES (?, ?)", arguments: [planId, name])
        }
    }

    static func allArchitects(_ db: Database) throws -> [Int64: [String]] {
        var out: [Int64: [String]] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT plan_id, username FROM plan_architects ORDER BY plan_id, username") {
            out[r["plan_id"], default: []].append(r["username"])
        }
        return out
    }

    static func fetchPlan(_ id: Int64, _ db: Database) throws -> Plan? {
        guard let row = try Row.fetchOne(db, sql: "SELECT *, AsBinary(geom) AS wkb FROM plans WHERE id = ?", arguments: [id]) else { return nil }
        let architects = try String.fetchAll(db, sql: "SELECT username FROM plan_architects WHERE plan_id = ? ORDER BY username", arguments: [id])
        return try plan(row, architects: architects)
    }

    static func plan(_ r: Row, architects: [String]) throws -> Plan {
        let place: String? = r["hearing_place"]
        let hearing: Hearing? = (r["hearing_date"] as Int64?).map { Hearing(date: date($0), place: place ?? "") }
        return Plan(id: r["id"], title: r["title"], description: r["description"], kind: PlanKind(rawValue: r["kind"]) ?? .detailed,
                    organiser: r["organiser"], planner: r["planner"], architects: architects,
                    area: try WKB.decode([UInt8](r["wkb"] as Data)), stage: PlanStage(rawValue: r["stage"]) ?? .draft,
                    moderation: ModerationMode(rawValue: r["moderation"]) ?? .post,
                    consultationStart: (r["consultation_start"] as Int64?).map(date), consultationEnd: (r["consultation_end"] as Int64?).map(date),
                    windowState: (r["window_state"] as String?).flatMap(WindowState.init(rawValue:)), hearing: hearing,
                    consultedVersion: r["consulted_version"], revision: r["revision"],
                    createdAt: date(r["created_at"]), updatedAt: date(r["updated_at"]))
    }

    static func versions(_ planId: Int64, _ db: Database) throws -> [PlanVersion] {
        try Row.fetchAll(db, sql: "SELECT *, AsBinary(geom) AS wkb FROM plan_versions WHERE plan_id = ? ORDER BY number",
                         arguments: [planId]).map { r in
            PlanVersion(planId: r["plan_id"], number: r["number"], title: r["title"], description: r["description"], note: r["note"],
                        area: try WKB.decode([UInt8](r["wkb"] as Data)), createdBy: r["created_by"], createdAt: date(r["created_at"]))
        }
    }

    /// Comments with their answers. The public register reads 10,000 at a time, so the rows are
    /// stepped with SQLite's C API (GRDB prepares and binds the statement) instead of going
    /// through a `Row` per comment.
    static func fetchComments(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [PlanComment] {
        let statement = try db.makeStatement(sql: """
            SELECT c.id, c.plan_id, c.version, c.kind, c.text, c.name, c.email, c.identity_level, c.location_json,
                   c.attachment, c.attachment_type, c.status, c.hidden_reason, c.duplicate_of, c.architect, c.created_at,
                   a.decision, a.reasoning, a.architect, a.drafted_at, a.published_at
            FROM plan_comments c LEFT JOIN plan_answers a ON a.comment_id = c.id
            WHERE \(condition) ORDER BY c.id
            """)
        try statement.setArguments(arguments)
        let s = statement.sqliteStatement
        func text(_ i: Int32) -> String? {
            guard let p = sqlite3_column_text(s, i) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))), as: UTF8.self)
        }
        func integer(_ i: Int32) -> Int64? { sqlite3_column_type(s, i) == SQLITE_NULL ? nil : sqlite3_column_int64(s, i) }
        var out: [PlanComment] = []
        while true {
            let code = sqlite3_step(s)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw StoreError.database(String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            var answer: CommentAnswer? = nil
            if let decision = text(16).flatMap(AnswerDecision.init(rawValue:)) {
                answer = CommentAnswer(decision: decision, reasoning: text(17) ?? "", architect: text(18) ?? "",
                                       draftedAt: date(integer(19) ?? 0), publishedAt: integer(20).map(date))
            }
            out.append(PlanComment(id: sqlite3_column_int64(s, 0), planId: sqlite3_column_int64(s, 1), version: Int(sqlite3_column_int64(s, 2)),
                                   kind: text(3).flatMap(CommentKind.init(rawValue:)) ?? .question, text: text(4) ?? "",
                                   name: text(5) ?? "", email: text(6) ?? "", identityLevel: text(7) ?? "", locationGeoJSON: text(8),
                                   attachment: text(9), attachmentType: text(10),
                                   status: text(11).flatMap(CommentStatus.init(rawValue:)) ?? .pending, hiddenReason: text(12),
                                   duplicateOf: integer(13), architect: text(14), createdAt: date(sqlite3_column_int64(s, 15)), answer: answer))
        }
        return out
    }
}
