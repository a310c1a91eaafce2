import Foundation
import Geo
import JSONText
import Store

/// The JSON documents of the planning API. The email of a commenter appears in none of them.
public enum PlanDocuments {
    public static func plan(_ p: Plan, at now: Date) -> String {
        let consultation: String
        if let w = p.window {
            consultation = JSONText.object(["start": JSONText.quote(JSONText.time(w.start)), "end": JSONText.quote(JSONText.time(w.end)),
                                            "state": JSONText.quote(w.state(at: now).rawValue)])
        } else {
            consultation = "null"
        }
        let hearing = p.hearing.map { JSONText.object(["date": JSONText.quote(JSONText.time($0.date)), "place": JSONText.quote($0.place)]) } ?? "null"
        let area = String(decoding: GeoJSON.encode(p.area), as: UTF8.self)
        return JSONText.object([
            "id": String(p.id), "title": JSONText.quote(p.title), "description": JSONText.quote(p.description),
            "kind": JSONText.quote(p.kind.rawValue), "organiser": JSONText.quote(p.organiser), "planner": JSONText.quote(p.planner),
            "architects": JSONText.array(p.architects.map { JSONText.quote($0) }), "stage": JSONText.quote(p.stage.rawValue),
            "moderation": JSONText.quote(p.moderation.rawValue), "consultation": consultation,
            "accepts_comments": p.acceptsComments(at: now) ? "true" : "false",
            "hearing": hearing, "consulted_version": p.consultedVersion.map(String.init) ?? "null",
            "area": area, "created_at": JSONText.quote(JSONText.time(p.createdAt)), "updated_at": JSONText.quote(JSONText.time(p.updatedAt)),
        ])
    }

    public static func plans(_ plans: [Plan], at now: Date) -> String {
        JSONText.array(plans.map { plan($0, at: now) })
    }

    public static func version(_ v: PlanVersion) -> String {
        JSONText.object([
            "plan_id": String(v.planId), "number": String(v.number), "title": JSONText.quote(v.title),
            "description": JSONText.quote(v.description), "note": JSONText.quote(v.note),
            "area": String(decoding: GeoJSON.encode(v.area), as: UTF8.self), "created_by": JSONText.quote(v.createdBy),
            "created_at": JSONText.quote(JSONText.time(v.createdAt)),
        ])
    }

    public static func attachment(_ a: PlanAttachment) -> String {
        JSONText.object([
            "id": String(a.id), "plan_id": String(a.planId), "role": JSONText.quote(a.role.rawValue), "title": JSONText.quote(a.title),
            "content_type": JSONText.quote(a.contentType), "size": String(a.size), "sha256": JSONText.quote(String(a.file.prefix(64))),
            "url": JSONText.quote("/api/v1/attachments/\(a.id)"), "created_at": JSONText.quote(JSONText.time(a.createdAt)),
        ])
    }

    /// A comment as the public sees it: a hidden one shows only its reason; an answer shows
    /// only once published. `staff` adds pending comments' text, the assignee and draft answers.
    public static func comment(_ c: PlanComment, staff: Bool = false) -> String {
        var out = JSONBuffer(capacity: 512)
        write(c, staff: staff, into: &out)
        return out.text
    }

    static func write(_ c: PlanComment, staff: Bool, into out: inout JSONBuffer) {
        out.raw("{\"id\":"); out.int(c.id)
        out.raw(",\"plan_id\":"); out.int(c.planId)
        out.raw(",\"version\":"); out.int(c.version)
        out.raw(",\"kind\":"); out.string(c.kind.rawValue)
        out.raw(",\"status\":"); out.string(c.status.rawValue)
        out.raw(",\"created_at\":"); out.time(c.createdAt)
        if c.status == .hidden && !staff {
            out.raw(",\"hidden_reason\":"); out.string(c.hiddenReason ?? "")
            out.raw("}")
            return
        }
        out.raw(",\"name\":"); out.string(c.name)
        out.raw(",\"text\":"); out.string(c.text)
        out.raw(",\"identity_level\":"); out.string(c.identityLevel)
        out.raw(",\"location\":"); out.append(json: c.locationGeoJSON ?? "null")
        out.raw(",\"attachment\":")
        if c.attachment == nil { out.raw("null") } else { out.raw("\"/api/v1/comments/"); out.int(c.id); out.raw("/attachment\"") }
        out.raw(",\"duplicate_of\":")
        if let d = c.duplicateOf { out.int(d) } else { out.raw("null") }
        if staff {
            out.raw(",\"hidden_reason\":"); out.string(c.hiddenReason)
            out.raw(",\"architect\":"); out.string(c.architect)
            out.raw(",\"draft_answer\":")
            if let a = c.answer, a.publishedAt == nil { write(a, into: &out) } else { out.raw("null") }
        }
        out.raw(",\"answer\":")
        if let a = c.answer, a.publishedAt != nil { write(a, into: &out) } else { out.raw("null") }
        out.raw("}")
    }

    static func write(_ a: CommentAnswer, into out: inout JSONBuffer) {
        out.raw("{\"decision\":"); out.string(a.decision.rawValue)
        out.raw(",\"reasoning\":"); out.string(a.reasoning)
        out.raw(",\"architect\":"); out.string(a.architect)
        out.raw(",\"drafted_at\":"); out.time(a.draftedAt)
        out.raw(",\"published_at\":")
        if let p = a.publishedAt { out.time(p) } else { out.raw("null") }
        out.raw("}")
    }

    /// The public register of a plan: its comments with answers, and the statistics.
    public static func register(plan: Plan, comments: [PlanComment], staff: Bool = false) -> String {
        var out = JSONBuffer(capacity: 256 + comments.count * 420)
        out.raw("{\"plan_id\":"); out.int(plan.id)
        out.raw(",\"title\":"); out.string(plan.title)
        out.raw(",\"stage\":"); out.string(plan.stage.rawValue)
        out.raw(",\"count\":"); out.int(comments.count)
        out.raw(",\"statistics\":"); out.append(json: RegisterStatistics(comments).json)
        out.raw(",\"comments\":[")
        var first = true
        for c in comments {
            if !first { out.raw(",") }
            first = false
            write(c, staff: staff, into: &out)
        }
        out.raw("]}")
        return out.text
    }

    public static func audit(_ entries: [AuditEntry]) -> String {
        JSONText.array(entries.map { e in
            JSONText.object([
                "id": String(e.id), "plan_id": e.planId.map(String.init) ?? "null", "at": JSONText.quote(JSONText.time(e.at)),
                "at_ms": String(e.atMillis), "actor": JSONText.quote(e.actor), "action": JSONText.quote(e.action),
                "subject": JSONText.quote(e.subject), "before": e.before, "after": e.after,
                "prev_hash": JSONText.quote(e.prevHash), "hash": JSONText.quote(e.hash),
            ])
        })
    }
}
