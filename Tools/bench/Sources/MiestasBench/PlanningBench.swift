import ArgumentParser
import Foundation
import Geo
import Planning
import Store

/// The planning register and report: what `GET /api/v1/plans/{id}/comments` does on the server
/// (read the published comments with their answers, write the JSON) for a plan with 10,000
/// comments, and the PDF report of a plan with 1,000 answered comments (read + draw + encode).
struct PlanningBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "planning",
        abstract: "Public register (10,000 comments) and PDF report (1,000 comments) timings, store + domain, no HTTP.")

    @Option(help: "Comments on the register's plan.") var comments = 10_000
    @Option(help: "Comments (all answered) in the PDF report's plan.") var reportComments = 1_000
    @Option(help: "Timed register builds; the median is reported.") var runs = 21
    @Option(help: "Timed PDF renderings; the median is reported.") var pdfRuns = 5

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-bench-planning-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SpatiaLiteStore(path: directory.appendingPathComponent("bench.sqlite").path)
        _ = try await store.addUser(username: "planner", role: .planner, passwordHash: "-")
        _ = try await store.addUser(username: "architect", role: .architect, passwordHash: "-")
        let service = Consultations(store: store, users: store, media: MediaLibrary(directory: directory.appendingPathComponent("media")),
                                    settings: PlanningSettings(minConsultationDays: 0))
        let planner = PlanActor(username: "planner", role: .planner), architect = PlanActor(username: "architect", role: .architect)

        func plan(_ title: String) async throws -> Plan {
            let now = Date()
            let input = try JSONDecoder().decode(PlanInput.self, from: Data("""
                {"title": "\(title)", "kind": "detailed", "architects": ["architect"],
                 "area": {"type": "Polygon", "coordinates": [[[23.90,54.88],[23.96,54.88],[23.96,54.92],[23.90,54.92],[23.90,54.88]]]},
                 "consultation": {"start": "\(ISOTime.format(now.addingTimeInterval(-60)))", "end": "\(ISOTime.format(now.addingTimeInterval(86_400)))"}}
                """.utf8))
            let p = try await service.createPlan(input, by: planner)
            _ = try await service.addVersion(planId: p.id, VersionInput(note: "bench"), by: planner)
            return try await service.transition(planId: p.id, TransitionInput(to: "consultation"), by: planner)
        }
        let kinds = ["objection", "proposal", "support", "question"]
        func fill(_ planId: Int64, count: Int, answerEvery: Int) async throws {
            let points = BoundingBox(minX: 23.90, minY: 54.88, maxX: 23.96, maxY: 54.92).randomPoints(count: count, seed: 7)
            for i in 0..<count {
                let location: JSONValue = .object(["type": .string("Point"), "coordinates": .array([.number(points[i].x), .number(points[i].y)])])
                let c = try await service.submitComment(planId: planId, CommentInput(
                    kind: kinds[i % 4], text: "Pastaba Nr. \(i): Žaliakalnio gatvės medžiai turi būti išsaugoti, o šaligatviai praplatinti.",
                    name: "Gyventojas \(i)", email: "g\(i)@example.lt", location: i % 2 == 0 ? location : nil))
                if i % answerEvery == 0 {
                    _ = try await service.answer(commentId: c.id, AnswerInput(decision: "partly_accepted",
                        reasoning: "Atsižvelgta iš dalies: medžiai išsaugomi, šaligatvis praplatinamas iki 3 m, dviračių takas neįrengiamas."), by: architect)
                }
                if (i + 1) % 2_000 == 0 { FileHandle.standardError.write(Data("plan \(planId): \(i + 1) comments\n".utf8)) }
            }
            _ = try await service.publishAnswers(planId: planId, ids: nil, by: planner)
        }

        let big = try await plan("Register bench")
        try await fill(big.id, count: comments, answerEvery: 10)
        var bytes = 0
        let register = try await medianAsync(runs: runs) {
            let (p, cs) = try await service.register(planId: big.id)
            bytes = PlanDocuments.register(plan: p, comments: cs).utf8.count
        }
        // What the route does: the same document, rebuilt only when the plan's revision moved.
        _ = try await service.publicRegisterJSON(planId: big.id)
        let cached = try await medianAsync(runs: runs) { _ = try await service.publicRegisterJSON(planId: big.id) }

        // Where the register's time goes: the store's read, and the JSON writing.
        let read = try await medianAsync(runs: runs) { _ = try await store.comments(planId: big.id, publishedOnly: true, includeHidden: true) }
        let (bigPlan, bigComments) = try await service.register(planId: big.id)
        let write = median(runs: runs) { _ = PlanDocuments.register(plan: bigPlan, comments: bigComments) }

        let small = try await plan("Report bench")
        try await fill(small.id, count: reportComments, answerEvery: 1)
        var pages = 0
        let pdf = try await medianAsync(runs: pdfRuns) {
            let bytes = try ReportPDF.render(try await service.report(planId: small.id))
            pages = bytes.count
        }
        print("| measurement | size | median | goal |")
        print("|---|---|---|---|")
        print(String(format: "| public register after a change (read + JSON) | %d comments, %d KB | %.1f ms | ≤ 50 ms |", comments, bytes / 1024, register * 1000))
        print(String(format: "| public register, unchanged since the last request (revision cache) | %d comments | %.2f ms | ≤ 50 ms |", comments, cached * 1000))
        print(String(format: "| … of which the store's read | | %.1f ms | |", read * 1000))
        print(String(format: "| … of which writing the JSON | | %.1f ms | |", write * 1000))
        print(String(format: "| PDF report (read + draw) | %d answered comments, %d KB | %.0f ms | ≤ 2,000 ms |", reportComments, pages / 1024, pdf * 1000))
    }
}
