import Foundation
import Hummingbird
import HummingbirdTesting
import Planning
import Testing

/// Every planning endpoint, called by every role and by a resident without a login, against
/// one table of who may call it. A denied call must answer 401 (no login) or 403 (wrong role);
/// an allowed one must answer neither. The table here is written out independently and must
/// also equal the one `Planning` enforces, so a change to either shows up.
@Suite struct PlanningAuthorizationMatrixTests {
    typealias F = PlanningHTTPFixture
    static let everyone: Set<Audience> = Set(Audience.allCases)
    static let planners: Set<Audience> = [.planner, .admin]

    struct Endpoint: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var action: PlanAction
        var allowed: Set<Audience>
        var json: String? = nil
        var bytes: [UInt8]? = nil
    }

    /// `P` is the plan's id, `C` a comment's, `A` an attachment's.
    static let endpoints: [Endpoint] = [
        Endpoint(method: .get, path: "/api/v1/plans", action: .listPlans, allowed: everyone),
        Endpoint(method: .post, path: "/api/v1/plans", action: .createPlan, allowed: planners,
                 json: F.planJSON(start: Date(), end: Date().addingTimeInterval(3_600), title: "Matrica")),
        Endpoint(method: .get, path: "/api/v1/plans/P", action: .readPlan, allowed: everyone),
        Endpoint(method: .patch, path: "/api/v1/plans/P", action: .editPlan, allowed: planners, json: #"{"organiser": "Savivaldybė"}"#),
        Endpoint(method: .get, path: "/api/v1/plans/P/versions", action: .listVersions, allowed: everyone),
        Endpoint(method: .post, path: "/api/v1/plans/P/versions", action: .addVersion, allowed: planners, json: "{}"),
        Endpoint(method: .post, path: "/api/v1/plans/P/transitions", action: .transition, allowed: planners, json: #"{"to": "hearing"}"#),
        Endpoint(method: .get, path: "/api/v1/plans/P/attachments", action: .listAttachments, allowed: everyone),
        Endpoint(method: .post, path: "/api/v1/plans/P/attachments", action: .uploadAttachment, allowed: planners, bytes: F.pdfBytes),
        Endpoint(method: .get, path: "/api/v1/attachments/A", action: .readAttachment, allowed: everyone),
        Endpoint(method: .get, path: "/api/v1/plans/P/comments", action: .readRegister, allowed: everyone),
        Endpoint(method: .get, path: "/api/v1/plans/P/comments?all=true", action: .readAllComments, allowed: [.planner, .architect, .admin]),
        Endpoint(method: .post, path: "/api/v1/plans/P/comments", action: .submitComment, allowed: everyone, json: F.commentJSON(kind: "question", text: "Kada?")),
        Endpoint(method: .get, path: "/api/v1/comments/C/attachment", action: .readCommentAttachment, allowed: everyone),
        Endpoint(method: .post, path: "/api/v1/comments/C/moderation", action: .moderate, allowed: planners, json: #"{"action": "publish"}"#),
        Endpoint(method: .post, path: "/api/v1/comments/C/answer", action: .answer, allowed: [.architect],
                 json: #"{"decision": "rejected", "reasoning": "Ne šiame plane."}"#),
        Endpoint(method: .post, path: "/api/v1/plans/P/answers/publish", action: .publishAnswers, allowed: planners),
        Endpoint(method: .get, path: "/api/v1/plans/P/report.json", action: .readReport, allowed: everyone),
        Endpoint(method: .get, path: "/api/v1/plans/P/report.csv", action: .readReport, allowed: everyone),
        Endpoint(method: .get, path: "/api/v1/plans/P/report.pdf", action: .readReport, allowed: everyone),
        Endpoint(method: .get, path: "/api/v1/plans/P/audit", action: .readAudit, allowed: everyone),
        Endpoint(method: .get, path: "/feeds/plans/P.atom", action: .readFeed, allowed: everyone),
    ]

    /// The user signed in for each audience (nil: no login). The architect is the one
    /// assigned to the plan, so the data rule (assignment) does not mask the role rule.
    static let users: [(Audience, String?)] = [(.resident, nil), (.staff, "sta"), (.planner, "rasa"), (.architect, "tomas"), (.admin, "vadovas")]

    @Test func theTableHereIsTheTablePlanningEnforces() {
        for e in Self.endpoints { #expect(Authorization.table[e.action] == e.allowed, "\(e.method) \(e.path)") }
        // And every action is reached by some endpoint.
        #expect(Set(Self.endpoints.map(\.action)) == Set(PlanAction.allCases))
    }

    @Test func everyRoleAgainstEveryEndpoint() async throws {
        try await F.run { client, f in
            // A plan in consultation (open now), with a comment carrying an attachment and a plan attachment.
            let created = try await f.call(client, .post, "/api/v1/plans", as: "rasa",
                                           json: F.planJSON(start: Date().addingTimeInterval(-60), end: Date().addingTimeInterval(3_600)))
            let planId = try #require(try F.object(created)["id"] as? Int)
            #expect(try await f.call(client, .post, "/api/v1/plans/\(planId)/versions", as: "rasa", json: "{}").status == .created)
            #expect(try await f.call(client, .post, "/api/v1/plans/\(planId)/transitions", as: "rasa", json: #"{"to": "consultation"}"#).status == .ok)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]
            let comment = try await f.call(client, .post, "/api/v1/plans/\(planId)/comments",
                                           json: #"{"kind": "objection", "text": "Su nuotrauka", "name": "Jonas", "email": "j@example.lt", "attachment": "\#(Data(png).base64EncodedString())"}"#)
            #expect(comment.status == .created)
            let commentId = try #require(try F.object(comment)["id"] as? Int)
            // A comment's attachment: over the cap is 413, a type other than PDF/JPEG/PNG is 400.
            let big = Data(png + [UInt8](repeating: 0, count: 40 * 1024)).base64EncodedString()
            #expect(try await f.call(client, .post, "/api/v1/plans/\(planId)/comments",
                                     json: #"{"kind": "question", "text": "x", "name": "J", "email": "j@example.lt", "attachment": "\#(big)"}"#).status == .contentTooLarge)
            let gif = Data("GIF89a......".utf8).base64EncodedString()
            #expect(try await f.call(client, .post, "/api/v1/plans/\(planId)/comments",
                                     json: #"{"kind": "question", "text": "x", "name": "J", "email": "j@example.lt", "attachment": "\#(gif)"}"#).status == .badRequest)
            let attachment = try await f.call(client, .post, "/api/v1/plans/\(planId)/attachments?title=Brezinys", as: "rasa", bytes: F.pdfBytes)
            let attachmentId = try #require(try F.object(attachment)["id"] as? Int)
            let commentFile = try await f.call(client, .get, "/api/v1/comments/\(commentId)/attachment")
            #expect(commentFile.headers[.contentType] == "image/png")

            var checked = 0
            for e in Self.endpoints {
                for (audience, user) in Self.users {
                    let uri = e.path.replacingOccurrences(of: "P", with: String(planId)).replacingOccurrences(of: "C", with: String(commentId))
                        .replacingOccurrences(of: "/A", with: "/\(attachmentId)")
                    let r = try await f.call(client, e.method, uri, as: user, json: e.json, bytes: e.bytes,
                                             contentType: e.bytes == nil ? nil : "application/pdf")
                    let label = "\(e.method) \(uri) as \(audience.rawValue): \(r.status.code) \(String(buffer: r.body).prefix(200))"
                    if e.allowed.contains(audience) {
                        #expect(r.status != .unauthorized && r.status != .forbidden, "should be allowed: \(label)")
                        #expect(r.status.code < 500, "server error: \(label)")
                    } else {
                        #expect(r.status == (user == nil ? .unauthorized : .forbidden), "should be denied: \(label)")
                    }
                    checked += 1
                }
            }
            #expect(checked == Self.endpoints.count * 5)
            // A token that is not valid is refused even where no login is needed.
            var headers: HTTPFields = [.authorization: "Bearer st_forged"]
            headers[.contentType] = "application/json"
            let forged = try await client.execute(uri: "/api/v1/plans", method: .get, headers: headers) { $0 }
            #expect(forged.status == .unauthorized)
        }
    }
}
