import Foundation
import Hummingbird
import HummingbirdTesting
import Planning
import Server
import Store
import Testing

/// A plan's whole procedure over HTTP, with the real clock: the consultation opens five
/// seconds after it is announced and closes fifteen seconds later.
@Suite struct PlanningLifecycleTests {
    typealias F = PlanningHTTPFixture

    func sleep(until date: Date) async throws {
        let wait = date.timeIntervalSinceNow
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000) + 1)) }
    }

    @Test func fromDraftToArchiveOverHTTP() async throws {
        try await F.run { client, f in
            var start = Date().addingTimeInterval(2.5), end = start.addingTimeInterval(6)
            // Create: a planner may, a resident may not (401), an architect may not (403).
            #expect(try await f.call(client, .post, "/api/v1/plans", json: F.planJSON(start: start, end: end)).status == .unauthorized)
            #expect(try await f.call(client, .post, "/api/v1/plans", as: "tomas", json: F.planJSON(start: start, end: end)).status == .forbidden)
            #expect(try await f.call(client, .post, "/api/v1/plans", as: "rasa", json: #"{"title": "x"}"#).status == .badRequest)
            let created = try await f.call(client, .post, "/api/v1/plans", as: "rasa", json: F.planJSON(start: start, end: end))
            #expect(created.status == .created)
            let plan = try F.object(created)
            #expect(plan["stage"] as? String == "draft")
            let id = try #require(plan["id"] as? Int)
            let base = "/api/v1/plans/\(id)"
            #expect(try await f.call(client, .get, "/api/v1/plans/999999").status == .notFound)
            // The largest id is named exactly in the refusal (it once crashed the server).
            let largest = try await f.call(client, .get, "/api/v1/plans/9223372036854775807")
            #expect(largest.status == .notFound && String(buffer: largest.body).contains("9223372036854775807"))

            // Draft: no comments; a version; then open.
            let draftComment = try await f.call(client, .post, base + "/comments", json: F.commentJSON())
            #expect(draftComment.status == .conflict)
            #expect((try F.object(draftComment)["detail"] as? String)?.contains("draft") == true)
            #expect(try await f.call(client, .post, base + "/transitions", as: "rasa", json: #"{"to": "consultation"}"#).status == .conflict)  // no version
            #expect(try await f.call(client, .post, base + "/versions", as: "rasa", json: #"{"note": "pirmas"}"#).status == .created)
            // The window again from now: on a loaded machine the steps above can outlast the first.
            // It stays open for 15 s, so that the steps inside it finish in it under load too.
            start = Date().addingTimeInterval(5)
            end = start.addingTimeInterval(15)
            let window = #"{"consultation": {"start": "\#(F.iso(start))", "end": "\#(F.iso(end))"}}"#
            #expect(try await f.call(client, .patch, base, as: "rasa", json: window).status == .ok)
            let opened = try await f.call(client, .post, base + "/transitions", as: "rasa", json: #"{"to": "consultation"}"#)
            #expect(opened.status == .ok, "\(String(buffer: opened.body))")
            #expect(try F.object(opened)["stage"] as? String == "consultation")
            #expect(try await f.call(client, .post, base + "/transitions", as: "rasa", json: #"{"to": "flying"}"#).status == .badRequest)

            // Before the start: refused with the reason.
            let early = try await f.call(client, .post, base + "/comments", json: F.commentJSON())
            #expect(early.status == .conflict)
            #expect((try F.object(early)["detail"] as? String)?.contains("opens at") == true)

            try await sleep(until: start.addingTimeInterval(0.2))
            let objection = try await f.call(client, .post, base + "/comments", json: F.commentJSON(location: #"{"type": "Point", "coordinates": [23.935, 54.905]}"#))
            #expect(objection.status == .created)
            #expect(try F.object(objection)["status"] as? String == "published")
            let objectionId = try #require(try F.object(objection)["id"] as? Int)
            let proposal = try await f.call(client, .post, base + "/comments", json: F.commentJSON(kind: "proposal", text: "Dviračių takas"))
            let proposalId = try #require(try F.object(proposal)["id"] as? Int)
            // Validation: too long, bad email, far away, bad kind.
            let tooLong = F.commentJSON(text: String(repeating: "a", count: 5_001))
            #expect(try await f.call(client, .post, base + "/comments", json: tooLong).status == .badRequest)
            #expect(try await f.call(client, .post, base + "/comments", json: #"{"kind": "objection", "text": "x", "name": "A", "email": "nope"}"#).status == .badRequest)
            #expect(try await f.call(client, .post, base + "/comments", json: F.commentJSON(location: #"{"type": "Point", "coordinates": [24.5, 54.9]}"#)).status == .badRequest)
            #expect(try await f.call(client, .post, base + "/comments", json: F.commentJSON(kind: "rant")).status == .badRequest)

            // Moderation: a resident cannot (401), an architect cannot (403), a planner can.
            let moderation = "/api/v1/comments/\(proposalId)/moderation"
            #expect(try await f.call(client, .post, moderation, json: #"{"action": "assign", "architect": "tomas"}"#).status == .unauthorized)
            #expect(try await f.call(client, .post, moderation, as: "tomas", json: #"{"action": "assign", "architect": "tomas"}"#).status == .forbidden)
            #expect(try await f.call(client, .post, moderation, as: "rasa", json: #"{"action": "assign", "architect": "lina"}"#).status == .badRequest)
            #expect(try await f.call(client, .post, moderation, as: "rasa", json: #"{"action": "assign", "architect": "tomas"}"#).status == .ok)

            // Answers: a planner cannot; an architect not assigned to the plan cannot; tomas can.
            let answer = "/api/v1/comments/\(objectionId)/answer"
            let reasoning = #"{"decision": "partly_accepted", "reasoning": "Medžiai išsaugomi, išskyrus du."}"#
            #expect(try await f.call(client, .post, answer, as: "rasa", json: reasoning).status == .forbidden)
            let notAssigned = try await f.call(client, .post, answer, as: "lina", json: reasoning)
            #expect(notAssigned.status == .forbidden)
            #expect((try F.object(notAssigned)["detail"] as? String)?.contains("not an architect of plan") == true)
            #expect(try await f.call(client, .post, answer, json: reasoning).status == .unauthorized)
            #expect(try await f.call(client, .post, answer, as: "tomas", json: #"{"decision": "maybe", "reasoning": "x"}"#).status == .badRequest)
            #expect(try await f.call(client, .post, answer, as: "tomas", json: reasoning).status == .ok)
            // The draft is not public yet.
            let register1 = try F.object(try await f.call(client, .get, base + "/comments"))
            let first = try #require((register1["comments"] as? [[String: Any]])?.first)
            #expect(first["answer"] is NSNull)
            #expect(try await f.call(client, .post, base + "/answers/publish", as: "tomas").status == .forbidden)
            let published = try await f.call(client, .post, base + "/answers/publish", as: "rasa")
            #expect(published.status == .ok)
            #expect(try F.object(published)["published"] as? [Int] == [objectionId])

            let register2 = try await f.call(client, .get, base + "/comments")
            #expect(!String(buffer: register2.body).contains("ona@example.lt"))
            let answered = try #require((try F.object(register2)["comments"] as? [[String: Any]])?.first { $0["id"] as? Int == objectionId })
            #expect((answered["answer"] as? [String: Any])?["decision"] as? String == "partly_accepted")
            #expect(((try F.object(register2)["statistics"] as? [String: Any])?["by_kind"] as? [String: Int])?["objection"] == 1)

            // After the end: refused though nothing ran at the end.
            try await sleep(until: end.addingTimeInterval(0.2))
            let late = try await f.call(client, .post, base + "/comments", json: F.commentJSON())
            #expect(late.status == .conflict)
            #expect((try F.object(late)["detail"] as? String)?.contains("closed at") == true)

            // Hearing: needs date and place; minutes before answering.
            #expect(try await f.call(client, .post, base + "/transitions", as: "rasa", json: #"{"to": "hearing"}"#).status == .badRequest)
            let hearing = #"{"to": "hearing", "date": "\#(F.iso(Date().addingTimeInterval(86_400)))", "place": "Rotušė"}"#
            #expect(try await f.call(client, .post, base + "/transitions", as: "rasa", json: hearing).status == .ok)
            #expect(try await f.call(client, .post, base + "/transitions", as: "rasa", json: #"{"to": "answering"}"#).status == .conflict)
            #expect(try await f.call(client, .post, base + "/attachments?role=minutes", as: "rasa", bytes: Array("hello".utf8), contentType: "text/plain").status == .badRequest)
            #expect(try await f.call(client, .post, base + "/attachments?role=minutes", as: "rasa", bytes: F.pdfBytes, contentType: "image/png").status == .badRequest)
            #expect(try await f.call(client, .post, base + "/attachments?role=minutes", as: "rasa",
                                     bytes: F.pdfBytes + [UInt8](repeating: 32, count: 70 * 1024), contentType: "application/pdf").status == .contentTooLarge)
            let minutes = try await f.call(client, .post, base + "/attachments?role=minutes&title=Protokolas", as: "rasa", bytes: F.pdfBytes, contentType: "application/pdf")
            #expect(minutes.status == .created)
            let url = try #require(try F.object(minutes)["url"] as? String)
            let file = try await f.call(client, .get, url)
            #expect(file.headers[.contentType] == "application/pdf")
            #expect([UInt8](Data(buffer: file.body)) == F.pdfBytes)
            #expect(try await f.call(client, .post, base + "/transitions", as: "rasa", json: #"{"to": "answering"}"#).status == .ok)

            // Answering cannot be left with the proposal unanswered.
            let stuck = try await f.call(client, .post, base + "/transitions", as: "rasa", json: #"{"to": "revised"}"#)
            #expect(stuck.status == .conflict)
            #expect((try F.object(stuck)["detail"] as? String)?.contains("still lacking a published answer") == true)
            #expect(try await f.call(client, .post, "/api/v1/comments/\(proposalId)/answer", as: "tomas", json: #"{"decision": "accepted", "reasoning": "Bus takas."}"#).status == .ok)
            #expect(try await f.call(client, .post, base + "/answers/publish", as: "vadovas", json: #"{"ids": [\#(proposalId)]}"#).status == .ok)
            #expect(try await f.call(client, .post, base + "/transitions", as: "rasa", json: #"{"to": "revised"}"#).status == .conflict)  // no new version
            #expect(try await f.call(client, .patch, base, as: "rasa", json: #"{"description": "Pataisyta po svarstymo"}"#).status == .ok)
            #expect(try await f.call(client, .post, base + "/versions", as: "rasa", json: #"{"note": "antras"}"#).status == .created)
            for (who, to) in [("rasa", "revised"), ("rasa", "submitted")] {
                #expect(try await f.call(client, .post, base + "/transitions", as: who, json: #"{"to": "\#(to)"}"#).status == .ok)
            }
            #expect(try await f.call(client, .post, base + "/transitions", as: "rasa", json: #"{"to": "approved"}"#).status == .forbidden)
            #expect(try await f.call(client, .post, base + "/transitions", as: "vadovas", json: #"{"to": "approved"}"#).status == .ok)

            // The versions, reports, audit log, feed and outbox.
            let versions = try #require(try JSONSerialization.jsonObject(with: Data(buffer: try await f.call(client, .get, base + "/versions").body)) as? [[String: Any]])
            #expect(versions.map { $0["number"] as? Int } == [1, 2])
            let pdf = try await f.call(client, .get, base + "/report.pdf")
            #expect(pdf.headers[.contentType] == "application/pdf")
            #expect([UInt8](Data(buffer: pdf.body)).starts(with: Array("%PDF-".utf8)))
            let csv = try await f.call(client, .get, base + "/report.csv")
            #expect(String(buffer: csv.body).hasPrefix("comment_id,version,created_at,kind"))
            #expect(!String(buffer: csv.body).contains("ona@example.lt"))
            let report = try F.object(try await f.call(client, .get, base + "/report.json"))
            #expect((report["comments"] as? [Any])?.count == 2)
            let audit = try #require(try JSONSerialization.jsonObject(with: Data(buffer: try await f.call(client, .get, base + "/audit").body)) as? [[String: Any]])
            let actions = audit.compactMap { $0["action"] as? String }
            for expected in ["plan created", "consultation opened", "consultation closed", "comment received", "comment assigned",
                             "answer drafted", "answer published", "stage changed", "attachment added"] {
                #expect(actions.contains(expected), "\(expected) missing from \(actions)")
            }
            #expect(!String(describing: audit).contains("ona@example.lt"))
            let feed = try await f.call(client, .get, "/feeds/plans/\(id).atom")
            #expect(feed.headers[.contentType] == "application/atom+xml; charset=utf-8")
            #expect(String(buffer: feed.body).contains("Answer to comment \(objectionId): partly accepted"))
            #expect(try await f.call(client, .get, "/feeds/plans/424242.atom").status == .notFound)
            let outbox = try await f.store.outbox(unsentOnly: true)
            #expect(outbox.count == 2)
            #expect(outbox.allSatisfy { $0.recipient == "ona@example.lt" && $0.body.contains("Reasoning") })
            #expect(AuditChain.verify(try await f.store.auditEntries(planId: nil)) == nil)
        }
    }
}
