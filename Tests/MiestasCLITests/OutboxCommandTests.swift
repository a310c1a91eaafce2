import Foundation
import Planning
import Store
import TestSupport
import Testing

/// The outbox from the command line and from `serve`, against a real SMTP server (aiosmtpd).
@Suite(.serialized) struct OutboxCommandTests {
    /// A database with two published answers waiting in the outbox.
    static func answered(_ cli: CLI) async throws {
        let store = try SpatiaLiteStore(path: cli.database)
        _ = try await store.addUser(username: "rasa", role: .planner, passwordHash: "-")
        _ = try await store.addUser(username: "tomas", role: .architect, passwordHash: "-")
        let media = MediaLibrary(directory: URL(fileURLWithPath: cli.database).deletingLastPathComponent().appendingPathComponent("media"))
        let service = Consultations(store: store, users: store, media: media, settings: PlanningSettings(minConsultationDays: 0))
        let planner = PlanActor(username: "rasa", role: .planner), architect = PlanActor(username: "tomas", role: .architect)
        let input = try JSONDecoder().decode(PlanInput.self, from: Data("""
            {"title": "Šilainių planas", "kind": "detailed", "architects": ["tomas"],
             "area": {"type": "Polygon", "coordinates": [[[23.93,54.90],[23.94,54.90],[23.94,54.91],[23.93,54.90]]]},
             "consultation": {"start": "\(ISOTime.format(Date().addingTimeInterval(-60)))", "end": "\(ISOTime.format(Date().addingTimeInterval(3_600)))"}}
            """.utf8))
        let plan = try await service.createPlan(input, by: planner)
        _ = try await service.addVersion(planId: plan.id, VersionInput(note: "v1"), by: planner)
        _ = try await service.transition(planId: plan.id, TransitionInput(to: "consultation"), by: planner)
        for who in ["ona", "jonas"] {
            let c = try await service.submitComment(planId: plan.id, CommentInput(kind: "objection", text: "Prieštarauju", name: who, email: "\(who)@example.lt"))
            _ = try await service.answer(commentId: c.id, AnswerInput(decision: "rejected", reasoning: "Sprendinys atitinka bendrąjį planą."), by: architect)
        }
        _ = try await service.publishAnswers(planId: plan.id, ids: nil, by: planner)
    }

    @Test func sendRetryAndListTellWhatHappened() async throws {
        let cli = CLI()
        try await Self.answered(cli)
        #expect(try cli.run(["outbox", "list"]).stdout.components(separatedBy: "waiting").count == 3)
        let noRelay = try cli.run(["outbox", "send"])
        #expect(noRelay.status != 0 && noRelay.stderr.contains("--smtp-host HOST --smtp-from ADDRESS"))
        let noFrom = try cli.run(["outbox", "send", "--smtp-host", "127.0.0.1"])
        #expect(noFrom.status != 0 && noFrom.stderr.contains("--smtp-host: smtp.host needs smtp.from"), "\(noFrom.stderr)")
        let badFrom = try cli.run(["outbox", "send", "--smtp-host", "127.0.0.1", "--smtp-from", "planavimas"])
        #expect(badFrom.status != 0 && badFrom.stderr.contains("not a deliverable email address"))

        // The relay is down: both wait for a retry, and say why.
        let port = try LocalSMTPServer.freePort()
        let relay = ["--smtp-host", "127.0.0.1", "--smtp-port", String(port), "--smtp-from", "planavimas@kaunas.lt"]
        let down = try cli.run(["outbox", "send"] + relay)
        #expect(down.status == 0 && down.stdout.contains("0 sent, 2 to retry later, 0 failed"), "\(down.stdout)\(down.stderr)")
        let waiting = try cli.run(["outbox", "list", "--unsent"]).stdout
        #expect(waiting.contains("retry at") && waiting.contains("cannot connect to the mail server 127.0.0.1:\(port)"))
        // Up again, but the pause is not over: nothing goes until retried by hand.
        let server = try LocalSMTPServer(onPort: port)
        defer { server.stop() }
        #expect(try cli.run(["outbox", "send"] + relay).stdout.contains("0 sent, 0 to retry later, 0 failed"))
        #expect(try cli.run(["outbox", "retry", "1", "2", "99"]).stdout.contains("2 messages due again"))
        #expect(try cli.run(["outbox", "send"] + relay).stdout.contains("2 sent, 0 to retry later, 0 failed"))
        #expect(try server.messages().map(\.to).sorted() == ["jonas@example.lt", "ona@example.lt"])
        #expect(try server.messages().allSatisfy { $0.subject.hasSuffix("Šilainių planas") })
        #expect(try cli.run(["outbox", "list", "--unsent"]).stderr.contains("the outbox is empty"))
    }

    @Test func serveDeliversTheOutboxThroughTheRelay() async throws {
        let cli = CLI()
        try await Self.answered(cli)
        let server = try LocalSMTPServer()
        defer { server.stop() }
        let serve = Process()
        serve.executableURL = CLI.binary
        serve.arguments = ["serve", "--database", cli.database, "--port", String(try LocalSMTPServer.freePort()),
                           "--smtp-host", "127.0.0.1", "--smtp-port", String(server.port), "--smtp-from", "planavimas@kaunas.lt"]
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { serve.terminate(); serve.waitUntilExit() }
        let deadline = Date().addingTimeInterval(60)
        while try server.messages().count < 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(250)) }
        #expect(try server.messages().map(\.to).sorted() == ["jonas@example.lt", "ona@example.lt"])
        let store = try SpatiaLiteStore(path: cli.database)
        while try await !store.outbox(unsentOnly: true).isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(250)) }
        #expect(try await store.outbox(unsentOnly: true).isEmpty)
    }
}
