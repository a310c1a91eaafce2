import JSONText
import Store

/// Counts for the public register and the consultation report: published comments by kind,
/// published answers by decision, and how many objections and proposals still await one.
public struct RegisterStatistics: Sendable, Hashable {
    public var published = 0
    public var hidden = 0
    public var duplicates = 0
    public var byKind: [CommentKind: Int] = [:]
    public var byDecision: [AnswerDecision: Int] = [:]
    public var answered = 0
    public var awaitingAnswer = 0

    public init(_ comments: [PlanComment]) {
        for c in comments {
            switch c.status {
            case .hidden: hidden += 1; continue
            case .pending: continue
            case .published: published += 1
            }
            byKind[c.kind, default: 0] += 1
            if c.duplicateOf != nil { duplicates += 1 }
            if let a = c.answer, a.publishedAt != nil {
                answered += 1
                byDecision[a.decision, default: 0] += 1
            } else if c.kind.needsAnswer && c.duplicateOf == nil {
                awaitingAnswer += 1
            }
        }
    }

    public var json: String {
        let kinds = JSONText.object([
            "objection": String(byKind[.objection] ?? 0), "proposal": String(byKind[.proposal] ?? 0),
            "support": String(byKind[.support] ?? 0), "question": String(byKind[.question] ?? 0)])
        let decisions = JSONText.object([
            "accepted": String(byDecision[.accepted] ?? 0), "partly_accepted": String(byDecision[.partlyAccepted] ?? 0),
            "rejected": String(byDecision[.rejected] ?? 0), "not_applicable": String(byDecision[.notApplicable] ?? 0)])
        return JSONText.object(["published": String(published), "hidden": String(hidden), "duplicates": String(duplicates),
                                "answered": String(answered), "awaiting_answer": String(awaitingAnswer),
                                "by_kind": kinds, "by_decision": decisions])
    }
}
