import Foundation
import Geo
import Messages
import Planning
import Store

/// A clock the test moves by hand, so a consultation can open and close without waiting.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = start }
    var now: Date { lock.withLock { current } }
    func advance(days: Double) { lock.withLock { current = current.addingTimeInterval(days * 86_400) } }
}

/// A fresh database with staff users, and the planning service over it.
struct PlanningFixture {
    let store: SpatiaLiteStore
    let consultations: Consultations
    let clock: TestClock
    let directory: URL
    var planner: PlanActor { PlanActor(username: "rasa", role: .planner) }
    var architect: PlanActor { PlanActor(username: "tomas", role: .architect) }
    var otherArchitect: PlanActor { PlanActor(username: "lina", role: .architect) }
    var admin: PlanActor { PlanActor(username: "vadovas", role: .admin) }

    init(settings: PlanningSettings = PlanningSettings(minConsultationDays: 10)) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-planning-\(UUID().uuidString)")
        store = try SpatiaLiteStore(path: directory.appendingPathComponent("db.sqlite").path)
        for (name, role) in [("rasa", StaffUser.Role.planner), ("tomas", .architect), ("lina", .architect), ("vadovas", .admin)] {
            _ = try await store.addUser(username: name, role: role, passwordHash: "unused")
        }
        clock = TestClock()
        let c = clock
        consultations = Consultations(store: store, users: store, media: MediaLibrary(directory: directory.appendingPathComponent("media")),
                                      settings: settings, clock: { c.now })
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    /// A square of about 700 × 1,100 m in Kaunas (Žaliakalnis).
    static let areaJSON: JSONValue = .object([
        "type": .string("Polygon"),
        "coordinates": .array([.array([[23.93, 54.90], [23.94, 54.90], [23.94, 54.91], [23.93, 54.91], [23.93, 54.90]]
            .map { .array($0.map { JSONValue.number($0) }) })]),
    ])

    static func point(_ lon: Double, _ lat: Double) -> JSONValue {
        .object(["type": .string("Point"), "coordinates": .array([.number(lon), .number(lat)])])
    }

    func iso(_ date: Date) -> String { ISOTime.format(date) }

    /// A plan with a version, its consultation opening in a day and lasting `days`.
    func openedPlan(days: Double = 14, moderation: String = "post", architects: [String] = ["tomas"]) async throws -> Plan {
        let start = clock.now.addingTimeInterval(86_400), end = start.addingTimeInterval(days * 86_400)
        let input = try JSONDecoder().decode(PlanInput.self, from: Data("""
            {"title": "Žaliakalnio detalusis planas", "description": "Gatvių ir aikščių sutvarkymas.", "kind": "detailed",
             "organiser": "Kauno miesto savivaldybė", "moderation": "\(moderation)",
             "area": \(String(decoding: GeoJSON.encode(Self.areaJSON), as: UTF8.self)),
             "architects": \(String(decoding: try JSONEncoder().encode(architects), as: UTF8.self)),
             "consultation": {"start": "\(iso(start))", "end": "\(iso(end))"}}
            """.utf8))
        let plan = try await consultations.createPlan(input, by: planner)
        _ = try await consultations.addVersion(planId: plan.id, VersionInput(note: "first draft"), by: planner)
        return try await consultations.transition(planId: plan.id, TransitionInput(to: "consultation"), by: planner)
    }

    func comment(_ planId: Int64, kind: String = "objection", text: String = "Per mažai medžių.", location: JSONValue? = nil) async throws -> PlanComment {
        try await consultations.submitComment(planId: planId, CommentInput(kind: kind, text: text, name: "Ona Onaitė",
                                                                            email: "ona@example.lt", location: location, attachment: nil))
    }
}

extension PlanningError {
    var isConflict: Bool { if case .conflict = self { true } else { false } }
    var isForbidden: Bool { if case .forbidden = self { true } else { false } }
    var isInvalid: Bool { if case .invalid = self { true } else { false } }
}

/// The error `body` throws, as a PlanningError (nil if it does not throw).
func planningError(_ body: () async throws -> Void) async -> PlanningError? {
    do { try await body(); return nil } catch { return error as? PlanningError ?? .unavailable(.storeFailed, ["detail": .text("\(error)")]) }
}
