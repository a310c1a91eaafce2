import Foundation
import Planning
import Store
import Testing

/// The PDF report, checked with poppler (`pdftoppm`, `pdftotext`; Tools/bootstrap installs
/// poppler-utils): it opens, every page renders, and every comment and answer is in the text.
@Suite struct ReportPDFTests {
    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func everyCommentAndAnswerIsInARenderablePDF() async throws {
        guard let pdftoppm = Self.tool("pdftoppm"), let pdftotext = Self.tool("pdftotext") else {
            print("skipped: pdftoppm/pdftotext not installed (run Tools/bootstrap)")
            return
        }
        let f = try await PlanningFixture()
        defer { f.cleanUp() }
        let plan = try await f.openedPlan()
        f.clock.advance(days: 2)
        var ids: [Int64] = []
        let long = String(repeating: "Žaliakalnio gatvės ąžuolai čia auga šimtą metų. ", count: 40)
        for i in 0..<60 {
            let kind = ["objection", "proposal", "support", "question"][i % 4]
            let location = i % 3 == 0 ? PlanningFixture.point(23.93 + Double(i) * 0.0001, 54.905) : nil
            let c = try await f.comment(plan.id, kind: kind, text: "Pastaba-\(i)-žymė. " + (i == 7 ? long : "Trumpa."), location: location)
            ids.append(c.id)
        }
        _ = try await f.consultations.moderate(commentId: ids[5], ModerationInput(action: "hide", reason: "Įžeidus turinys"), by: f.planner)
        for (i, id) in ids.enumerated() where i % 4 < 2 && i != 5 {
            _ = try await f.consultations.answer(commentId: id, AnswerInput(decision: "rejected", reasoning: "Atsakymas-\(i)-pagrindimas."), by: f.architect)
        }
        _ = try await f.consultations.publishAnswers(planId: plan.id, ids: nil, by: f.planner)
        let pdf = try ReportPDF.render(try await f.consultations.report(planId: plan.id))
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        let file = f.directory.appendingPathComponent("report.pdf")
        try Data(pdf).write(to: file)

        let (textStatus, _) = try Self.run(pdftotext, ["-layout", file.path, file.path + ".txt"])
        #expect(textStatus == 0)
        let text = try String(contentsOf: URL(fileURLWithPath: file.path + ".txt"), encoding: .utf8)
        for i in 0..<60 where i != 5 { #expect(text.contains("Pastaba-\(i)-žymė."), "comment \(i) is missing") }
        #expect(!text.contains("Pastaba-5-žymė."))
        #expect(text.contains("Įžeidus turinys"))
        for i in 0..<60 where i % 4 < 2 && i != 5 { #expect(text.contains("Atsakymas-\(i)-pagrindimas."), "answer \(i) is missing") }
        #expect(text.contains("Žaliakalnio detalusis planas"))
        #expect(!text.contains("ona@example.lt"))

        let prefix = f.directory.appendingPathComponent("page").path
        let (renderStatus, output) = try Self.run(pdftoppm, ["-r", "30", "-png", file.path, prefix])
        #expect(renderStatus == 0, "\(output)")
        let pages = try FileManager.default.contentsOfDirectory(atPath: f.directory.path).filter { $0.hasPrefix("page") && $0.hasSuffix(".png") }
        #expect(pages.count >= 3, "\(pages)")
        for page in pages {
            let size = (try FileManager.default.attributesOfItem(atPath: f.directory.appendingPathComponent(page).path)[.size] as? Int) ?? 0
            #expect(size > 500, "\(page) is empty")
        }
    }
}
