import Foundation
import Messages
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
            let next = transitions.filter { $0.from == plan.stage }.map(\.to)
            if next.isEmpty { throw PlanningError.conflict(.stageIsLast, ["from": .term(plan.stage), "to": .term(to)]) }
            throw PlanningError.conflict(.stageMoveNotAllowed, ["from": .term(plan.stage), "to": .term(to), "options": .terms(next)])
        }
        guard let role = actor.role, t.who.contains(role) else {
            let who = MessageArgument.terms(t.who.sorted { $0.rawValue < $1.rawValue })
            if actor.role == nil { throw PlanningError.signInRequired(.stageMoveSignIn, ["to": .term(to), "roles": who]) }
            throw PlanningError.forbidden(.stageMoveForbidden, ["audience": .term(actor.audience), "to": .term(to), "roles": who])
        }
        switch to {
        case .consultation:
            guard facts.versionCount > 0 else { throw PlanningError.conflict(.versionBeforeConsultation) }
            guard let window = plan.window else { throw PlanningError.conflict(.windowBeforeConsultation) }
            do { try window.validate(minimumDays: facts.minimumDays) } catch let e as PlanningError { throw PlanningError.conflict(e.message) }
            guard window.end > facts.now else {
                throw PlanningError.conflict(.windowEndPassed, ["end": .text(ISO8601DateFormatter().string(from: window.end))])
            }
        case .hearing:
            guard let window = plan.window, window.state(at: facts.now) == .closed else {
                guard let end = plan.consultationEnd else { throw PlanningError.conflict(.consultationStillOpenNoEnd) }
                throw PlanningError.conflict(.consultationStillOpen, ["end": .text(ISO8601DateFormatter().string(from: end))])
            }
            guard let hearing else { throw PlanningError.invalid(.hearingNeedsDatePlace) }
            guard !hearing.place.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw PlanningError.invalid(.hearingPlaceEmpty)
            }
        case .answering:
            guard facts.hasMinutes else {
                throw PlanningError.conflict(.minutesBeforeAnswering, ["id": .number(plan.id)])
            }
        case .revised:
            guard facts.pending == 0 else {
                throw PlanningError.conflict(.commentsAwaitModeration, ["count": .number(facts.pending)])
            }
            guard facts.unanswered == 0 else {
                throw PlanningError.conflict(.answersMissing, ["count": .number(facts.unanswered)])
            }
            guard facts.versionCount > (plan.consultedVersion ?? 0) else {
                throw PlanningError.conflict(.revisedVersionMissing, ["id": .number(plan.id)])
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
