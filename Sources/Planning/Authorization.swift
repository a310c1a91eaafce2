import Messages
import Store

/// Everyone who may call the planning API: residents (no login) and the staff roles.
public enum Audience: String, Sendable, CaseIterable, Hashable {
    case resident, staff, planner, architect, admin
}

/// What can be done with plans, one case per kind of request.
public enum PlanAction: String, Sendable, CaseIterable, Hashable {
    case listPlans, readPlan, createPlan, editPlan
    case listVersions, addVersion
    case transition
    case listAttachments, readAttachment, uploadAttachment
    case readRegister, readAllComments, submitComment, readCommentAttachment
    case moderate, answer, publishAnswers
    case readReport, readAudit, readFeed
}

/// The authorization table: for every action, who may take it. This is the one place where
/// roles meet actions; handlers ask `Authorization.allows` and nothing else. Finer rules that
/// depend on the data (an architect must be assigned to the plan; only an admin approves)
/// live beside the data they read (`Answers`, `StageRules`).
public enum Authorization {
    static let everyone = Set(Audience.allCases)

    public static let table: [PlanAction: Set<Audience>] = [
        .listPlans: everyone,
        .readPlan: everyone,
        .createPlan: [.planner, .admin],
        .editPlan: [.planner, .admin],
        .listVersions: everyone,
        .addVersion: [.planner, .admin],
        .transition: [.planner, .admin],
        .listAttachments: everyone,
        .readAttachment: everyone,
        .uploadAttachment: [.planner, .admin],
        .readRegister: everyone,
        // Pending comments and draft answers, for the people who moderate and answer them.
        .readAllComments: [.planner, .architect, .admin],
        .submitComment: everyone,
        .readCommentAttachment: everyone,
        .moderate: [.planner, .admin],
        // Only the plan's own architects; `Answers` checks the assignment.
        .answer: [.architect],
        .publishAnswers: [.planner, .admin],
        .readReport: everyone,
        .readAudit: everyone,
        .readFeed: everyone,
    ]

    public static func allows(_ audience: Audience, _ action: PlanAction) -> Bool {
        table[action]?.contains(audience) ?? false
    }

    /// The staff roles that may take `action` (for the bearer-token check), and whether a
    /// resident without a login may.
    public static func roles(for action: PlanAction) -> (residents: Bool, roles: Set<StaffUser.Role>) {
        let who = table[action] ?? []
        var roles: Set<StaffUser.Role> = []
        for a in who {
            switch a {
            case .resident: break
            case .staff: roles.insert(.staff)
            case .planner: roles.insert(.planner)
            case .architect: roles.insert(.architect)
            case .admin: roles.insert(.admin)
            }
        }
        return (who.contains(.resident), roles)
    }

    /// Throws the right refusal for `actor` and `action`.
    public static func check(_ actor: PlanActor, _ action: PlanAction) throws {
        guard !allows(actor.audience, action) else { return }
        let who = MessageArgument.terms((table[action] ?? []).sorted { $0.rawValue < $1.rawValue })
        if actor.role == nil { throw PlanningError.signInRequired(.signInRequired, ["roles": who]) }
        throw PlanningError.forbidden(.forbiddenForAudience, ["audience": .term(actor.audience), "roles": who])
    }
}
