import Store

/// Who is acting: a resident (no account) or a signed-in staff member.
public struct PlanActor: Sendable, Hashable {
    public var username: String?
    public var role: StaffUser.Role?

    public static let resident = PlanActor(username: nil, role: nil)
    public static func staff(_ user: StaffUser) -> PlanActor { PlanActor(username: user.username, role: user.role) }
    public init(username: String?, role: StaffUser.Role?) { self.username = username; self.role = role }

    /// The audience this actor belongs to in the authorization table.
    public var audience: Audience {
        switch role {
        case nil: .resident
        // A petitions moderator has no planning role beyond any staff member's.
        case .staff, .moderator: .staff
        case .planner: .planner
        case .architect: .architect
        case .admin: .admin
        }
    }

    /// The name written in the audit log.
    public var auditName: String { username ?? "resident" }
}
