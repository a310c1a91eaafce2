import Foundation
import Geo
import Messages
import Planning
import Store
import Testing

@Suite struct StageRuleTests {
    func plan(_ stage: PlanStage, start: Date? = Date(timeIntervalSince1970: 0), end: Date? = Date(timeIntervalSince1970: 20 * 86_400)) -> Plan {
        Plan(id: 1, title: "t", description: "", kind: .detailed, organiser: "", planner: "rasa", architects: ["tomas"],
             area: .multiPolygon([]), stage: stage, moderation: .post, consultationStart: start, consultationEnd: end,
             windowState: nil, hearing: nil, consultedVersion: 1, revision: 1, createdAt: Date(), updatedAt: Date())
    }

    func facts(now: Double = 1, versions: Int = 1, unanswered: Int = 0, pending: Int = 0, minutes: Bool = true, minimumDays: Double = 10) -> TransitionFacts {
        TransitionFacts(now: Date(timeIntervalSince1970: now * 86_400), versionCount: versions, unanswered: unanswered, pending: pending,
                        hasMinutes: minutes, minimumDays: minimumDays)
    }

    let planner = PlanActor(username: "rasa", role: .planner)
    let admin = PlanActor(username: "vadovas", role: .admin)
    let architect = PlanActor(username: "tomas", role: .architect)

    func error(_ body: () throws -> Void) -> PlanningError? {
        do { try body(); return nil } catch { return error as? PlanningError }
    }

    @Test func theStagesFormOneChainWithTwoEndings() {
        var stage = PlanStage.draft
        var path = [stage]
        while let next = StageRules.transitions.first(where: { $0.from == stage && $0.to != .rejected }) {
            stage = next.to
            path.append(stage)
        }
        #expect(path == [.draft, .consultation, .hearing, .answering, .revised, .submitted, .approved, .archived])
        #expect(StageRules.transition(from: .submitted, to: .rejected)?.who == [.admin])
        #expect(StageRules.transition(from: .draft, to: .hearing) == nil)
    }

    @Test func openingNeedsAVersionAWindowOfTheMinimumLengthAndAFutureEnd() {
        #expect(error { try StageRules.check(plan(.draft), to: .consultation, by: planner, hearing: nil, facts: facts()) } == nil)
        #expect(error { try StageRules.check(plan(.draft), to: .consultation, by: planner, hearing: nil, facts: facts(versions: 0)) }?.isConflict == true)
        #expect(error { try StageRules.check(plan(.draft, start: nil, end: nil), to: .consultation, by: planner, hearing: nil, facts: facts()) }?.isConflict == true)
        let short = plan(.draft, start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 9 * 86_400))
        let e = error { try StageRules.check(short, to: .consultation, by: planner, hearing: nil, facts: facts()) }
        #expect(e?.isConflict == true)
        #expect(e?.description.contains("at least 10 days") == true)
        // 0 days allowed when the setting says so.
        #expect(error { try StageRules.check(short, to: .consultation, by: planner, hearing: nil, facts: facts(minimumDays: 0)) } == nil)
        #expect(error { try StageRules.check(plan(.draft), to: .consultation, by: planner, hearing: nil, facts: facts(now: 30)) }?.isConflict == true)
    }

    @Test func whoMayMoveAPlan() {
        #expect(error { try StageRules.check(plan(.draft), to: .consultation, by: architect, hearing: nil, facts: facts()) }?.isForbidden == true)
        #expect(error { try StageRules.check(plan(.draft), to: .consultation, by: .resident, hearing: nil, facts: facts()) }?.description == "sign in: moving a plan to consultation takes one of: admin, planner")
        #expect(error { try StageRules.check(plan(.submitted), to: .approved, by: planner, hearing: nil, facts: facts()) }?.isForbidden == true)
        #expect(error { try StageRules.check(plan(.submitted), to: .approved, by: admin, hearing: nil, facts: facts()) } == nil)
    }

    @Test func theHearingComesAfterTheWindowClosesAndNeedsADateAndPlace() {
        let hearing = Hearing(date: Date(timeIntervalSince1970: 25 * 86_400), place: "Rotušė")
        #expect(error { try StageRules.check(plan(.consultation), to: .hearing, by: planner, hearing: hearing, facts: facts(now: 5)) }?.isConflict == true)
        #expect(error { try StageRules.check(plan(.consultation), to: .hearing, by: planner, hearing: nil, facts: facts(now: 21)) }?.isInvalid == true)
        #expect(error { try StageRules.check(plan(.consultation), to: .hearing, by: planner, hearing: hearing, facts: facts(now: 21)) } == nil)
        #expect(error { try StageRules.check(plan(.hearing), to: .answering, by: planner, hearing: nil, facts: facts(minutes: false)) }?.isConflict == true)
    }

    @Test func answeringCannotBeLeftWithUnansweredObjectionsOrPendingCommentsOrWithoutARevision() {
        let e = error { try StageRules.check(plan(.answering), to: .revised, by: planner, hearing: nil, facts: facts(versions: 2, unanswered: 1)) }
        #expect(e?.isConflict == true)
        #expect(e?.description.contains("still lacking a published answer: 1") == true)
        #expect(error { try StageRules.check(plan(.answering), to: .revised, by: planner, hearing: nil, facts: facts(versions: 2, pending: 2)) }?.isConflict == true)
        #expect(error { try StageRules.check(plan(.answering), to: .revised, by: planner, hearing: nil, facts: facts(versions: 1)) }?.isConflict == true)
        #expect(error { try StageRules.check(plan(.answering), to: .revised, by: planner, hearing: nil, facts: facts(versions: 2)) } == nil)
    }

    @Test func theWindowIsReadFromTheClock() throws {
        let w = ConsultationWindow(start: Date(timeIntervalSince1970: 100), end: Date(timeIntervalSince1970: 200))
        #expect(w.state(at: Date(timeIntervalSince1970: 99.999)) == .upcoming)
        #expect(w.state(at: Date(timeIntervalSince1970: 100)) == .open)
        #expect(w.state(at: Date(timeIntervalSince1970: 199.999)) == .open)
        #expect(w.state(at: Date(timeIntervalSince1970: 200)) == .closed)
        #expect(throws: PlanningError.self) { try ConsultationWindow(start: Date(timeIntervalSince1970: 200), end: Date(timeIntervalSince1970: 100)).validate(minimumDays: 0) }
        var p = plan(.consultation, start: w.start, end: w.end)
        #expect(p.acceptsComments(at: Date(timeIntervalSince1970: 150)))
        #expect(!p.acceptsComments(at: Date(timeIntervalSince1970: 250)))
        #expect(p.commentRefusal(at: Date(timeIntervalSince1970: 250))?.description.contains("closed") == true)
        p.stage = .hearing
        #expect(!p.acceptsComments(at: Date(timeIntervalSince1970: 150)))
    }
}

@Suite struct AuthorizationTableTests {
    @Test func theTableCoversEveryActionAndKeepsResidentsToPublicOnes() {
        for action in PlanAction.allCases { #expect(Authorization.table[action] != nil, "\(action) has no rule") }
        #expect(Authorization.allows(.resident, .submitComment))
        #expect(!Authorization.allows(.resident, .moderate))
        #expect(!Authorization.allows(.planner, .answer))
        #expect(Authorization.allows(.architect, .answer))
        #expect(!Authorization.allows(.architect, .moderate))
        #expect(!Authorization.allows(.staff, .createPlan))
        #expect(throws: PlanningError.signInRequired(.signInRequired, ["roles": .terms([Audience.admin, .planner])])) { try Authorization.check(.resident, .moderate) }
        #expect(throws: PlanningError.self) { try Authorization.check(PlanActor(username: "x", role: .staff), .moderate) }
    }
}

@Suite struct ConsultationTests {
    @Test func commentsOnlyWhileTheWindowIsOpenAndTheOpeningAndClosingAreAudited() async throws {
        let f = try await PlanningFixture()
        defer { f.cleanUp() }
        let plan = try await f.openedPlan(days: 14)
        #expect(plan.stage == .consultation)
        #expect(plan.windowState == .upcoming)
        // Before the start: refused, though the stage is `consultation`.
        let early = await planningError { _ = try await f.comment(plan.id) }
        #expect(early?.isConflict == true)
        #expect(early?.description.contains("opens at") == true)
        f.clock.advance(days: 2)
        let c = try await f.comment(plan.id, location: PlanningFixture.point(23.935, 54.905))
        #expect(c.status == .published)
        #expect(c.version == 1)
        #expect(c.identityLevel == "email")
        // Far from the area: refused.
        let far = await planningError { _ = try await f.comment(plan.id, location: PlanningFixture.point(23.99, 54.95)) }
        #expect(far?.isInvalid == true)
        let long = await planningError { _ = try await f.comment(plan.id, text: String(repeating: "ą", count: 5_001)) }
        #expect(long?.isInvalid == true)
        // After the end: refused with nothing run at the end.
        f.clock.advance(days: 14)
        let late = await planningError { _ = try await f.comment(plan.id) }
        #expect(late?.description.contains("closed at") == true)
        let actions = try await f.store.auditEntries(planId: plan.id).map(\.action)
        #expect(actions == ["plan created", "version published", "stage changed", "consultation opened", "comment received", "consultation closed"])
        #expect(try await f.store.plan(id: plan.id)?.windowState == .closed)
    }

    @Test func theWholeProcedureWithModerationAnswersAndTheOutbox() async throws {
        let f = try await PlanningFixture(settings: PlanningSettings(minConsultationDays: 10))
        defer { f.cleanUp() }
        let plan = try await f.openedPlan(days: 10, moderation: "pre")
        f.clock.advance(days: 1.5)
        let objection = try await f.comment(plan.id, kind: "objection", text: "Nekirskite medžių Savanorių prospekte.")
        let proposal = try await f.comment(plan.id, kind: "proposal", text: "Įrenkite dviračių taką.")
        let spam = try await f.comment(plan.id, kind: "question", text: "Pirkite pigiai!")
        let copy = try await f.comment(plan.id, kind: "objection", text: "Nekirskite medžių!")
        #expect(objection.status == .pending)
        // Pending comments are not in the register and cannot be answered.
        #expect(try await f.consultations.register(planId: plan.id).comments.isEmpty)
        #expect(await planningError { _ = try await f.consultations.answer(commentId: objection.id, AnswerInput(decision: "accepted", reasoning: "x"), by: f.architect) }?.isConflict == true)
        for id in [objection.id, proposal.id] { _ = try await f.consultations.moderate(commentId: id, ModerationInput(action: "publish"), by: f.planner) }
        _ = try await f.consultations.moderate(commentId: spam.id, ModerationInput(action: "hide", reason: "Reklama"), by: f.planner)
        #expect(await planningError { _ = try await f.consultations.moderate(commentId: spam.id, ModerationInput(action: "hide"), by: f.planner) }?.isInvalid == true)
        _ = try await f.consultations.moderate(commentId: copy.id, ModerationInput(action: "duplicate", duplicate_of: objection.id), by: f.planner)
        _ = try await f.consultations.moderate(commentId: copy.id, ModerationInput(action: "publish"), by: f.planner)
        #expect(await planningError { _ = try await f.consultations.moderate(commentId: objection.id, ModerationInput(action: "publish"), by: f.architect) }?.isForbidden == true)

        // Answers: only the plan's architect; a planner cannot; an unassigned architect cannot.
        #expect(await planningError { _ = try await f.consultations.answer(commentId: objection.id, AnswerInput(decision: "accepted", reasoning: "x"), by: f.planner) }?.isForbidden == true)
        #expect(await planningError { _ = try await f.consultations.answer(commentId: objection.id, AnswerInput(decision: "accepted", reasoning: "x"), by: f.otherArchitect) }?.isForbidden == true)
        #expect(await planningError { _ = try await f.consultations.answer(commentId: objection.id, AnswerInput(decision: "maybe", reasoning: "x"), by: f.architect) }?.isInvalid == true)
        #expect(await planningError { _ = try await f.consultations.answer(commentId: objection.id, AnswerInput(decision: "accepted", reasoning: "  "), by: f.architect) }?.isInvalid == true)
        _ = try await f.consultations.answer(commentId: objection.id, AnswerInput(decision: "partly_accepted", reasoning: "Medžiai bus išsaugoti, išskyrus du."), by: f.architect)
        // A draft is private.
        #expect(try await f.consultations.register(planId: plan.id).comments.first { $0.id == objection.id }?.answer?.publishedAt == nil)
        _ = try await f.consultations.publishAnswers(planId: plan.id, ids: nil, by: f.planner)
        #expect(try await f.store.outbox(unsentOnly: true).map(\.recipient) == ["ona@example.lt"])
        #expect(await planningError { _ = try await f.consultations.publishAnswers(planId: plan.id, ids: nil, by: f.planner) }?.isConflict == true)

        // Hearing, minutes, answering.
        f.clock.advance(days: 10)
        #expect(await planningError { _ = try await f.consultations.transition(planId: plan.id, TransitionInput(to: "hearing"), by: f.planner) }?.isInvalid == true)
        _ = try await f.consultations.transition(planId: plan.id, TransitionInput(to: "hearing", date: f.iso(f.clock.now.addingTimeInterval(86_400)), place: "Rotušė, 2 salė"), by: f.planner)
        #expect(await planningError { _ = try await f.consultations.transition(planId: plan.id, TransitionInput(to: "answering"), by: f.planner) }?.isConflict == true)
        _ = try await f.consultations.addAttachment(planId: plan.id, role: "minutes", title: "Protokolas", bytes: Array("%PDF-1.4\n%%EOF\n".utf8),
                                                    declaredType: "application/pdf", by: f.planner)
        _ = try await f.consultations.transition(planId: plan.id, TransitionInput(to: "answering"), by: f.planner)

        // The proposal is still unanswered: answering cannot be left.
        let stuck = await planningError { _ = try await f.consultations.transition(planId: plan.id, TransitionInput(to: "revised"), by: f.planner) }
        #expect(stuck?.isConflict == true)
        #expect(stuck?.description.contains("objections or proposals still lacking a published answer: 1") == true)
        _ = try await f.consultations.answer(commentId: proposal.id, AnswerInput(decision: "accepted", reasoning: "Takas bus."), by: f.architect)
        _ = try await f.consultations.publishAnswers(planId: plan.id, ids: [proposal.id], by: f.admin)
        // Still needs the revised version.
        #expect(await planningError { _ = try await f.consultations.transition(planId: plan.id, TransitionInput(to: "revised"), by: f.planner) }?.description.contains("revised version") == true)
        _ = try await f.consultations.addVersion(planId: plan.id, VersionInput(note: "after the consultation"), by: f.planner)
        _ = try await f.consultations.transition(planId: plan.id, TransitionInput(to: "revised"), by: f.planner)
        _ = try await f.consultations.transition(planId: plan.id, TransitionInput(to: "submitted"), by: f.planner)
        #expect(await planningError { _ = try await f.consultations.transition(planId: plan.id, TransitionInput(to: "approved"), by: f.planner) }?.isForbidden == true)
        _ = try await f.consultations.transition(planId: plan.id, TransitionInput(to: "approved"), by: f.admin)
        let archived = try await f.consultations.transition(planId: plan.id, TransitionInput(to: "archived"), by: f.planner)
        #expect(archived.stage == .archived)

        // Comments stay with the version they were made on.
        let register = try await f.consultations.register(planId: plan.id)
        #expect(register.comments.allSatisfy { $0.version == 1 })
        #expect(try await f.consultations.versions(planId: plan.id).count == 2)
        let stats = RegisterStatistics(register.comments)
        #expect(stats.published == 3 && stats.hidden == 1 && stats.duplicates == 1 && stats.answered == 2 && stats.awaitingAnswer == 0)
        #expect(stats.byDecision[.partlyAccepted] == 1 && stats.byDecision[.accepted] == 1)
        // The public documents never carry the email; a hidden comment shows its reason only.
        let json = PlanDocuments.register(plan: register.plan, comments: register.comments)
        #expect(!json.contains("ona@example.lt"))
        #expect(json.contains("Reklama") && !json.contains("Pirkite pigiai"))
        let report = try await f.consultations.report(planId: plan.id)
        #expect(!report.csv.contains("ona@example.lt") && report.csv.contains("Įrenkite dviračių taką."))
        #expect(!report.json.contains("ona@example.lt"))
        // And the chain is whole.
        #expect(try await f.consultations.verifyAudit().firstBreak == nil)
    }

    @Test func badAreasAreRefusedAndOtherCRSsAreReprojected() async throws {
        let f = try await PlanningFixture()
        defer { f.cleanUp() }
        func create(_ area: String) async -> PlanningError? {
            await planningError {
                let input = try JSONDecoder().decode(PlanInput.self, from: Data(#"{"title": "x", "kind": "general", "area": \#(area)}"#.utf8))
                _ = try await f.consultations.createPlan(input, by: f.planner)
            }
        }
        #expect(await create(#"{"type": "Point", "coordinates": [23.9, 54.9]}"#)?.isInvalid == true)
        // A bow tie: self-intersecting.
        #expect(await create(#"{"type": "Polygon", "coordinates": [[[0,0],[1,1],[1,0],[0,1],[0,0]]]}"#)?.isInvalid == true)
        #expect(await create(#"{"type": "Polygon", "coordinates": [[[0,0],[1,1],[1,0]]]}"#)?.isInvalid == true)
        #expect(await create(#"{"type": "Polygon", "coordinates": [[[500000,6080000],[501000,6080000],[501000,6081000],[500000,6080000]]]}"#)?.isInvalid == true)
        // LKS94 (EPSG:3346) metres → lon/lat near Kaunas.
        let input = try JSONDecoder().decode(PlanInput.self, from: Data("""
            {"title": "LKS", "kind": "general", "area": {"type": "Polygon", "crs": {"type": "name", "properties": {"name": "EPSG:3346"}},
             "coordinates": [[[497000,6085000],[498000,6085000],[498000,6086000],[497000,6086000],[497000,6085000]]]}}
            """.utf8))
        let plan = try await f.consultations.createPlan(input, by: f.planner)
        let box = plan.area.boundingBox
        #expect(box.minX > 23.9 && box.maxX < 24.0 && box.minY > 54.8 && box.maxY < 55.0, "\(box)")
        // Unknown architects and too-short windows are refused.
        let bad = try JSONDecoder().decode(PlanInput.self, from: Data(#"{"title": "x", "kind": "general", "architects": ["rasa"], "area": {"type": "Polygon", "coordinates": [[[23.9,54.9],[23.91,54.9],[23.91,54.91],[23.9,54.9]]]}}"#.utf8))
        #expect(await planningError { _ = try await f.consultations.createPlan(bad, by: f.planner) }?.description.contains("not an architect") == true)
        #expect(await planningError { _ = try await f.consultations.createPlan(bad, by: f.architect) }?.isForbidden == true)
    }
}

@Suite struct MapLayerSourceTests {
    /// What the WMS layers `plans` and `plan-comments` will draw: areas with their stage, and
    /// only published comments' locations.
    @Test func planAreasAndPublishedCommentLocations() async throws {
        let f = try await PlanningFixture()
        defer { f.cleanUp() }
        let plan = try await f.openedPlan()
        f.clock.advance(days: 2)
        let shown = try await f.comment(plan.id, location: PlanningFixture.point(23.935, 54.905))
        let hidden = try await f.comment(plan.id, location: PlanningFixture.point(23.936, 54.906))
        _ = try await f.comment(plan.id)
        _ = try await f.consultations.moderate(commentId: hidden.id, ModerationInput(action: "hide", reason: "Ne į temą"), by: f.planner)
        let areas = try await f.store.planAreas()
        #expect(areas.map(\.id) == [plan.id])
        #expect(areas.first?.stage == .consultation)
        #expect(areas.first?.area.isPolygonal == true)
        let locations = try await f.store.publishedCommentLocations(planId: plan.id)
        #expect(locations.map(\.id) == [shown.id])
        #expect(locations.first?.location == .point(Coordinate(23.935, 54.905)))
        #expect(try await f.store.publishedCommentLocations(planId: nil).count == 1)
    }
}

@Suite struct AuditChainTests {
    func entries() async throws -> (PlanningFixture, [AuditEntry]) {
        let f = try await PlanningFixture()
        let plan = try await f.openedPlan()
        f.clock.advance(days: 2)
        _ = try await f.comment(plan.id)
        _ = try await f.comment(plan.id, kind: "support", text: "Puiku")
        return (f, try await f.store.auditEntries(planId: nil))
    }

    @Test func anIntactChainVerifies() async throws {
        let (f, log) = try await entries()
        defer { f.cleanUp() }
        #expect(log.count == 6)
        #expect(log.first?.prevHash == AuditChain.genesis)
        #expect(AuditChain.verify(log) == nil)
        for (a, b) in zip(log, log.dropFirst()) { #expect(b.prevHash == a.hash) }
    }

    @Test func anEditedEntryIsFound() async throws {
        let (f, log) = try await entries()
        defer { f.cleanUp() }
        var edited = log
        edited[2].actor = "someone-else"
        #expect(AuditChain.verify(edited)?.entryId == log[2].id)
        #expect(AuditChain.verify(edited)?.reason.contains("changed") == true)
        // Recomputing that entry's hash moves the break to the next entry.
        edited[2].hash = AuditChain.expectedHash(of: edited[2])
        #expect(AuditChain.verify(edited)?.entryId == log[3].id)
    }

    @Test func aRemovedOrReorderedEntryIsFound() async throws {
        let (f, log) = try await entries()
        defer { f.cleanUp() }
        var removed = log
        removed.remove(at: 3)
        #expect(AuditChain.verify(removed)?.entryId == log[4].id)
        var swapped = log
        swapped.swapAt(1, 2)
        #expect(AuditChain.verify(swapped)?.entryId == log[2].id)
    }

    @Test func theCanonicalFormQuotesEveryField() {
        #expect(AuditChain.canonical(id: 1, planId: nil, actor: "a\"b", action: "x", subject: "y", before: "{}", after: "null", atMillis: 5)
                == #"[1,null,5,"a\"b","x","y","{}","null"]"#)
    }
}
