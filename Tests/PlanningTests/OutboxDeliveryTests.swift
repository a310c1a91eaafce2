import Foundation
import Mail
import Planning
import Store
import TestSupport
import Testing

/// Answers published reach their commenters through a real SMTP server (aiosmtpd).
@Suite(.serialized) struct OutboxDeliveryTests {
    /// A plan with two published comments by different people, both answered and published.
    func answeredPlan(_ f: PlanningFixture, longReasoning: Bool = false) async throws -> Plan {
        let plan = try await f.openedPlan(days: 14)
        f.clock.advance(days: 2)
        let first = try await f.comment(plan.id, kind: "objection", text: "Nekirskite medžių.")
        let second = try await f.consultations.submitComment(planId: plan.id, CommentInput(
            kind: "proposal", text: "Įrenkite dviračių taką.", name: "Jonas Jonaitis", email: "jonas@example.lt"))
        _ = try await f.consultations.answer(commentId: first.id, AnswerInput(decision: "partly_accepted", reasoning: "Medžiai bus išsaugoti, išskyrus du."), by: f.architect)
        _ = try await f.consultations.answer(commentId: second.id, AnswerInput(
            decision: "accepted", reasoning: longReasoning ? String(repeating: "Dviračių takas bus įrengtas. ", count: 150) : "Takas bus."), by: f.architect)
        _ = try await f.consultations.publishAnswers(planId: plan.id, ids: nil, by: f.planner)
        return plan
    }

    func delivery(_ f: PlanningFixture, port: Int) throws -> OutboxDelivery {
        OutboxDelivery(store: f.store, client: SMTPClient(host: "127.0.0.1", port: port, heloName: "miestas.test", timeout: .seconds(60)),
                       from: try MailAddress("planavimas@kaunas.lt"))
    }

    @Test func publishedAnswersAreMailedOnceAndMarkedSent() async throws {
        let f = try await PlanningFixture()
        defer { f.cleanUp() }
        let server = try LocalSMTPServer()
        defer { server.stop() }
        let plan = try await answeredPlan(f)
        let delivery = try delivery(f, port: server.port)
        #expect(try await delivery.deliverDue(at: f.clock.now) == OutboxDelivery.Round(sent: 2))
        // Nothing left: a second round sends nothing again.
        #expect(try await delivery.deliverDue(at: f.clock.now).isEmpty)
        let received = try server.messages()
        #expect(received.map(\.to).sorted() == ["jonas@example.lt", "ona@example.lt"])
        let ona = try #require(received.first { $0.to == "ona@example.lt" })
        #expect(ona.from == "planavimas@kaunas.lt")
        #expect(ona.subject == "Atsakymas į jūsų pastabą / Answer to your comment: \(plan.title)")
        #expect(ona.body.contains("Medžiai bus išsaugoti, išskyrus du."))
        #expect(ona.body.contains("Decision: partly accepted"))
        let outbox = try await f.store.outbox(unsentOnly: false)
        #expect(outbox.allSatisfy { $0.state == .sent && $0.attempts == 1 && $0.sentAt != nil })
        #expect(Set(received.map(\.messageID)) == Set(outbox.map { "<outbox-\($0.id)-\(Int64($0.createdAt.timeIntervalSince1970 * 1000))@kaunas.lt>" }))
    }

    @Test func aDownRelayDefersWithAGrowingPauseAndTheMessagesGoWhenItIsBack() async throws {
        let f = try await PlanningFixture()
        defer { f.cleanUp() }
        _ = try await answeredPlan(f)
        let port = try LocalSMTPServer.freePort()
        let delivery = try delivery(f, port: port)
        let now = f.clock.now
        #expect(try await delivery.deliverDue(at: now) == OutboxDelivery.Round(deferred: 2))
        var outbox = try await f.store.outbox(unsentOnly: true)
        #expect(outbox.count == 2)
        #expect(outbox.allSatisfy { $0.state == .pending && $0.attempts == 1 && $0.lastError?.contains("cannot connect") == true })
        #expect(outbox.allSatisfy { abs($0.nextAttemptAt!.timeIntervalSince(now) - 60) < 1 })
        // Not due again before the pause is over.
        #expect(try await delivery.deliverDue(at: now.addingTimeInterval(30)).isEmpty)
        #expect(try await delivery.deliverDue(at: now.addingTimeInterval(61)) == OutboxDelivery.Round(deferred: 2))
        outbox = try await f.store.outbox(unsentOnly: true)
        #expect(outbox.allSatisfy { $0.attempts == 2 && abs($0.nextAttemptAt!.timeIntervalSince(now.addingTimeInterval(61)) - 120) < 1 })
        #expect(OutboxDelivery.retryDelay(afterAttempts: 30) == 12 * 3600)
        // The relay comes up on that port; the next due round delivers both.
        let server = try LocalSMTPServer(onPort: port)
        defer { server.stop() }
        #expect(try await delivery.deliverDue(at: now.addingTimeInterval(200)) == OutboxDelivery.Round(sent: 2))
        #expect(try server.messages().count == 2)
    }

    @Test func aPermanentRefusalIsKeptAsFailedUntilRetriedByHand() async throws {
        let f = try await PlanningFixture()
        defer { f.cleanUp() }
        _ = try await answeredPlan(f, longReasoning: true)
        // The relay refuses messages over 3,000 bytes for good (552): Jonas's long answer.
        let strict = try LocalSMTPServer(maxSize: 3_000)
        #expect(try await delivery(f, port: strict.port).deliverDue(at: f.clock.now) == OutboxDelivery.Round(sent: 1, failed: 1))
        strict.stop()
        let failed = try #require(try await f.store.outbox(unsentOnly: true).first)
        #expect(failed.recipient == "jonas@example.lt")
        #expect(failed.state == .failed)
        #expect(failed.lastError?.contains("552") == true)
        let roomy = try LocalSMTPServer()
        defer { roomy.stop() }
        let delivery = try delivery(f, port: roomy.port)
        #expect(try await delivery.deliverDue(at: f.clock.now).isEmpty)
        #expect(try await f.store.requeueOutbox(ids: nil, at: f.clock.now) == 1)
        #expect(try await delivery.deliverDue(at: f.clock.now) == OutboxDelivery.Round(sent: 1))
        #expect(try roomy.messages().map(\.to) == ["jonas@example.lt"])
        #expect(try await f.store.outbox(unsentOnly: true).isEmpty)
    }

    @Test func aCommentEmailMustBeMailable() async throws {
        let f = try await PlanningFixture()
        defer { f.cleanUp() }
        let plan = try await f.openedPlan(days: 14)
        f.clock.advance(days: 2)
        for bad in ["ona@localhost", "ona@example.lt>, x@y.lt", "\"ona\"@example.lt", "oną@example.lt"] {
            let e = await planningError { _ = try await f.consultations.submitComment(planId: plan.id, CommentInput(kind: "question", text: "?", name: "Ona", email: bad)) }
            #expect(e?.isInvalid == true, "\(bad)")
        }
    }
}
