import Foundation
import Hummingbird
import Petitions
import RateLimits

/// `/petition-notices/<token>`, where the link in a petition's answer email leads: the page says
/// what the subscription is and stops it only when the button is pressed (a POST). Mail
/// scanners open every link in a message on delivery; a link that acted on GET would end
/// subscriptions nobody chose to end.
extension WebPages {
    func registerPetitionNotices(on router: Router<ClientRequestContext>) {
        guard backend.petitions != nil else { return }
        router.get("petition-notices/:token", use: page { request, context, visitor in
            try await noticePage(request, context, visitor, stopped: false)
        })
        router.post("petition-notices/:token", use: form { request, context, visitor, _ in
            try await noticePage(request, context, visitor, stopped: true)
        })
    }

    func noticePage(_ request: Request, _ context: ClientRequestContext, _ visitor: Visitor, stopped: Bool) async throws -> Response {
        let petitions = backend.petitions!
        let token = context.parameters.get("token") ?? ""
        let title = pages.text("petition_notices_title", visitor)
        guard let subscription = try await petitions.subscription(token: token) else {
            return pages.page("petition-notice", title: title, ["heading": title, "unknown": pages.text("petition_notices_unknown", visitor)],
                              visitor: visitor, request: request, status: .notFound)
        }
        let petition = try await petitions.petition(id: subscription.petitionId, for: nil)
        func text(_ key: String) -> String { pages.text(key, visitor).replacingOccurrences(of: "{title}", with: petition.text.title) }
        if stopped { _ = try await petitions.unsubscribe(token: token) }
        return pages.page("petition-notice", title: title, [
            "heading": title, "token": token, "petition_id": String(petition.id), "stopped": stopped,
            "message": stopped ? text("petition_notices_stopped") : text("petition_notices_intro"),
            "button": pages.text("petition_notices_stop", visitor),
        ], visitor: visitor, request: request)
    }
}
