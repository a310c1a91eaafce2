import Foundation
import Geo
import Planning
import Store
import Synchronization

/// The demo city's two consultations, made through `Consultations` with a clock that walks from
/// the past to now, so every rule holds and the audit log reads as if the work had happened.
struct DemoConsultations {
    let store: SpatiaLiteStore
    let media: MediaLibrary
    let settings: PlanningSettings

    /// A clock the seeder moves forward (never back: the audit log's times only grow).
    final class Clock: Sendable {
        private let current: Mutex<Date>
        init(_ start: Date) { current = Mutex(start) }
        var now: Date { current.withLock { $0 } }
        func advance(hours: Double) { current.withLock { $0 = $0.addingTimeInterval(hours * 3600) } }
        func set(_ date: Date) { current.withLock { $0 = max($0, date) } }
    }

    let planner = PlanActor(username: DemoPeople.planner.username, role: .planner)
    let architect = PlanActor(username: DemoPeople.architect.username, role: .architect)
    let admin = PlanActor(username: DemoPeople.admin.username, role: .admin)

    /// Makes both plans unless the database has plans already; answers what was made, in lines.
    func seed(now: Date = Date()) async throws -> [String] {
        guard try await store.plans().isEmpty else { return [] }
        let days = Swift.max(settings.minConsultationDays, 1)
        let clock = Clock(now.addingTimeInterval(-(days * 2 + 60) * 86_400))
        let consultations = Consultations(store: store, users: store, media: media, settings: settings, clock: { clock.now })
        let archived = try await archivedPlan(consultations, clock, days: days)
        clock.set(now.addingTimeInterval(-6 * 86_400))
        let open = try await openPlan(consultations, clock, closingAt: now.addingTimeInterval(Swift.max(days, 24) * 86_400), until: now)
        return [
            "demo consultation open now: /plans/\(open.plan) (\(open.comments) comments; \(open.hidden) hidden, \(open.pending) awaiting moderation, \(open.answered) answered)",
            "demo plan archived with its full record: /plans/\(archived)",
        ]
    }

    // MARK: The archived plan: every stage, from draft to archive

    private func archivedPlan(_ c: Consultations, _ clock: Clock, days: Double) async throws -> Int64 {
        let start = clock.now.addingTimeInterval(86_400), end = start.addingTimeInterval(days * 86_400)
        let plan = try await c.createPlan(try Self.input("""
            {"title": "Rotušės aikštės sutvarkymo detalusis planas", "kind": "detailed", "moderation": "post",
             "description": "Rotušės aikštės dangos, apšvietimo ir želdinių atnaujinimas; automobilių stovėjimo vietų mažinimas.",
             "organiser": "Miesto planavimo skyrius", "architects": ["\(DemoPeople.architect.username)"],
             "area": \(Self.square(23.8845, 54.8962, 23.8880, 54.8985)),
             "consultation": {"start": "\(ISOTime.format(start))", "end": "\(ISOTime.format(end))"}}
            """), by: planner)
        _ = try await c.addVersion(planId: plan.id, VersionInput(note: "Sprendinių projektas viešinimui"), by: planner)
        _ = try await c.transition(planId: plan.id, TransitionInput(to: "consultation"), by: planner)
        clock.set(start.addingTimeInterval(2 * 86_400))
        var answered: [Int64] = []
        for (kind, text, name, lon, lat) in [
            ("objection", "Nemažinkite automobilių vietų – gyventojams nebus kur statyti.", "Vytautas Kazlauskas", 23.8860, 54.8970),
            ("proposal", "Palikite vietos kalėdinei eglei ir mugei.", "Rūta Jankauskienė", 23.8865, 54.8975),
            ("support", "Puiku, kad aikštė bus pėsčiųjų.", "Tomas Petrauskas", 23.8858, 54.8968),
            ("proposal", "Įrenkite geriamojo vandens fontanėlį.", "Aistė Stankevičienė", 23.8870, 54.8972),
        ] {
            let comment = try await c.submitComment(planId: plan.id, Self.comment(kind, text, name, lon, lat))
            if kind != "support" { answered.append(comment.id) }
            clock.advance(hours: 30)
        }
        clock.set(end.addingTimeInterval(86_400))
        _ = try await c.transition(planId: plan.id, TransitionInput(to: "hearing", date: ISOTime.format(clock.now.addingTimeInterval(3 * 86_400)),
                                                                      place: "Rotušė, posėdžių salė"), by: planner)
        clock.advance(hours: 4 * 24)
        _ = try await c.addAttachment(planId: plan.id, role: "minutes", title: "Viešo susirinkimo protokolas", bytes: Self.minutesPDF,
                                      declaredType: "application/pdf", by: planner)
        _ = try await c.transition(planId: plan.id, TransitionInput(to: "answering"), by: planner)
        clock.advance(hours: 48)
        let decisions = [("partly_accepted", "Dalis vietų išliks Rotušės gatvėje; aikštėje paliekamos 4 vietos neįgaliesiems."),
                         ("accepted", "Plane numatyta 20 × 20 m laisva erdvė eglei ir mugėms."),
                         ("accepted", "Fontanėlis numatytas prie šiaurinio aikštės krašto.")]
        for (id, (decision, reasoning)) in zip(answered, decisions) {
            _ = try await c.answer(commentId: id, AnswerInput(decision: decision, reasoning: reasoning), by: architect)
        }
        _ = try await c.publishAnswers(planId: plan.id, ids: nil, by: planner)
        clock.advance(hours: 7 * 24)
        _ = try await c.addVersion(planId: plan.id, VersionInput(note: "Patikslinta pagal pasiūlymus"), by: planner)
        _ = try await c.transition(planId: plan.id, TransitionInput(to: "revised"), by: planner)
        clock.advance(hours: 24)
        _ = try await c.transition(planId: plan.id, TransitionInput(to: "submitted"), by: planner)
        clock.advance(hours: 14 * 24)
        _ = try await c.transition(planId: plan.id, TransitionInput(to: "approved"), by: admin)
        clock.advance(hours: 24)
        _ = try await c.transition(planId: plan.id, TransitionInput(to: "archived"), by: planner)
        return plan.id
    }

    // MARK: The plan in consultation now

    private func openPlan(_ c: Consultations, _ clock: Clock, closingAt end: Date, until now: Date) async throws
        -> (plan: Int64, comments: Int, hidden: Int, pending: Int, answered: Int) {
        let start = clock.now.addingTimeInterval(3600)
        let plan = try await c.createPlan(try Self.input("""
            {"title": "Ąžuolyno parko ir jo prieigų detalusis planas", "kind": "detailed", "moderation": "pre",
             "description": "Takų, apšvietimo ir poilsio zonų sutvarkymas Ąžuolyno parke; nauja dviračių jungtis su Žaliakalniu.",
             "organiser": "Miesto planavimo skyrius", "architects": ["\(DemoPeople.architect.username)"],
             "area": \(Self.square(23.9330, 54.8985, 23.9500, 54.9060)),
             "consultation": {"start": "\(ISOTime.format(start))", "end": "\(ISOTime.format(end))"}}
            """), by: planner)
        _ = try await c.addVersion(planId: plan.id, VersionInput(note: "Koncepcija viešam svarstymui"), by: planner)
        _ = try await c.transition(planId: plan.id, TransitionInput(to: "consultation"), by: planner)
        clock.set(start.addingTimeInterval(3600))
        let residents: [(String, String, String, Double, Double)] = [
            ("objection", "Nekirskite senųjų ąžuolų prie Dainų slėnio – jie saugomi.", "Ona Petraitienė", 23.9405, 54.9010),
            ("proposal", "Įrenkite apšviestą bėgimo taką aplink parką.", "Mantas Vaitkus", 23.9440, 54.9030),
            ("question", "Ar bus išsaugota šunų vedžiojimo aikštelė?", "Laura Žukauskaitė", 23.9470, 54.9045),
            ("support", "Dviračių jungtis su Žaliakalniu labai reikalinga.", "Darius Butkus", 23.9350, 54.9000),
            ("objection", "Naujas privažiavimas padidins eismą Radastų gatvėje.", "Jonas Kairys", 23.9365, 54.9050),
            ("proposal", "Pastatykite daugiau suoliukų prie tvenkinio.", "Eglė Rimkutė", 23.9420, 54.9020),
            ("objection", "Nekirskite senųjų ąžuolų!", "Ona Petraitienė", 23.9406, 54.9011),
            ("question", "Kur bus statomi automobiliai renginių metu?", "Saulius Mockus", 23.9480, 54.9000),
            ("proposal", "Pirkite pigius langus čia: www.langai.example", "Reklama", 23.9450, 54.9040),
            ("support", "Pritariu apšvietimo atnaujinimui.", "Gintarė Paulauskienė", 23.9395, 54.9035),
            ("proposal", "Vaikų žaidimų aikštelę perkelkite toliau nuo gatvės.", "Rasa Navickienė", 23.9360, 54.9025),
            ("objection", "Takų danga neturi būti asfaltas – tik žvyras.", "Paulius Urbonas", 23.9430, 54.9050),
        ]
        var ids: [Int64] = []
        let step = Swift.max(now.timeIntervalSince(clock.now) / Double(residents.count + 4), 60) / 3600
        for (kind, text, name, lon, lat) in residents {
            ids.append(try await c.submitComment(planId: plan.id, Self.comment(kind, text, name, lon, lat)).id)
            clock.advance(hours: step)
        }
        // The planner moderates most: one advert hidden with a public reason, a repeat marked as
        // the duplicate it is, the rest published; the last two still wait for moderation.
        for (index, id) in ids.enumerated().dropLast(2) {
            switch index {
            case 8: _ = try await c.moderate(commentId: id, ModerationInput(action: "hide", reason: "Reklama, nesusijusi su planu"), by: planner)
            case 6:
                _ = try await c.moderate(commentId: id, ModerationInput(action: "duplicate", duplicate_of: ids[0]), by: planner)
                _ = try await c.moderate(commentId: id, ModerationInput(action: "publish"), by: planner)
            default: _ = try await c.moderate(commentId: id, ModerationInput(action: "publish"), by: planner)
            }
        }
        clock.advance(hours: step)
        // The architect has answered three already; two answers are published.
        let answers = [(0, "accepted", "Ąžuolai prie Dainų slėnio išsaugomi; takas perkeltas 15 m į rytus."),
                       (2, "not_applicable", "Šunų aikštelė lieka ten pat; planas jos neliečia."),
                       (1, "partly_accepted", "Bėgimo takas bus apšviestas iki 23 val.; nakties apšvietimas svarstomas.")]
        for (index, decision, reasoning) in answers {
            _ = try await c.answer(commentId: ids[index], AnswerInput(decision: decision, reasoning: reasoning), by: architect)
        }
        _ = try await c.publishAnswers(planId: plan.id, ids: [ids[0], ids[2]], by: planner)
        return (plan.id, ids.count, 1, 2, 2)
    }

    // MARK: Inputs

    static func input(_ json: String) throws -> PlanInput { try JSONDecoder().decode(PlanInput.self, from: Data(json.utf8)) }

    static func comment(_ kind: String, _ text: String, _ name: String, _ lon: Double, _ lat: Double) -> CommentInput {
        let email = name.folding(options: .diacriticInsensitive, locale: nil).lowercased().replacingOccurrences(of: " ", with: ".") + "@example.lt"
        return CommentInput(kind: kind, text: text, name: name, email: email,
                            location: .object(["type": .string("Point"), "coordinates": .array([.number(lon), .number(lat)])]))
    }

    /// A rectangle as GeoJSON text.
    static func square(_ west: Double, _ south: Double, _ east: Double, _ north: Double) -> String {
        #"{"type": "Polygon", "coordinates": [[[\#(west), \#(south)], [\#(east), \#(south)], [\#(east), \#(north)], [\#(west), \#(north)], [\#(west), \#(south)]]]}"#
    }

    /// A one-page PDF saying what the minutes would say (a real, if tiny, PDF file).
    static let minutesPDF: [UInt8] = {
        let text = "Viešo susirinkimo protokolas (demonstracinis)"
            .folding(options: .diacriticInsensitive, locale: nil)
        let stream = "BT /F1 14 Tf 56 780 Td (\(text)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, body) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(i + 1) 0 obj\n\(body)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for o in offsets { pdf += String(format: "%010d 00000 n \n", o) }
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(pdf.utf8)
    }()
}
