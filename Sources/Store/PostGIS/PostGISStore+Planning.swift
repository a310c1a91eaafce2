import Foundation
import Geo
import Logging
import PostgresNIO

extension PostGISStore {
    static let planColumns = """
        id, title, description, kind, organiser, planner, stage, moderation, consultation_start, consultation_end, window_state,
        hearing_date, hearing_place, consulted_version, revision, created_at, updated_at, ST_AsBinary(geom)
        """

    public func createPlan(_ p: NewPlan, audit: AuditRecord) async throws(StoreError) -> Plan {
        let now = millis(audit.at)
        let area = Self.wkb(.multiPolygon(p.area.polygons))
        return try await transaction { c in
            let id = try await c.guardedQuery("""
                INSERT INTO plans (title, description, kind, organiser, planner, stage, moderation, consultation_start,
                                   consultation_end, created_at, updated_at, geom)
                VALUES (\(p.title), \(p.description), \(p.kind.rawValue), \(p.organiser), \(p.planner), 'draft', \(p.moderation.rawValue),
                        \(p.consultationStart.map(millis)), \(p.consultationEnd.map(millis)), \(now), \(now),
                        ST_Multi(ST_GeomFromWKB(\(area), 4326)))
                RETURNING id
                """, logger: self.logger).collect()[0].decode(Int64.self)
            try await Self.replaceArchitects(id, p.architects, c, self.logger)
            var record = audit
            record.planId = id
            if case .object(var after) = record.after { after["id"] = .integer(id); record.after = .object(after) }
            try await Self.appendAudit(record, c, self.logger, origin: self.origin)
            guard let plan = try await Self.fetchPlan(id, c, self.logger) else { throw StoreError.database("plan \(id) vanished") }
            return plan
        }
    }

    public func plans() async throws(StoreError) -> [Plan] {
        try await withConnection { c in
            let architects = try await Self.allArchitects(c, self.logger)
            return try await Self.fetch("SELECT \(unescaped: Self.planColumns) FROM plans ORDER BY id", on: c, logger: self.logger) { row in
                try Self.plan(row) { architects[$0] ?? [] }
            }
        }
    }

    public func plan(id: Int64) async throws(StoreError) -> Plan? {
        try await withConnection { c in try await Self.fetchPlan(id, c, self.logger) }
    }

    public func updatePlan(_ p: Plan, expectedRevision: Int, audit: [AuditRecord]) async throws(StoreError) -> Plan {
        let area = Self.wkb(.multiPolygon(p.area.polygons))
        return try await transaction { c in
            try await Self.bump(p.id, expected: expectedRevision, c, self.logger)
            try await c.guardedQuery("""
                UPDATE plans SET title = \(p.title), description = \(p.description), kind = \(p.kind.rawValue), organiser = \(p.organiser),
                       planner = \(p.planner), stage = \(p.stage.rawValue), moderation = \(p.moderation.rawValue),
                       consultation_start = \(p.consultationStart.map(millis)), consultation_end = \(p.consultationEnd.map(millis)),
                       window_state = \(p.windowState?.rawValue), hearing_date = \(p.hearing.map { millis($0.date) }),
                       hearing_place = \(p.hearing?.place), consulted_version = \(p.consultedVersion), updated_at = \(millis(p.updatedAt)),
                       geom = ST_Multi(ST_GeomFromWKB(\(area), 4326))
                WHERE id = \(p.id)
                """, logger: self.logger)
            try await Self.replaceArchitects(p.id, p.architects, c, self.logger)
            for record in audit { try await Self.appendAudit(record, c, self.logger, origin: self.origin) }
            guard let plan = try await Self.fetchPlan(p.id, c, self.logger) else { throw StoreError.database("plan \(p.id) vanished") }
            return plan
        }
    }

    public func addVersion(planId: Int64, note: String, createdBy: String, at: Date, expectedRevision: Int,
                           audit: AuditRecord) async throws(StoreError) -> PlanVersion {
        try await transaction { c in
            // The bump locks the plan's row, so two versions cannot take the same number.
            try await Self.bump(planId, expected: expectedRevision, c, self.logger)
            let number = try await c.guardedQuery("SELECT coalesce(max(number), 0) + 1 FROM plan_versions WHERE plan_id = \(planId)",
                                           logger: self.logger).collect()[0].decode(Int.self)
            // The version is a copy of the plan as it is now.
            try await c.guardedQuery("""
                INSERT INTO plan_versions (plan_id, number, title, description, note, created_by, created_at, geom)
                SELECT id, \(number), title, description, \(note), \(createdBy), \(millis(at)), geom FROM plans WHERE id = \(planId)
                """, logger: self.logger)
            var record = audit
            if case .object(var after) = record.after { after["number"] = .integer(Int64(number)); record.after = .object(after) }
            try await Self.appendAudit(record, c, self.logger, origin: self.origin)
            return try await Self.versions(planId, c, self.logger).last!
        }
    }

    public func versions(planId: Int64) async throws(StoreError) -> [PlanVersion] {
        try await withConnection { c in try await Self.versions(planId, c, self.logger) }
    }

    public func addAttachment(planId: Int64, role: PlanAttachment.Role, title: String, file: String, contentType: String, size: Int,
                              createdBy: String, audit: AuditRecord) async throws(StoreError) -> PlanAttachment {
        let at = millis(audit.at)
        return try await transaction { c in
            let id = try await c.guardedQuery("""
                INSERT INTO plan_attachments (plan_id, role, title, file, content_type, size, created_by, created_at)
                VALUES (\(planId), \(role.rawValue), \(title), \(file), \(contentType), \(size), \(createdBy), \(at)) RETURNING id
                """, logger: self.logger).collect()[0].decode(Int64.self)
            var record = audit
            if case .object(var after) = record.after { after["id"] = .integer(id); record.after = .object(after) }
            try await Self.appendAudit(record, c, self.logger, origin: self.origin)
            try await c.guardedQuery("UPDATE plans SET revision = revision + 1 WHERE id = \(planId)", logger: self.logger)
            return PlanAttachment(id: id, planId: planId, role: role, title: title, file: file, contentType: contentType,
                                  size: size, createdBy: createdBy, createdAt: date(at))
        }
    }

    static let attachmentColumns = "id, plan_id, role, title, file, content_type, size, created_by, created_at"

    public func attachments(planId: Int64) async throws(StoreError) -> [PlanAttachment] {
        try await fetch("SELECT \(unescaped: Self.attachmentColumns) FROM plan_attachments WHERE plan_id = \(planId) ORDER BY id", Self.attachment)
    }

    public func attachment(id: Int64) async throws(StoreError) -> PlanAttachment? {
        try await fetchOne("SELECT \(unescaped: Self.attachmentColumns) FROM plan_attachments WHERE id = \(id)", Self.attachment)
    }

    static func attachment(_ row: PostgresRow) throws -> PlanAttachment {
        let (id, plan, role, title, file, type, size, by, at) = try row.decode((Int64, Int64, String, String, String, String, Int, String, Int64).self)
        return PlanAttachment(id: id, planId: plan, role: PlanAttachment.Role(rawValue: role) ?? .document, title: title, file: file,
                              contentType: type, size: size, createdBy: by, createdAt: date(at))
    }

    public func addComment(_ comment: NewPlanComment, requiredStage: PlanStage, audit: AuditRecord) async throws(StoreError) -> PlanComment {
        let c0 = comment
        let json = c0.location.map { String(decoding: GeoJSON.encode($0), as: UTF8.self) }
        let wkb = c0.location.map(Self.wkb)
        return try await transaction { c in
            // The row lock keeps the stage from changing until this comment is in.
            let stage = try await c.guardedQuery("SELECT stage FROM plans WHERE id = \(c0.planId) FOR UPDATE", logger: self.logger)
                .collect().first?.decode(String.self)
            guard stage == requiredStage.rawValue else {
                throw StoreError.conflict("the plan moved to the \(stage ?? "unknown") stage while the comment was sent; comments are accepted only during the consultation")
            }
            let id = try await c.guardedQuery("""
                INSERT INTO plan_comments (plan_id, version, kind, text, name, email, identity_level, attachment, attachment_type,
                                           status, created_at, location_json, geom)
                VALUES (\(c0.planId), \(c0.version), \(c0.kind.rawValue), \(c0.text), \(c0.name), \(c0.email), \(c0.identityLevel),
                        \(c0.attachment), \(c0.attachmentType), \(c0.status.rawValue), \(millis(c0.createdAt)), \(json),
                        ST_GeomFromWKB(\(wkb), 4326))
                RETURNING id
                """, logger: self.logger).collect()[0].decode(Int64.self)
            var record = audit
            record.subject = "comment \(id)"
            if case .object(var after) = record.after { after["id"] = .integer(id); record.after = .object(after) }
            try await Self.appendAudit(record, c, self.logger, origin: self.origin)
            // Comments change what the plan's rules see (e.g. unanswered objections).
            try await c.guardedQuery("UPDATE plans SET revision = revision + 1 WHERE id = \(c0.planId)", logger: self.logger)
            return try await Self.fetchComments(c, self.logger, "c.id = \(id)").first!
        }
    }

    public func comment(id: Int64) async throws(StoreError) -> PlanComment? {
        try await withConnection { c in try await Self.fetchComments(c, self.logger, "c.id = \(id)").first }
    }

    public func comments(planId: Int64, publishedOnly: Bool, includeHidden: Bool) async throws(StoreError) -> [PlanComment] {
        let condition = !publishedOnly ? "c.plan_id = \(planId)"
            : "c.plan_id = \(planId) AND c.status IN \(includeHidden ? "('published', 'hidden')" : "('published')")"
        return try await withConnection { c in try await Self.fetchComments(c, self.logger, condition) }
    }

    public func updateComment(_ comment: PlanComment, expectedRevision: Int, audit: AuditRecord) async throws(StoreError) -> PlanComment {
        let m = comment
        return try await transaction { c in
            try await Self.bump(m.planId, expected: expectedRevision, c, self.logger)
            try await c.guardedQuery("""
                UPDATE plan_comments SET status = \(m.status.rawValue), hidden_reason = \(m.hiddenReason), duplicate_of = \(m.duplicateOf),
                       architect = \(m.architect)
                WHERE id = \(m.id)
                """, logger: self.logger)
            try await Self.appendAudit(audit, c, self.logger, origin: self.origin)
            return try await Self.fetchComments(c, self.logger, "c.id = \(m.id)").first!
        }
    }

    public func saveAnswer(commentId: Int64, answer a: CommentAnswer, expectedRevision: Int, audit: AuditRecord) async throws(StoreError) {
        try await transaction { c in
            guard let planId = try await c.guardedQuery("SELECT plan_id FROM plan_comments WHERE id = \(commentId)", logger: self.logger)
                .collect().first?.decode(Int64.self) else {
                throw StoreError.conflict("comment \(commentId) is gone")
            }
            try await Self.bump(planId, expected: expectedRevision, c, self.logger)
            let written = try await c.guardedQuery("""
                INSERT INTO plan_answers (comment_id, decision, reasoning, architect, drafted_at)
                VALUES (\(commentId), \(a.decision.rawValue), \(a.reasoning), \(a.architect), \(millis(a.draftedAt)))
                ON CONFLICT (comment_id) DO UPDATE SET decision = excluded.decision, reasoning = excluded.reasoning,
                    architect = excluded.architect, drafted_at = excluded.drafted_at
                WHERE plan_answers.published_at IS NULL
                RETURNING 1
                """, logger: self.logger).collect().count
            guard written == 1 else { throw StoreError.conflict("the answer to comment \(commentId) is published and cannot change") }
            try await Self.appendAudit(audit, c, self.logger, origin: self.origin)
        }
    }

    public func publishAnswers(planId: Int64, commentIds: [Int64], at: Date, expectedRevision: Int, audit: [AuditRecord],
                               outbox: [NewOutboxMessage]) async throws(StoreError) {
        let at = millis(at)
        try await transaction { c in
            try await Self.bump(planId, expected: expectedRevision, c, self.logger)
            for id in commentIds {
                let published = try await c.guardedQuery("""
                    UPDATE plan_answers SET published_at = \(at) WHERE comment_id = \(id) AND published_at IS NULL RETURNING 1
                    """, logger: self.logger).collect().count
                guard published == 1 else { throw StoreError.conflict("comment \(id) has no unpublished answer") }
            }
            for record in audit { try await Self.appendAudit(record, c, self.logger, origin: self.origin) }
            for m in outbox {
                try await c.guardedQuery("""
                    INSERT INTO outbox (comment_id, recipient, subject, body, created_at, next_attempt_at)
                    VALUES (\(m.commentId), \(m.recipient), \(m.subject), \(m.body), \(at), \(at))
                    """, logger: self.logger)
            }
        }
    }

    public func auditEntries(planId: Int64?) async throws(StoreError) -> [AuditEntry] {
        let columns = "id, plan_id, actor, action, subject, before, after, at, prev_hash, hash"
        let query: PostgresQuery = planId.map { "SELECT \(unescaped: columns) FROM audit_log WHERE plan_id = \($0) ORDER BY id" }
            ?? "SELECT \(unescaped: columns) FROM audit_log ORDER BY id"
        return try await fetch(query) { row in
            let (id, plan, actor, action, subject, before, after, at, prev, hash) =
                try row.decode((Int64, Int64?, String, String, String, String, String, Int64, String, String).self)
            return AuditEntry(id: id, planId: plan, actor: actor, action: action, subject: subject, before: before, after: after,
                              atMillis: at, prevHash: prev, hash: hash)
        }
    }

    public func appendAudit(_ records: [AuditRecord]) async throws(StoreError) {
        try await transaction { c in for record in records { try await Self.appendAudit(record, c, self.logger, origin: self.origin) } }
    }

    public func planAreas() async throws(StoreError) -> [(id: Int64, title: String, stage: PlanStage, area: Geometry)] {
        try await fetch("SELECT id, title, stage, ST_AsBinary(geom) FROM plans ORDER BY id") { row in
            let (id, title, stage, wkb) = try row.decode((Int64, String, String, ByteBuffer).self)
            return (id: id, title: title, stage: PlanStage(rawValue: stage) ?? .draft, area: try WKB.decode(Array(wkb.readableBytesView)))
        }
    }

    public func publishedCommentLocations(planId: Int64?) async throws(StoreError) -> [(id: Int64, planId: Int64, kind: CommentKind, location: Geometry)] {
        try await fetch("""
            SELECT id, plan_id, kind, ST_AsBinary(geom) FROM plan_comments
            WHERE status = 'published' AND geom IS NOT NULL AND (\(planId)::bigint IS NULL OR plan_id = \(planId)) ORDER BY id
            """) { row in
            let (id, plan, kind, wkb) = try row.decode((Int64, Int64, String, ByteBuffer).self)
            return (id: id, planId: plan, kind: CommentKind(rawValue: kind) ?? .question, location: try WKB.decode(Array(wkb.readableBytesView)))
        }
    }

    // MARK: Rows

    static func wkb(_ geometry: Geometry) -> ByteBuffer { ByteBuffer(bytes: WKB.encode(geometry)) }

    /// Raises the plan's revision, or fails if it is no longer `expected` (another write won).
    /// The update locks the plan's row until the transaction ends, so writes to one plan queue up.
    static func bump(_ planId: Int64, expected: Int, _ c: PostgresConnection, _ logger: Logger) async throws {
        let changed = try await c.guardedQuery("""
            UPDATE plans SET revision = revision + 1 WHERE id = \(planId) AND revision = \(expected) RETURNING 1
            """, logger: logger).collect().count
        guard changed == 1 else {
            throw StoreError.conflict("plan \(planId) changed while this request was handled: reload it and try again")
        }
    }

    /// The audit chain's lock: one writer appends at a time, in any process, so the chain never
    /// forks (two entries naming the same previous hash). Held until the transaction ends.
    static let auditChainLock: Int64 = 0x6d69_6573_7461_7302

    /// Appends one entry to the hash chain inside the caller's transaction, after taking the
    /// chain's lock: the last entry read here is the last entry, whoever else is writing.
    /// Every planning write passes here, so this is also where the change log learns that plans
    /// changed; a write of something no server keeps in memory (a petition) announces nothing.
    static func appendAudit(_ r: AuditRecord, _ c: PostgresConnection, _ logger: Logger, origin: String,
                            announcing change: ChangeKind? = .plans) async throws {
        if let change { try await logChange(change, r.planId, origin: origin, c, logger) }
        try await c.guardedQuery("SELECT pg_advisory_xact_lock(\(auditChainLock))", logger: logger)
        let last = try await c.guardedQuery("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", logger: logger).collect().first?
            .decode((Int64, String).self)
        let id = (last?.0 ?? 0) + 1
        let prev = last?.1 ?? AuditChain.genesis
        let before = AuditChain.json(r.before), after = AuditChain.json(r.after)
        let at = millis(r.at)
        let hash = AuditChain.hash(prevHash: prev, canonical: AuditChain.canonical(
            id: id, planId: r.planId, actor: r.actor, action: r.action, subject: r.subject, before: before, after: after, atMillis: at))
        try await c.guardedQuery("""
            INSERT INTO audit_log (id, plan_id, actor, action, subject, before, after, at, prev_hash, hash)
            VALUES (\(id), \(r.planId), \(r.actor), \(r.action), \(r.subject), \(before), \(after), \(at), \(prev), \(hash))
            """, logger: logger)
    }

    static func replaceArchitects(_ planId: Int64, _ usernames: [String], _ c: PostgresConnection, _ logger: Logger) async throws {
        try await c.guardedQuery("DELETE FROM plan_architects WHERE plan_id = \(planId)", logger: logger)
        let names = Array(Set(usernames))
        guard !names.isEmpty else { return }
        try await c.guardedQuery("INSERT INTO plan_architects (plan_id, username) SELECT \(planId), unnest(\(names)::text[])", logger: logger)
    }

    static func allArchitects(_ c: PostgresConnection, _ logger: Logger) async throws -> [Int64: [String]] {
        var out: [Int64: [String]] = [:]
        for row in try await c.guardedQuery("SELECT plan_id, username FROM plan_architects ORDER BY plan_id, username", logger: logger).collect() {
            let (plan, name) = try row.decode((Int64, String).self)
            out[plan, default: []].append(name)
        }
        return out
    }

    static func fetchPlan(_ id: Int64, _ c: PostgresConnection, _ logger: Logger) async throws -> Plan? {
        guard let row = try await c.guardedQuery("SELECT \(unescaped: planColumns) FROM plans WHERE id = \(id)", logger: logger).collect().first else {
            return nil
        }
        let architects = try await fetch("SELECT username FROM plan_architects WHERE plan_id = \(id) ORDER BY username", on: c, logger: logger) {
            try $0.decode(String.self)
        }
        return try plan(row) { _ in architects }
    }

    static func plan(_ row: PostgresRow, architects: (Int64) -> [String]) throws -> Plan {
        let c = row.makeRandomAccess()
        func text(_ i: Int) throws -> String? { try c[i].decode(String?.self) }
        func integer(_ i: Int) throws -> Int64? { try c[i].decode(Int64?.self) }
        let id = try c[0].decode(Int64.self)
        let hearing = try integer(11).map { Hearing(date: date($0), place: try text(12) ?? "") }
        return Plan(id: id, title: try c[1].decode(String.self), description: try c[2].decode(String.self),
                    kind: PlanKind(rawValue: try c[3].decode(String.self)) ?? .detailed, organiser: try c[4].decode(String.self),
                    planner: try c[5].decode(String.self), architects: architects(id),
                    area: try WKB.decode(Array(try c[17].decode(ByteBuffer.self).readableBytesView)),
                    stage: PlanStage(rawValue: try c[6].decode(String.self)) ?? .draft,
                    moderation: ModerationMode(rawValue: try c[7].decode(String.self)) ?? .post,
                    consultationStart: try integer(8).map(date), consultationEnd: try integer(9).map(date),
                    windowState: try text(10).flatMap(WindowState.init(rawValue:)), hearing: hearing,
                    consultedVersion: try c[13].decode(Int?.self), revision: try c[14].decode(Int.self),
                    createdAt: date(try c[15].decode(Int64.self)), updatedAt: date(try c[16].decode(Int64.self)))
    }

    static func versions(_ planId: Int64, _ c: PostgresConnection, _ logger: Logger) async throws -> [PlanVersion] {
        try await fetch("""
            SELECT plan_id, number, title, description, note, ST_AsBinary(geom), created_by, created_at
            FROM plan_versions WHERE plan_id = \(planId) ORDER BY number
            """, on: c, logger: logger) { row in
            let (plan, number, title, description, note, wkb, by, at) = try row.decode((Int64, Int, String, String, String, ByteBuffer, String, Int64).self)
            return PlanVersion(planId: plan, number: number, title: title, description: description, note: note,
                               area: try WKB.decode(Array(wkb.readableBytesView)), createdBy: by, createdAt: date(at))
        }
    }

    /// Comments with their answers; `condition` is built here from integers only.
    static func fetchComments(_ c: PostgresConnection, _ logger: Logger, _ condition: String) async throws -> [PlanComment] {
        try await fetch("""
            SELECT c.id, c.plan_id, c.version, c.kind, c.text, c.name, c.email, c.identity_level, c.location_json,
                   c.attachment, c.attachment_type, c.status, c.hidden_reason, c.duplicate_of, c.architect, c.created_at,
                   a.decision, a.reasoning, a.architect, a.drafted_at, a.published_at
            FROM plan_comments c LEFT JOIN plan_answers a ON a.comment_id = c.id
            WHERE \(unescaped: condition) ORDER BY c.id
            """, on: c, logger: logger) { row in
            let r = row.makeRandomAccess()
            func text(_ i: Int) throws -> String? { try r[i].decode(String?.self) }
            var answer: CommentAnswer? = nil
            if let decision = try text(16).flatMap(AnswerDecision.init(rawValue:)) {
                answer = CommentAnswer(decision: decision, reasoning: try text(17) ?? "", architect: try text(18) ?? "",
                                       draftedAt: date(try r[19].decode(Int64?.self) ?? 0), publishedAt: try r[20].decode(Int64?.self).map(date))
            }
            return PlanComment(id: try r[0].decode(Int64.self), planId: try r[1].decode(Int64.self), version: try r[2].decode(Int.self),
                               kind: try text(3).flatMap(CommentKind.init(rawValue:)) ?? .question, text: try text(4) ?? "",
                               name: try text(5) ?? "", email: try text(6) ?? "", identityLevel: try text(7) ?? "",
                               locationGeoJSON: try text(8), attachment: try text(9), attachmentType: try text(10),
                               status: try text(11).flatMap(CommentStatus.init(rawValue:)) ?? .pending, hiddenReason: try text(12),
                               duplicateOf: try r[13].decode(Int64?.self), architect: try text(14),
                               createdAt: date(try r[15].decode(Int64.self)), answer: answer)
        }
    }
}
