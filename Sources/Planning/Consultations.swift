import Crypto
import Foundation
import Geo
import Messages
import Store

/// The planning service: every request about plans goes through here, which checks the
/// authorization table, the stage rules and the input, and then hands one write (with its
/// audit entries) to the store. Handlers only translate HTTP to these calls.
public struct Consultations: Sendable {
    public let store: any PlanningStore
    public let users: any UserStore
    public let media: MediaLibrary
    public let settings: PlanningSettings
    let clock: @Sendable () -> Date
    let registerCache = RegisterCache()

    public init(store: any PlanningStore, users: any UserStore, media: MediaLibrary, settings: PlanningSettings = .init(),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store; self.users = users; self.media = media; self.settings = settings; self.clock = clock
    }

    public var now: Date { clock() }

    // MARK: Plans

    public func createPlan(_ input: PlanInput, by actor: PlanActor) async throws -> Plan {
        try Authorization.check(actor, .createPlan)
        let title = try Self.text(input.title, field: "title", max: 300)
        let description = try Self.text(input.description ?? "", field: "description", max: 20_000, required: false)
        let organiser = try Self.text(input.organiser ?? "", field: "organiser", max: 300, required: false)
        let kind = try Self.parse(PlanKind.self, input.kind, field: "kind")
        let moderation = try input.moderation.map { try Self.parse(ModerationMode.self, $0, field: "moderation") } ?? .post
        let area = try GeometryInput.area(input.area)
        let architects = try await validArchitects(input.architects ?? [])
        var window: ConsultationWindow? = nil
        if let times = input.consultation {
            window = try ISOTime.window(times)
            try window!.validate(minimumDays: settings.minConsultationDays)
        }
        let at = now
        let plan = NewPlan(title: title, description: description, kind: kind, organiser: organiser, planner: actor.auditName,
                           architects: architects, area: area, moderation: moderation, consultationStart: window?.start,
                           consultationEnd: window?.end)
        let audit = AuditRecord(planId: nil, actor: actor.auditName, action: "plan created", subject: "plan",
                                after: .object(["title": .string(title), "kind": .string(kind.rawValue), "stage": .string("draft"),
                                                "architects": .array(architects.sorted().map(JSONValue.string)),
                                                "moderation": .string(moderation.rawValue), "area_sha256": .string(Self.sha256(area)),
                                                "consultation": Self.json(window)]),
                                at: at)
        do { return try await store.createPlan(plan, audit: audit) } catch { throw PlanningError.from(error) }
    }

    public func plans() async throws -> [Plan] {
        let all: [Plan]
        do { all = try await store.plans() } catch { throw PlanningError.from(error) }
        var out: [Plan] = []
        for p in all { out.append(try await observed(p)) }
        return out
    }

    /// The plan, with any window change the clock has made since it was last looked at
    /// recorded in the audit log first.
    public func plan(id: Int64) async throws -> Plan {
        let found: Plan?
        do { found = try await store.plan(id: id) } catch { throw PlanningError.from(error) }
        guard let found else { throw PlanningError.notFound(.planNotFound, ["id": .number(id)]) }
        return try await observed(found)
    }

    public func update(planId: Int64, _ patch: PlanPatch, by actor: PlanActor) async throws -> Plan {
        try Authorization.check(actor, .editPlan)
        let plan = try await plan(id: planId)
        guard plan.stage != .archived else { throw PlanningError.conflict(.archivedPlanCannotChange) }
        var updated = plan
        var before: [String: JSONValue] = [:], after: [String: JSONValue] = [:]
        let touchesDocument = patch.title != nil || patch.description != nil || patch.kind != nil || patch.area != nil
        if touchesDocument && !StageRules.editableStages.contains(plan.stage) {
            throw PlanningError.conflict(.documentFixedInStage, ["stage": .term(plan.stage)])
        }
        if let t = patch.title {
            updated.title = try Self.text(t, field: "title", max: 300)
            before["title"] = .string(plan.title); after["title"] = .string(updated.title)
        }
        if let d = patch.description {
            updated.description = try Self.text(d, field: "description", max: 20_000, required: false)
            before["description"] = .string(plan.description); after["description"] = .string(updated.description)
        }
        if let k = patch.kind {
            updated.kind = try Self.parse(PlanKind.self, k, field: "kind")
            before["kind"] = .string(plan.kind.rawValue); after["kind"] = .string(updated.kind.rawValue)
        }
        if let o = patch.organiser {
            updated.organiser = try Self.text(o, field: "organiser", max: 300, required: false)
            before["organiser"] = .string(plan.organiser); after["organiser"] = .string(updated.organiser)
        }
        if let m = patch.moderation {
            updated.moderation = try Self.parse(ModerationMode.self, m, field: "moderation")
            before["moderation"] = .string(plan.moderation.rawValue); after["moderation"] = .string(updated.moderation.rawValue)
        }
        if let a = patch.area {
            updated.area = try GeometryInput.area(a)
            before["area_sha256"] = .string(Self.sha256(plan.area)); after["area_sha256"] = .string(Self.sha256(updated.area))
        }
        if let names = patch.architects {
            guard [.draft, .consultation, .hearing, .answering, .revised].contains(plan.stage) else {
                throw PlanningError.conflict(.architectsFixedAfterSubmission, ["stage": .term(plan.stage)])
            }
            updated.architects = try await validArchitects(names)
            before["architects"] = .array(plan.architects.sorted().map(JSONValue.string))
            after["architects"] = .array(updated.architects.sorted().map(JSONValue.string))
        }
        if let times = patch.consultation {
            guard plan.stage == .draft else {
                throw PlanningError.conflict(.windowFixedOnceOpened, ["stage": .term(plan.stage)])
            }
            let window = try ISOTime.window(times)
            try window.validate(minimumDays: settings.minConsultationDays)
            updated.consultationStart = window.start; updated.consultationEnd = window.end
            before["consultation"] = Self.json(plan.window); after["consultation"] = Self.json(window)
        }
        guard !after.isEmpty else { return plan }
        let at = now
        updated.updatedAt = at
        let audit = AuditRecord(planId: plan.id, actor: actor.auditName, action: "plan edited", subject: "plan \(plan.id)",
                                before: .object(before), after: .object(after), at: at)
        do { return try await store.updatePlan(updated, expectedRevision: plan.revision, audit: [audit]) } catch { throw PlanningError.from(error) }
    }

    // MARK: Versions

    public func addVersion(planId: Int64, _ input: VersionInput, by actor: PlanActor) async throws -> PlanVersion {
        try Authorization.check(actor, .addVersion)
        let plan = try await plan(id: planId)
        guard StageRules.versionStages.contains(plan.stage) else {
            throw PlanningError.conflict(.versionNotInStage, ["stage": .term(plan.stage)])
        }
        let note = try Self.text(input.note ?? "", field: "note", max: 2_000, required: false)
        let at = now
        let audit = AuditRecord(planId: plan.id, actor: actor.auditName, action: "version published", subject: "plan \(plan.id)",
                                after: .object(["title": .string(plan.title), "note": .string(note),
                                                "area_sha256": .string(Self.sha256(plan.area))]), at: at)
        do {
            return try await store.addVersion(planId: plan.id, note: note, createdBy: actor.auditName, at: at,
                                              expectedRevision: plan.revision, audit: audit)
        } catch { throw PlanningError.from(error) }
    }

    public func versions(planId: Int64) async throws -> [PlanVersion] {
        _ = try await plan(id: planId)
        do { return try await store.versions(planId: planId) } catch { throw PlanningError.from(error) }
    }

    // MARK: Stages

    public func transition(planId: Int64, _ input: TransitionInput, by actor: PlanActor) async throws -> Plan {
        try Authorization.check(actor, .transition)
        guard let to = PlanStage(rawValue: input.to) else {
            throw PlanningError.invalid(.unknownStage, ["stages": .terms(PlanStage.allCases)])
        }
        let plan = try await plan(id: planId)
        var hearing: Hearing? = nil
        if to == .hearing, input.date != nil || input.place != nil {
            guard let text = input.date, let date = ISOTime.parse(text) else {
                throw PlanningError.invalid(.hearingDateFormat)
            }
            hearing = Hearing(date: date, place: try Self.text(input.place ?? "", field: "place", max: 500))
        }
        let at = now
        let facts: TransitionFacts
        do {
            let comments = try await store.comments(planId: planId, publishedOnly: false, includeHidden: true)
            let attachments = try await store.attachments(planId: planId)
            let versions = try await store.versions(planId: planId)
            facts = TransitionFacts(now: at, versionCount: versions.count, unanswered: Self.unanswered(comments).count,
                                    pending: comments.filter { $0.status == .pending }.count,
                                    hasMinutes: attachments.contains { $0.role == .minutes },
                                    minimumDays: settings.minConsultationDays)
        } catch { throw PlanningError.from(error) }
        try StageRules.check(plan, to: to, by: actor, hearing: hearing, facts: facts)

        var updated = plan
        updated.stage = to
        updated.updatedAt = at
        var after: [String: JSONValue] = ["stage": .string(to.rawValue)]
        if to == .consultation {
            updated.consultedVersion = facts.versionCount
            updated.windowState = plan.window?.state(at: at)
            after["version"] = .integer(Int64(facts.versionCount))
            after["consultation"] = Self.json(plan.window)
            after["window"] = .string(updated.windowState?.rawValue ?? "")
        }
        if let hearing {
            updated.hearing = hearing
            after["hearing"] = .object(["date": .string(ISOTime.format(hearing.date)), "place": .string(hearing.place)])
        }
        let audit = AuditRecord(planId: plan.id, actor: actor.auditName, action: "stage changed", subject: "plan \(plan.id)",
                                before: .object(["stage": .string(plan.stage.rawValue)]), after: .object(after), at: at)
        do { return try await store.updatePlan(updated, expectedRevision: plan.revision, audit: [audit]) } catch { throw PlanningError.from(error) }
    }

    /// Records the window changes the clock has made on every plan in consultation (the
    /// server runs this periodically, so the log shows the opening and closing on time even
    /// when nobody looks at the plan).
    public func observeWindows() async throws {
        _ = try await plans()
    }

    /// Brings the recorded window state of `plan` up to the clock: "consultation opened" and
    /// "consultation closed" entries by the actor `system`. Another request recording the same
    /// change first is fine: the plan is read again.
    func observed(_ plan: Plan) async throws -> Plan {
        guard plan.stage == .consultation, let window = plan.window else { return plan }
        let at = now
        let order: [WindowState] = [.upcoming, .open, .closed]
        let from = plan.windowState.flatMap { order.firstIndex(of: $0) } ?? 0
        let to = order.firstIndex(of: window.state(at: at))!
        guard to > from else { return plan }
        var records: [AuditRecord] = []
        for step in (from + 1)...to {
            let opened = order[step] == .open
            records.append(AuditRecord(planId: plan.id, actor: "system", action: opened ? "consultation opened" : "consultation closed",
                                       subject: "plan \(plan.id)", before: .object(["window": .string(order[step - 1].rawValue)]),
                                       after: .object(["window": .string(order[step].rawValue),
                                                       "scheduled_at": .string(ISOTime.format(opened ? window.start : window.end))]),
                                       at: at))
        }
        var updated = plan
        updated.windowState = order[to]
        updated.updatedAt = at
        do {
            return try await store.updatePlan(updated, expectedRevision: plan.revision, audit: records)
        } catch {
            let failure = PlanningError.from(error)
            guard case .conflict = failure else { throw failure }
        }
        // Another request changed the plan first (perhaps recording this very change): read it again.
        let again: Plan?
        do { again = try await store.plan(id: plan.id) } catch { throw PlanningError.from(error) }
        guard let again else { throw PlanningError.notFound(.planNotFound, ["id": .number(plan.id)]) }
        return again
    }

    // MARK: Helpers

    /// Objections and proposals, neither hidden nor marked duplicates, without a published answer.
    public static func unanswered(_ comments: [PlanComment]) -> [PlanComment] {
        comments.filter { $0.kind.needsAnswer && $0.status != .hidden && $0.duplicateOf == nil && $0.answer?.publishedAt == nil }
    }

    func validArchitects(_ names: [String]) async throws -> [String] {
        guard !names.isEmpty else { return [] }
        let known: [StaffUser]
        do { known = try await users.users() } catch { throw PlanningError.from(error) }
        for name in names {
            guard let user = known.first(where: { $0.username == name && $0.disabledAt == nil }) else {
                throw PlanningError.invalid(.noSuchArchitect, ["name": .text(name)])
            }
            guard user.role == .architect else { throw PlanningError.invalid(.notAnArchitect, ["name": .text(name), "role": .term(user.role)]) }
        }
        return Array(Set(names)).sorted()
    }

    static func text(_ value: String, field: String, max: Int, required: Bool = true) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && trimmed.isEmpty { throw PlanningError.invalid(.fieldEmpty, ["field": .field(field)]) }
        guard trimmed.count <= max else { throw PlanningError.invalid(.fieldTooLong, ["field": .field(field), "length": .number(trimmed.count), "max": .number(max)]) }
        return trimmed
    }

    static func parse<T: MessageTerm & CaseIterable>(_ type: T.Type, _ value: String, field: String) throws -> T {
        guard let v = T(rawValue: value) else {
            throw PlanningError.invalid(.fieldNotOneOf, ["field": .field(field), "values": .terms(T.allCases)])
        }
        return v
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).hex
    }

    static func sha256(_ geometry: Geometry) -> String {
        SHA256.hash(data: WKB.encode(geometry)).hex
    }

    static func json(_ window: ConsultationWindow?) -> JSONValue {
        guard let window else { return .null }
        return .object(["start": .string(ISOTime.format(window.start)), "end": .string(ISOTime.format(window.end))])
    }
}
