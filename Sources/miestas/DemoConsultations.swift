import Foundation
import Geo
import Planning
import Staff
import Store
import Synchronization

/// What `miestas demo seed` plays: the demo city's accounts and two consultations, as data
/// (`Data/demo/consultations.json`), so nothing about a city is in the code.
struct DemoScript: Decodable {
    struct Comment: Decodable {
        var kind: String
        var text: String
        var name: String
        /// [longitude, latitude].
        var at: [Double]
        /// publish, hide (with `reason`), duplicate (of the comment at index `duplicate_of`), pending.
        var moderation: String?
        var reason: String?
        var duplicate_of: Int?
        var answer: Answer?
    }
    struct Answer: Decodable { var decision: String; var reasoning: String; var publish: Bool }
    struct Plan: Decodable {
        var title: String
        var kind: String
        var moderation: String
        var description: String
        var organiser: String
        /// [west, south, east, north].
        var area: [Double]
        var versions: [String]
        var hearing_place: String?
        var minutes_title: String?
        var comments: [Comment]
    }
    /// Usernames by role (planner, architect, staff, admin).
    var accounts: [String: String]
    var archived_plan: Plan
    var open_plan: Plan
    var email_domain: String

    static func load(_ path: String) throws -> DemoScript {
        guard let data = FileManager.default.contents(atPath: path) else { throw DemoError("cannot read \(path)") }
        do { return try JSONDecoder().decode(DemoScript.self, from: data) } catch { throw DemoError("\(path): \(error)") }
    }

    func username(_ role: StaffUser.Role) throws -> String {
        guard let name = accounts[role.rawValue] else { throw DemoError("the demo script names no \(role.rawValue) account") }
        return name
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The two consultations, made through `Consultations` with a clock that walks from the past to
/// now, so every rule holds and the audit log reads as if the work had happened.
struct DemoConsultations {
    let store: any MiestasStore
    let settings: PlanningSettings
    let script: DemoScript

    /// A clock the seeder moves forward (never back: the audit log's times only grow).
    final class Clock: Sendable {
        private let current: Mutex<Date>
        init(_ start: Date) { current = Mutex(start) }
        var now: Date { current.withLock { $0 } }
        func advance(hours: Double) { current.withLock { $0 = $0.addingTimeInterval(hours * 3600) } }
        func set(_ date: Date) { current.withLock { $0 = Swift.max($0, date) } }
    }

    /// Makes both plans unless the database has plans already; answers what was made, in lines.
    func seed(now: Date = Date()) async throws -> [String] {
        guard try await store.plans().isEmpty else { return [] }
        let people = try Actors(script)
        let days = Swift.max(settings.minConsultationDays, 1)
        let clock = Clock(now.addingTimeInterval(-(days * 2 + 60) * 86_400))
        let consultations = Consultations(store: store, users: store, media: store.media, settings: settings, clock: { clock.now })
        let archived = try await archived(script.archived_plan, consultations, clock, people, days: days)
        clock.set(now.addingTimeInterval(-6 * 86_400))
        let open = try await open(script.open_plan, consultations, clock, people, closingAt: now.addingTimeInterval(Swift.max(days, 24) * 86_400), until: now)
        let comments = script.open_plan.comments
        let count = { (m: String) in comments.filter { $0.moderation == m }.count }
        let answered = comments.filter { $0.answer?.publish == true && $0.moderation != "pending" }.count
        return [
            "demo consultation open now: /plans/\(open) (\(comments.count) comments; \(count("hide")) hidden, \(count("pending")) awaiting moderation, \(answered) answered)",
            "demo plan archived with its full record: /plans/\(archived)",
        ]
    }

    struct Actors {
        let planner: PlanActor, architect: PlanActor, admin: PlanActor
        let architectName: String
        init(_ script: DemoScript) throws {
            architectName = try script.username(.architect)
            planner = PlanActor(username: try script.username(.planner), role: .planner)
            architect = PlanActor(username: architectName, role: .architect)
            admin = PlanActor(username: try script.username(.admin), role: .admin)
        }
    }

    /// Every stage, from the draft to the archive.
    private func archived(_ p: DemoScript.Plan, _ c: Consultations, _ clock: Clock, _ people: Actors, days: Double) async throws -> Int64 {
        let start = clock.now.addingTimeInterval(86_400), end = start.addingTimeInterval(days * 86_400)
        let plan = try await create(p, c, people, start: start, end: end)
        clock.set(start.addingTimeInterval(2 * 86_400))
        var ids: [Int64] = []
        for comment in p.comments {
            ids.append(try await c.submitComment(planId: plan.id, self.comment(comment)).id)
            clock.advance(hours: 30)
        }
        clock.set(end.addingTimeInterval(86_400))
        _ = try await c.transition(planId: plan.id, TransitionInput(to: "hearing", date: ISOTime.format(clock.now.addingTimeInterval(3 * 86_400)),
                                                                      place: p.hearing_place ?? "-"), by: people.planner)
        clock.advance(hours: 4 * 24)
        _ = try await c.addAttachment(planId: plan.id, role: "minutes", title: p.minutes_title ?? "Minutes", bytes: Self.minutesPDF(p.minutes_title ?? "Minutes"),
                                      declaredType: "application/pdf", by: people.planner)
        _ = try await c.transition(planId: plan.id, TransitionInput(to: "answering"), by: people.planner)
        clock.advance(hours: 48)
        try await answer(p.comments, ids, c, people)
        clock.advance(hours: 7 * 24)
        for note in p.versions.dropFirst() { _ = try await c.addVersion(planId: plan.id, VersionInput(note: note), by: people.planner) }
        for (stage, who, hours) in [("revised", people.planner, 24.0), ("submitted", people.planner, 14 * 24), ("approved", people.admin, 24), ("archived", people.planner, 0)] {
            _ = try await c.transition(planId: plan.id, TransitionInput(to: stage), by: who)
            clock.advance(hours: hours)
        }
        return plan.id
    }

    /// In consultation now: comments arriving over the last days, most moderated, some answered.
    private func open(_ p: DemoScript.Plan, _ c: Consultations, _ clock: Clock, _ people: Actors, closingAt end: Date, until now: Date) async throws -> Int64 {
        let start = clock.now.addingTimeInterval(3600)
        let plan = try await create(p, c, people, start: start, end: end)
        clock.set(start.addingTimeInterval(3600))
        let step = Swift.max(now.timeIntervalSince(clock.now) / Double(p.comments.count + 4), 60) / 3600
        var ids: [Int64] = []
        for comment in p.comments {
            ids.append(try await c.submitComment(planId: plan.id, self.comment(comment)).id)
            clock.advance(hours: step)
        }
        for (comment, id) in zip(p.comments, ids) {
            switch comment.moderation ?? "publish" {
            case "hide": _ = try await c.moderate(commentId: id, ModerationInput(action: "hide", reason: comment.reason), by: people.planner)
            case "duplicate":
                let original = comment.duplicate_of.map { ids[$0] }
                _ = try await c.moderate(commentId: id, ModerationInput(action: "duplicate", duplicate_of: original), by: people.planner)
                _ = try await c.moderate(commentId: id, ModerationInput(action: "publish"), by: people.planner)
            case "pending": break
            default: _ = try await c.moderate(commentId: id, ModerationInput(action: "publish"), by: people.planner)
            }
        }
        clock.advance(hours: step)
        try await answer(p.comments, ids, c, people)
        return plan.id
    }

    private func create(_ p: DemoScript.Plan, _ c: Consultations, _ people: Actors, start: Date, end: Date) async throws -> Plan {
        guard p.area.count == 4 else { throw DemoError("\(p.title): area must be [west, south, east, north]") }
        let (w, s, e, n) = (p.area[0], p.area[1], p.area[2], p.area[3])
        let ring: [[Double]] = [[w, s], [e, s], [e, n], [w, n], [w, s]]
        let input = PlanInput(title: p.title, description: p.description, kind: p.kind, organiser: p.organiser,
                              area: .object(["type": .string("Polygon"), "coordinates": .array([.array(ring.map { .array($0.map(JSONValue.number)) })])]),
                              architects: [people.architectName], consultation: ConsultationTimes(start: ISOTime.format(start), end: ISOTime.format(end)),
                              moderation: p.moderation)
        let plan = try await c.createPlan(input, by: people.planner)
        _ = try await c.addVersion(planId: plan.id, VersionInput(note: p.versions.first), by: people.planner)
        _ = try await c.transition(planId: plan.id, TransitionInput(to: "consultation"), by: people.planner)
        return plan
    }

    /// Drafts every answer the script has, then publishes those it says to, in one go.
    private func answer(_ comments: [DemoScript.Comment], _ ids: [Int64], _ c: Consultations, _ people: Actors) async throws {
        var publish: [Int64] = []
        for (comment, id) in zip(comments, ids) {
            guard let a = comment.answer else { continue }
            _ = try await c.answer(commentId: id, AnswerInput(decision: a.decision, reasoning: a.reasoning), by: people.architect)
            if a.publish { publish.append(id) }
        }
        if !publish.isEmpty { _ = try await c.publishAnswers(planId: ids.isEmpty ? 0 : try await planId(of: ids[0], c), ids: publish, by: people.planner) }
    }

    private func planId(of comment: Int64, _ c: Consultations) async throws -> Int64 { try await c.comment(id: comment).planId }

    private func comment(_ c: DemoScript.Comment) -> CommentInput {
        let local = c.name.folding(options: .diacriticInsensitive, locale: nil).lowercased().replacingOccurrences(of: " ", with: ".")
        return CommentInput(kind: c.kind, text: c.text, name: c.name, email: "\(local)@\(script.email_domain)",
                            location: .object(["type": .string("Point"), "coordinates": .array(c.at.map(JSONValue.number))]))
    }

    /// A one-page PDF with the title on it (a real, if tiny, PDF file).
    static func minutesPDF(_ title: String) -> [UInt8] {
        let text = title.folding(options: .diacriticInsensitive, locale: nil).filter { $0.isASCII && $0 != "(" && $0 != ")" && $0 != "\\" }
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
    }
}
