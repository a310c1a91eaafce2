import Foundation
import Planning
@testable import Reports
import Store
import Testing
@testable import Web

@Suite struct TranslationsTests {
    static let folder = WebSettings.defaultFolder
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Web")

    func matches(_ pattern: String, in text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: pattern)
        return Set(regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { m in
            Range(m.range(at: 1), in: text).map { String(text[$0]) }
        })
    }

    @Test func bothLanguagesHaveEveryKeyAndNoEmptyText() throws {
        let translations = try Translations(folder: Self.folder)
        #expect(translations.missingKeys().isEmpty, "\(translations.missingKeys())")
        for language in [Language.lt, .en] {
            let empty = translations.table(language).filter { $0.value.trimmingCharacters(in: .whitespaces).isEmpty }.keys
            #expect(empty.isEmpty, "\(language): \(empty.sorted())")
        }
        // The languages differ: an untranslated copy would pass the key check.
        let same = translations.table(.lt).filter { translations.table(.en)[$0.key] == $0.value }.keys
        #expect(same.count < 5, "identical in both languages: \(same.sorted())")
    }

    @Test func everyKeyTheTemplatesAndPagesUseIsTranslated() throws {
        let translations = try Translations(folder: Self.folder)
        var used = Set<String>()
        let templates = Self.folder.appendingPathComponent("templates")
        for name in try FileManager.default.contentsOfDirectory(atPath: templates.path) where name.hasSuffix(".mustache") {
            used.formUnion(matches(#"\{\{[#^/]?t\.([a-z0-9_-]+)\}\}"#, in: try String(contentsOf: templates.appendingPathComponent(name), encoding: .utf8)))
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.sources.path) where name.hasSuffix(".swift") {
            used.formUnion(matches(#"text\("([a-z0-9_-]+)""#, in: try String(contentsOf: Self.sources.appendingPathComponent(name), encoding: .utf8)))
        }
        #expect(used.count > 100)
        // The names built from values: every status, resolution, stage, kind, decision, ...
        used.formUnion(ReportStatus.allCases.map { "status_\($0.rawValue)" })
        used.formUnion(Resolution.allCases.map { "resolution_\($0.rawValue)" })
        used.formUnion(PlanStage.allCases.map { "stage_\($0.rawValue)" })
        used.formUnion(PlanKind.allCases.map { "kind_\($0.rawValue)" })
        used.formUnion(CommentKind.allCases.map { "comment_\($0.rawValue)" })
        used.formUnion(CommentStatus.allCases.map { "comment_status_\($0.rawValue)" })
        used.formUnion(AnswerDecision.allCases.map { "decision_\($0.rawValue)" })
        used.formUnion(ModerationMode.allCases.map { "moderation_\($0.rawValue)" })
        used.formUnion(PlanAttachment.Role.allCases.map { "attachment_\($0.rawValue)" })
        used.formUnion(PetitionState.allCases.map { "petition_state_\($0.rawValue)" })
        used.formUnion(PetitionRejectionCode.allCases.map { "rejection_\($0.rawValue)" })
        used.formUnion(PetitionDecision.allCases.map { "petition_decision_\($0.rawValue)" })
        used.formUnion(WebPages.petitionNotices.map { "petition_done_\($0)" })
        used.formUnion(WebPages.moderationNotices.map { "moderation_done_\($0)" })
        used.formUnion(["reports", "clusters", "heatmap", "districts", "district-density", "plans"].map { "layer_\($0)" })
        used.formUnion(["error_not_found", "error_forbidden", "error_sign_in", "error_bad_request", "error_unavailable"])
        for language in [Language.lt, .en] {
            let missing = used.subtracting(translations.table(language).keys)
            #expect(missing.isEmpty, "\(language) lacks \(missing.sorted())")
        }
    }

    @Test func theWeeklyChartIsSVGWithOneBarPerWeek() {
        let weeks = (0..<8).map { DistrictSummary.Week(start: Date(timeIntervalSince1970: Double($0) * 7 * 86_400), count: $0 * 3) }
        let svg = WeeklyChart(weeks: weeks, title: "Reports <per> week", dayText: { String(LocalTime.utc.format($0).prefix(10)) }).svg
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 8)
        #expect(svg.contains("Reports &lt;per> week"))
        #expect(svg.contains("1970-01-01: 0") && svg.contains(": 21</title>"))
    }
}
