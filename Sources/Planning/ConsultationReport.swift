import CSV
import Foundation
import JSONText
import Store

/// The statutory report of a consultation: the plan, every published comment with its
/// published answer, hidden comments with their reasons, and the statistics. The same
/// content as JSON, CSV (one row per comment) and PDF (`ReportPDF`).
public struct ConsultationReport: Sendable {
    public var plan: Plan
    public var versions: [PlanVersion]
    public var comments: [PlanComment]
    public var statistics: RegisterStatistics
    public var generatedAt: Date

    public init(plan: Plan, versions: [PlanVersion], comments: [PlanComment], generatedAt: Date) {
        self.plan = plan; self.versions = versions; self.comments = comments
        self.statistics = RegisterStatistics(comments); self.generatedAt = generatedAt
    }

    public var json: String {
        JSONText.object([
            "generated_at": JSONText.quote(JSONText.time(generatedAt)),
            "plan": PlanDocuments.plan(plan, at: generatedAt),
            "versions": JSONText.array(versions.map(PlanDocuments.version)),
            "statistics": statistics.json,
            "comments": JSONText.array(comments.map { PlanDocuments.comment($0) }),
        ])
    }

    public static let csvColumns = ["comment_id", "version", "created_at", "kind", "status", "name", "text", "location",
                                    "duplicate_of", "hidden_reason", "decision", "reasoning", "architect", "answered_at"]

    /// One row per comment; a hidden comment's name and text stay out, as on the register.
    public var csv: String {
        var out = CSV.line(Self.csvColumns)
        for c in comments {
            let hidden = c.status == .hidden
            let a = c.answer?.publishedAt == nil ? nil : c.answer
            out += CSV.line([String(c.id), String(c.version), JSONText.time(c.createdAt), c.kind.rawValue, c.status.rawValue,
                             hidden ? "" : c.name, hidden ? "" : c.text, hidden ? "" : (c.locationGeoJSON ?? ""),
                             c.duplicateOf.map(String.init) ?? "", c.hiddenReason ?? "", a?.decision.rawValue ?? "",
                             a?.reasoning ?? "", a?.architect ?? "", a?.publishedAt.map(JSONText.time) ?? ""])
        }
        return out
    }
}

extension Consultations {
    public func report(planId: Int64) async throws -> ConsultationReport {
        let (plan, comments) = try await register(planId: planId)
        let versions: [PlanVersion]
        do { versions = try await store.versions(planId: planId) } catch { throw PlanningError.from(error) }
        return ConsultationReport(plan: plan, versions: versions, comments: comments, generatedAt: now)
    }
}
