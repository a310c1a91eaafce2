import Foundation
import Hummingbird
import JSONText
import Planning
import Store

extension PlansController {
    /// `GET /feeds/plans/{id}.atom`: the plan's stage changes, the consultation opening and
    /// closing, and every published answer, newest first, from the audit log.
    func feed(_ request: Request, planId: Int64) async throws -> Response {
        let plan = try await consultations.plan(id: planId)
        let entries = try await consultations.audit(planId: planId)
        let shown: Set<String> = ["plan created", "stage changed", "consultation opened", "consultation closed", "answer published", "version published"]
        let items = entries.filter { shown.contains($0.action) }.suffix(200).reversed()
        let base = consultations.settings.publicURL ?? "http://\(request.head.authority ?? "localhost")"
        let selfURL = "\(base)/feeds/plans/\(planId).atom"
        let updated = items.first?.at ?? plan.updatedAt
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" + #"<feed xmlns="http://www.w3.org/2005/Atom">"#
        xml += "<id>\(XML.escape(selfURL))</id><title>\(XML.escape("Miestas: \(plan.title)"))</title>"
        xml += "<updated>\(JSONText.time(updated))</updated>"
        xml += #"<link rel="self" type="application/atom+xml" href="\#(XML.escape(selfURL))"/>"#
        xml += #"<link rel="alternate" href="\#(XML.escape("\(base)/api/v1/plans/\(planId)"))"/>"#
        xml += "<author><name>\(XML.escape(plan.organiser.isEmpty ? "Miestas" : plan.organiser))</name></author>"
        for e in items {
            let (title, text) = Self.describe(e, plan: plan)
            xml += "<entry><id>\(XML.escape("\(base)/api/v1/plans/\(planId)/audit#\(e.id)"))</id>"
            xml += "<title>\(XML.escape(title))</title><updated>\(JSONText.time(e.at))</updated>"
            xml += #"<link rel="alternate" href="\#(XML.escape("\(base)/api/v1/plans/\(planId)/comments"))"/>"#
            xml += #"<content type="text">\#(XML.escape(text))</content></entry>"#
        }
        xml += "</feed>\n"
        return Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    static func describe(_ e: AuditEntry, plan: Plan) -> (String, String) {
        let after = (try? JSONSerialization.jsonObject(with: Data(e.after.utf8))) as? [String: Any] ?? [:]
        switch e.action {
        case "answer published":
            let decision = (after["decision"] as? String ?? "").replacingOccurrences(of: "_", with: " ")
            return ("Answer to \(e.subject): \(decision)", after["reasoning"] as? String ?? "")
        case "stage changed":
            return ("\(plan.title): \(after["stage"] as? String ?? "")", "The plan moved to the \(after["stage"] as? String ?? "") stage.")
        case "version published":
            return ("\(plan.title): version \(after["number"].map { "\($0)" } ?? "")", after["note"] as? String ?? "")
        default:
            return ("\(plan.title): \(e.action)", e.action)
        }
    }
}
