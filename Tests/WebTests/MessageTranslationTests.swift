import Foundation
import Hummingbird
import HummingbirdTesting
import Identity
import Petitions
import Messages
import Planning
import Reports
import Store
import Testing
@testable import Web

/// The modules' messages (planning, workflow, intake, the pages' own) in both languages: every
/// template has its translations, the English one is the template itself (the API and the
/// English pages say the same), and the pages show refusals in the visitor's language.
@Suite struct MessageTranslationTests {
    static let translations = try! Translations(folder: WebSettings.defaultFolder)

    /// Every template of every module: key and English text.
    static let templates: [(key: String, english: String)] =
        PlanningText.allCases.map { ($0.key, $0.rawValue) } + WorkflowText.allCases.map { ($0.key, $0.rawValue) }
        + IntakeText.allCases.map { ($0.key, $0.rawValue) } + WebText.allCases.map { ($0.key, $0.rawValue) }
        + IdentityText.allCases.map { ($0.key, $0.rawValue) } + PetitionErrorText.allCases.map { ($0.key, $0.rawValue) }
        + PetitionMoveVerb.allCases.map { ($0.key, $0.rawValue) }

    /// Every vocabulary word a message may carry as a term, as its translation key.
    static let termKeys: [String] = {
        func keys<T: MessageTerm & CaseIterable>(_ type: T.Type) -> [String] { T.allCases.map { T.vocabulary + $0.rawValue } }
        return keys(PlanStage.self) + keys(PlanKind.self) + keys(CommentKind.self) + keys(CommentStatus.self) + keys(ModerationMode.self)
            + keys(AnswerDecision.self) + keys(PlanAttachment.Role.self) + keys(Audience.self) + keys(StaffUser.Role.self)
            + keys(ReportStatus.self) + keys(Resolution.self) + keys(AssuranceLevel.self) + keys(PetitionState.self)
            + (PlanningText.fields + IntakeText.fields + PetitionErrorText.fields).map { MessageArgument.fieldVocabulary + $0 }
    }()

    @Test func everyTemplateIsInBothLanguagesWithTheSamePlaceholders() {
        #expect(Self.templates.count > 120)
        let en = Self.translations.table(.en), lt = Self.translations.table(.lt)
        for (key, english) in Self.templates {
            #expect(en[key] == english, "en.json's \(key) differs from the Swift template")
            guard let lithuanian = lt[key] else { Issue.record("lt.json lacks \(key)"); continue }
            #expect(lithuanian != english, "\(key) is not translated")
            #expect(Message.placeholders(lithuanian) == Message.placeholders(english), "\(key): \(lithuanian)")
        }
        // No stale message keys: every msg.* key is a template, a term or the decimal separator.
        let known = Set(Self.templates.map(\.key) + Self.termKeys + [Message.decimalSeparatorKey])
        for language in [Language.lt, .en] {
            let stale = Self.translations.table(language).keys.filter { $0.hasPrefix("msg.") && !known.contains($0) }
            #expect(stale.isEmpty, "\(language): \(stale.sorted())")
        }
    }

    @Test func everyTermResolvesInBothLanguages() {
        for language in [Language.lt, .en] {
            let missing = Self.termKeys.filter { Self.translations.table(language)[$0] == nil }
            #expect(missing.isEmpty, "\(language) lacks \(missing)")
        }
        #expect(Self.translations.table(.lt)[Message.decimalSeparatorKey] == ",")
    }

    /// The field names the sources pass to messages are all in the lists the test above checks.
    @Test func everyFieldNameTheModulesUseIsListed() throws {
        let sources = TranslationsTests.sources.deletingLastPathComponent()
        func names(_ folder: String, _ pattern: String) throws -> Set<String> {
            var found = Set<String>()
            let dir = sources.appendingPathComponent(folder)
            for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".swift") {
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                let regex = try NSRegularExpression(pattern: pattern)
                for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    if let r = Range(m.range(at: 1), in: text) { found.insert(String(text[r])) }
                }
            }
            return found
        }
        let planning = try names("Planning", #"field: "([a-z_]+)""#)
        #expect(planning.count > 10 && planning.isSubset(of: PlanningText.fields), "\(planning.subtracting(PlanningText.fields))")
        let intake = try names("Reports", #"(?:name: |limit\()"([a-z_]+)""#)
        #expect(intake.count > 10 && intake.isSubset(of: IntakeText.fields), "\(intake.subtracting(IntakeText.fields))")
        let petitions = try names("Petitions", #"text\([^,()]+(?:\([^)]*\))?, "([a-z_]+)""#)
        #expect(petitions.count >= 5 && petitions.isSubset(of: PetitionErrorText.fields), "\(petitions.subtracting(PetitionErrorText.fields))")
    }

    @Test func aMessageRendersInEachLanguage() {
        let refusal = PlanningError.conflict(.stageMoveNotAllowed, ["from": .term(PlanStage.draft), "to": .term(PlanStage.hearing),
                                                                    "options": .terms([PlanStage.consultation])])
        #expect(refusal.description == "a plan in the draft stage cannot move to hearing; it can move to: consultation", "the API's text")
        #expect(Self.translations.render(refusal.message, .lt)
            == "Plano iš etapo „rengiamas“ negalima perkelti į etapą „viešas susirinkimas“; galimi etapai: viešas svarstymas.")
        #expect(Self.translations.render(refusal.message, .en) == "a plan in the draft stage cannot move to public hearing; it can move to: consultation")
        let photo = IntakeError.invalidField(name: "media", reason: Message(IntakeText.photoTooLarge, ["size": .number(11_000_000)]))
        #expect(photo.description == "media is 11000000 bytes; photos may be at most 10 MB")
        #expect(Self.translations.render(photo.message, .lt) == "Laukas „nuotrauka“: failo dydis – 11000000 B; nuotrauka gali būti ne didesnė kaip 10 MB.")
        // A petition's refusal: the state as the pages name it, the move as a verb of the language.
        let move = #expect(throws: PetitionError.self) { try PetitionMove.approve.check(.draft) }
        #expect(move?.description == "a petition that is draft cannot be approved (only one that is awaiting_moderation)", "the API's text")
        #expect(move.map { Self.translations.render($0.message, .lt) }
            == "Peticijos, kurios būsena – „juodraštis“, negalima patvirtinti (galima tik tada, kai būsena: laukia moderavimo).")
        #expect(Self.translations.render(Message(PlanningText.windowTooShort, ["minimum": .decimal(14), "days": .decimal(3.5)]), .lt)
            == "Viešas svarstymas turi trukti bent 14 d.; šis trunka 3,50 d.")
    }

    // MARK: Pages

    /// A response's page.
    func page(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test func aTooLongCommentIsRefusedInTheVisitorsLanguage() async throws {
        try await WebFixture.run { client, _ in
            let planner = Browser()
            try await planner.signIn(client, "rasa")
            let (_, planId) = try await planner.openConsultation(client, title: "Žaliakalnio parkas", moderation: "post")

            let long = String(repeating: "medžiai ", count: 700)  // 5,600 characters, 5,599 once trimmed
            for (language, expected, english) in [
                ("lt", "Laukas „tekstas“ per ilgas: simbolių – 5599, leidžiama ne daugiau kaip 5000.", false),
                ("en", "text is 5599 characters long; at most 5000 are allowed", true),
            ] {
                let resident = Browser(language: language)
                let token = try await resident.token(client, "/plans/\(planId)")
                let r = try await resident.post(client, "/plans/\(planId)/comments", [("csrf", token), ("kind", "objection"), ("text", long),
                                                                                     ("name", "Aistė"), ("email", "aiste@example.lt")])
                #expect(r.status == .unprocessableContent)
                let body = page(r)
                #expect(body.contains(expected), "\(language): \(body)")
                #expect(body.contains("characters long") == english, "\(language): the English template shows only on the English page")
            }
        }
    }

    @Test func aRefusedStageMoveIsExplainedInTheVisitorsLanguage() async throws {
        try await WebFixture.run { client, _ in
            let planner = Browser()
            try await planner.signIn(client, "rasa")
            let (planPath, _) = try await planner.createPlan(client, title: "Senamiesčio aikštė", moderation: "pre")
            for (language, expected, foreign) in [
                ("lt", "Plano iš etapo „rengiamas“ negalima perkelti į etapą „viešas susirinkimas“; galimi etapai: viešas svarstymas.", "cannot move"),
                ("en", "a plan in the draft stage cannot move to public hearing; it can move to: consultation", "negalima perkelti"),
            ] {
                let csrf = try await planner.token(client, "\(planPath)?lang=\(language)")
                let r = try await planner.post(client, "\(planPath)/transition", [("csrf", csrf), ("to", "hearing")])
                #expect(r.status == .unprocessableContent)
                #expect(page(r).contains(expected), "\(language): \(page(r))")
                #expect(!page(r).contains(foreign), "\(language)")
            }
        }
    }

    @Test func aRefusedStatusChangeIsExplainedInTheVisitorsLanguage() async throws {
        try await WebFixture.run { client, fixture in
            let resident = Browser()
            let token = try await resident.token(client, "/reports/new?service_code=other")
            _ = try await resident.post(client, "/reports/new", [("csrf", token), ("service_code", "other"), ("lat", "54.8985"), ("long", "23.9036")])
            let id = try #require(try await fixture.store.reports(ReportQuery()).first?.id)
            let staff = Browser()
            try await staff.signIn(client, "sta")
            var csrf = try await staff.token(client, "/staff/reports/\(id)")
            let ack = try await staff.post(client, "/staff/reports/\(id)/transition", [("csrf", csrf), ("status", "acknowledged"), ("note", "seen")])
            #expect(ack.status == .seeOther)
            for (language, expected, foreign) in [
                ("lt", "Pranešimo būsenos negalima pakeisti iš „Priimtas“ į „Atviras“", "cannot go from"),
                ("en", "a report cannot go from Acknowledged to Open: it moves forward", "negalima pakeisti"),
            ] {
                csrf = try await staff.token(client, "/staff/reports/\(id)?lang=\(language)")
                let r = try await staff.post(client, "/staff/reports/\(id)/transition", [("csrf", csrf), ("status", "open"), ("note", "back")])
                #expect(r.status == .unprocessableContent)
                #expect(page(r).contains(expected), "\(language): \(page(r))")
                #expect(!page(r).contains(foreign), "\(language)")
            }
        }
    }

    @Test func aRefusedPhotoIsExplainedInTheVisitorsLanguage() async throws {
        try await WebFixture.run { client, _ in
            for (language, expected, foreign) in [
                ("lt", "Nuotrauka netinka: tai ne JPEG ar PNG paveikslas", "is not a JPEG"),
                ("en", "is not a JPEG or PNG image (its first bytes say neither)", "paveikslas"),
            ] {
                let resident = Browser(language: language)
                let token = try await resident.token(client, "/reports/new?service_code=other")
                let r = try await resident.postMultipart(client, "/reports/new",
                                                         [("csrf", token), ("service_code", "other"), ("lat", "54.8985"), ("long", "23.9036")],
                                                         files: [("media", "x.jpg", Array("not a photo".utf8))])
                #expect(r.status == .unprocessableContent)
                #expect(page(r).contains(expected), "\(language): \(page(r))")
                #expect(!page(r).contains(foreign), "\(language)")
            }
        }
    }
}
