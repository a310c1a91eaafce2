import Foundation
import GRDB
import Planning
import Store
import Testing

/// `miestas config check`, `miestas demo seed` and `reports import --shift-to`, run as a user would.
@Suite(.serialized) struct DemoAndConfigTests {
    @Test func configCheckPrintsTheEffectiveSettingsOrEveryProblem() throws {
        let cli = CLI()
        let ok = try cli.run(["config", "check", "--config", "Data/demo/miestas.toml", "--port", "9"], withDatabase: false)
        #expect(ok.status != 0, "config check takes no --port")
        let good = try cli.run(["config", "check", "--config", "Data/demo/miestas.toml", "--set", "server.port=8181"], withDatabase: false)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("time_zone") && good.stdout.contains("Europe/Vilnius   # file (Data/demo/miestas.toml:8)"))
        #expect(good.stdout.contains("8181   # command line (--set server.port)"))
        #expect(good.stderr.contains("configuration OK"))

        let folder = URL(fileURLWithPath: cli.database).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bad = folder.appendingPathComponent("bad.toml").path
        try "[server]\nport = 0\nhots = \"x\"\n[municipality]\ntime_zone = \"Mars/Olympus\"\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try cli.run(["config", "check", "--config", bad], withDatabase: false)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(bad):2: server.port: 0 is out of range (1 to 65535)"))
        #expect(refused.stderr.contains("\(bad):3: no setting named 'server.hots' (did you mean server.host?)"))
        #expect(refused.stderr.contains("\(bad):5: municipality.time_zone: 'Mars/Olympus' is not an IANA time zone"))
        // The same rules for every command: serve refuses to start on it.
        let serve = try cli.run(["serve", "--config", bad])
        #expect(serve.status != 0 && serve.stderr.contains("the configuration has problems"))
        let keys = try cli.run(["config", "keys"], withDatabase: false)
        #expect(keys.stdout.contains("limits.reports_per_address  (MIESTAS_LIMITS_REPORTS_PER_ADDRESS)"))
    }

    @Test func theDemoSeedMakesAccountsAndBothConsultationsOnce() async throws {
        let cli = CLI()
        #expect(try cli.run(["districts", "import", "Data/demo/kaunas-seniunijos.geojson"]).status == 0)
        let seeded = try cli.run(["demo", "seed", "--config", "Data/demo/miestas.toml"])
        #expect(seeded.status == 0, "\(seeded.stderr)")
        // Four accounts, each with a fresh 16-character password, printed once.
        let rows = seeded.stdout.split(separator: "\n").map { $0.split(separator: " ") }
            .filter { $0.count == 3 && ["planner", "architect", "staff", "admin"].contains(String($0[1])) }
        #expect(rows.count == 4, "\(seeded.stdout)")
        let passwords = rows.map { String($0[2]) }
        #expect(passwords.allSatisfy { $0.count == 16 } && Set(passwords).count == 4)
        #expect(seeded.stdout.contains("demo consultation open now: /plans/2 (12 comments; 1 hidden, 2 awaiting moderation, 2 answered)"))
        let again = try cli.run(["demo", "seed"])
        #expect(again.status == 0 && again.stdout.isEmpty && again.stderr.contains("exist already"))
        #expect(try cli.run(["audit", "verify"]).stdout.contains("audit log intact"))

        let store = try SpatiaLiteStore(path: cli.database)
        let plans = try await store.plans()
        #expect(plans.map(\.stage) == [.archived, .consultation])
        let open = try await store.comments(planId: 2, publishedOnly: false, includeHidden: true)
        #expect(open.count == 12)
        #expect(Set(open.map(\.kind)) == Set(CommentKind.allCases))
        #expect(open.filter { $0.status == .hidden }.count == 1 && open.filter { $0.status == .pending }.count == 2)
        #expect(open.filter { $0.answer?.publishedAt != nil }.count == 2)
        let consultation = try #require(plans.last)
        let (start, end) = (try #require(consultation.consultationStart), try #require(consultation.consultationEnd))
        #expect(start < Date() && end > Date())
        // The archived plan's record: versions, the minutes, answers to every objection and proposal.
        let archived = try await store.comments(planId: 1, publishedOnly: true, includeHidden: false)
        #expect(archived.filter { $0.kind == .objection || $0.kind == .proposal }.allSatisfy { $0.answer?.publishedAt != nil })
        #expect(try await store.attachments(planId: 1).contains { $0.role == .minutes })
        #expect(try await store.versions(planId: 1).count == 2)
    }

    @Test func importsCanBeShiftedToKeepUpWithTheCalendar() async throws {
        let cli = CLI()
        #expect(try cli.run(["districts", "import", "Data/demo/kaunas-seniunijos.geojson"]).status == 0)
        let r = try cli.run(["reports", "import", "Data/demo/kaunas-reports.csv", "--mapping", "miestas", "--shift-to", "2027-06-15"])
        #expect(r.status == 0, "\(r.stderr)")
        let store = try SpatiaLiteStore(path: cli.database)
        let newest = try #require(try await store.reports(ReportQuery(limit: 1)).first?.details.requestedAt)
        let day = try #require(ISOTime.parse("2027-06-15T00:00:00+03:00"))
        #expect(newest <= day && newest > day.addingTimeInterval(-7 * 86_400), "\(newest)")
        let bad = try cli.run(["reports", "import", "Data/demo/kaunas-reports.csv", "--mapping", "miestas", "--shift-to", "someday"])
        #expect(bad.status != 0 && bad.stderr.contains("--shift-to must be today or a day"))
    }
}
