import Foundation
import Geo
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
        var s = "{\"id\":\(c.id),\"plan_id\":\(c.planId),\"version\":\(c.version),\"kind\":\"\(c.kind.rawValue)\",\"status\":\"\(c.status.rawValue)\""
        s += ",\"created_at\":\"\(JSONText.time(c.createdAt))\""
        if c.status == .hidden && !staff {
            s += ",\"hidden_reason\":" + JSONText.quote(c.hiddenReason ?? "")
            return s + "}"
        }
        s += ",\"name\":" + JSONText.quote(c.name) + ",\"text\":" + JSONText.quote(c.text)
        s += ",\"identity_level\":" + JSONText.quote(c.identityLevel)
        s += ",\"location\":" + (c.locationGeoJSON ?? "null")
        s += ",\"attachment\":" + (c.attachment == nil ? "null" : "\"/api/v1/comments/\(c.id)/attachment\"")
        s += ",\"duplicate_of\":" + (c.duplicateOf.map(String.init) ?? "null")
        if staff {
            s += ",\"hidden_reason\":" + JSONText.quote(c.hiddenReason)
            s += ",\"architect\":" + JSONText.quote(c.architect)
            s += ",\"draft_answer\":" + (c.answer.flatMap { $0.publishedAt == nil ? answer($0) : nil } ?? "null")
        }
        s += ",\"answer\":" + (c.answer.flatMap { $0.publishedAt != nil ? answer($0) : nil } ?? "null")
        return s + "}"
    }

    static func answer(_ a: CommentAnswer) -> String {
        "{\"decision\":\"\(a.decision.rawValue)\",\"reasoning\":\(JSONText.quote(a.reasoning)),\"architect\":\(JSONText.quote(a.architect))"
            + ",\"drafted_at\":\"\(JSONText.time(a.draftedAt))\",\"published_at\":\(a.publishedAt.map { "\"\(JSONText.time($0))\"" } ?? "null")}"
    }

    /// The public register of a plan: its comments with answers, and the statistics.
    public static func register(plan: Plan, comments: [PlanComment], staff: Bool = false) -> String {
        var out = "{\"plan_id\":\(plan.id),\"title\":\(JSONText.quote(plan.title)),\"stage\":\"\(plan.stage.rawValue)\""
        out += ",\"count\":\(comments.count),\"statistics\":" + RegisterStatistics(comments).json + ",\"comments\":["
        out.reserveCapacity(comments.count * 400)
        var first = true
        for c in comments {
            if !first { out += "," }
            first = false
            out += comment(c, staff: staff)
        }
        return out + "]}"
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
