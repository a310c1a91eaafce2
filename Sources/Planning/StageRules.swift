import Foundation
import Store

/// One allowed move between stages: who may make it and what must hold first.
public struct StageTransition: Sendable, Hashable {
    public var from: PlanStage
    public var to: PlanStage
    public var who: Set<StaffUser.Role>
    /// The preconditions, in words (the API documents them; `StageRules.check` enforces them).
    public var requires: String
}

/// What the preconditions look at, gathered by `Consultations` before a transition.
public struct TransitionFacts: Sendable {
    public var now: Date
    public var versionCount: Int
    /// Objections and proposals (not hidden, not duplicates) without a published answer.
    public var unanswered: Int
    /// Comments still waiting for moderation.
    public var pending: Int
    public var hasMinutes: Bool
    public var minimumDays: Double
    public init(now: Date, versionCount: Int, unanswered: Int, pending: Int, hasMinutes: Bool, minimumDays: Double) {
        self.now = now; self.versionCount = versionCount; self.unanswered = unanswered; self.pending = pending
        self.hasMinutes = hasMinutes; self.minimumDays = minimumDays
    }
}

/// The stage machine of a territorial plan:
/// draft → consultation → hearing → answering → revised → submitted → approved | rejected → archived.
public enum StageRules {
    public static let transitions: [StageTransition] = [
        StageTransition(from: .draft, to: .consultation, who: [.planner, .admin],
                        requires: "a published version; a consultation start and end at least the minimum length apart, the end still ahead"),
        StageTransition(from: .consultation, to: .hearing, who: [.planner, .admin],
                        requires: "the consultation window has closed; the hearing's date and place"),
        StageTransition(from: .hearing, to: .answering, who: [.planner, .admin],
                        requires: "the hearing's minutes are attached (an attachment with role 'minutes')"),
        StageTransition(from: .answering, to: .revised, who: [.planner, .admin],
                        requires: "no comment awaits moderation; every objection and proposal has a published answer; a version newer than the one consulted on"),
        StageTransition(from: .revised, to: .submitted, who: [.planner, .admin], requires: "nothing more"),
        StageTransition(from: .submitted, to: .approved, who: [.admin], requires: "the approving body's decision, recorded by an admin"),
        StageTransition(from: .submitted, to: .rejected, who: [.admin], requires: "the approving body's decision, recorded by an admin"),
        StageTransition(from: .approved, to: .archived, who: [.planner, .admin], requires: "nothing more"),
        StageTransition(from: .rejected, to: .archived, who: [.planner, .admin], requires: "nothing more"),
    ]

    public static func transition(from: PlanStage, to: PlanStage) -> StageTransition? {
        transitions.first { $0.from == from && $0.to == to }
    }

    /// Refuses the move of `plan` to `to` by `actor` with the reason: `.conflict` for a move
    /// the stage or the facts do not allow, `.forbidden` for the wrong role, `.invalid` for
    /// missing stage data.
    public static func check(_ plan: Plan, to: PlanStage, by actor: PlanActor, hearing: Hearing?, facts: TransitionFacts) throws {
        guard let t = transition(from: plan.stage, to: to) else {
            let next = transitions.filter { $0.from == plan.stage }.map(\.to.rawValue)
            let options = next.isEmpty ? "none: it is the last stage" : next.joined(separator: " or ")
            throw PlanningError.conflict("a plan in the \(plan.stage.rawValue) stage cannot move to \(to.rawValue); it can move to: \(options)")
        }
        guard let role = actor.role, t.who.contains(role) else {
            let who = t.who.map(\.rawValue).sorted().joined(separator: ", ")
            if actor.role == nil { throw PlanningError.signInRequired("sign in: moving a plan to \(to.rawValue) takes one of: \(who)") }
            throw PlanningError.forbidden("a \(actor.audience.rawValue) may not move a plan to \(to.rawValue); it takes one of: \(who)")
        }
        switch to {
        case .consultation:
            guard facts.versionCount > 0 else { throw PlanningError.conflict("publish a version of the plan before opening its consultation") }
            guard let window = plan.window else { throw PlanningError.conflict("set the consultation's start and end before opening it") }
            do { try window.validate(minimumDays: facts.minimumDays) } catch let e as PlanningError { throw PlanningError.conflict(e.description) }
            guard window.end > facts.now else {
                throw PlanningError.conflict("the consultation's end (\(ISO8601DateFormatter().string(from: window.end))) has passed; set a new window")
            }
        case .hearing:
            guard let window = plan.window, window.state(at: facts.now) == .closed else {
                let end = plan.consultationEnd.map { ISO8601DateFormatter().string(from: $0) } ?? "its end"
                throw PlanningError.conflict("the consultation is still open until \(end); the hearing comes after it closes")
            }
            guard let hearing else { throw PlanningError.invalid("a hearing needs its \"date\" (ISO 8601) and \"place\"") }
            guard !hearing.place.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw PlanningError.invalid("the hearing's place must not be empty")
            }
        case .answering:
            guard facts.hasMinutes else {
                throw PlanningError.conflict("attach the hearing's minutes (POST /api/v1/plans/\(plan.id)/attachments?role=minutes) before moving to answering")
            }
        case .revised:
            guard facts.pending == 0 else {
                throw PlanningError.conflict("\(facts.pending) comment\(facts.pending == 1 ? " awaits" : "s await") moderation; publish or hide \(facts.pending == 1 ? "it" : "them") first")
            }
            guard facts.unanswered == 0 else {
                throw PlanningError.conflict("\(facts.unanswered) objection\(facts.unanswered == 1 ? "" : "s") or proposal\(facts.unanswered == 1 ? "" : "s") still lack\(facts.unanswered == 1 ? "s" : "") a published answer; the plan cannot leave answering")
            }
            guard facts.versionCount > (plan.consultedVersion ?? 0) else {
                throw PlanningError.conflict("publish the revised version (POST /api/v1/plans/\(plan.id)/versions) before moving to revised")
            }
        default: break
        }
    }

    /// Stages in which staff may moderate comments, draft and publish answers.
    public static let answeringStages: Set<PlanStage> = [.consultation, .hearing, .answering]
    /// Stages in which a new version may be published.
    public static let versionStages: Set<PlanStage> = [.draft, .answering, .revised]
    /// Stages in which the plan's text and area may be edited.
    public static let editableStages: Set<PlanStage> = [.draft, .answering, .revised]
}
