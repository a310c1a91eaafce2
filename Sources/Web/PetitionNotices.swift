import Foundation
import Store

/// The email that tells a subscriber a petition was answered, in their language. Its link to stop
/// these emails leads to a page with a button (`/petition-notices/<token>`): mail scanners open
/// every link on delivery, so no link may act by being opened.
public struct PetitionNotices: Sendable {
    let translations: Translations
    /// The site's address for links (`https://miestas.example.lt`).
    let siteURL: String

    public init(folder: URL, siteURL: String) throws {
        translations = try Translations(folder: folder)
        self.siteURL = siteURL.hasSuffix("/") ? String(siteURL.dropLast()) : siteURL
    }

    public func answered(_ p: Petition, _ subscriber: PetitionSubscriber) -> NewOutboxMessage {
        let language = subscriber.language.map(Language.init(rawValue:)) ?? .lt
        let values = [
            "title": p.text.title, "answer": p.answer?.text ?? "",
            "decision": p.answer.map { translations.text("petition_decision_\($0.decision.rawValue)", language) } ?? "",
            "document": p.answer?.documentURL ?? "", "url": "\(siteURL)/petitions/\(p.id)",
            "stop": "\(siteURL)/petition-notices/\(subscriber.token)",
        ]
        func fill(_ key: String) -> String {
            values.reduce(translations.text(key, language)) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        return NewOutboxMessage(commentId: nil, recipient: subscriber.email, subject: fill("petition_notice_subject"),
                                body: fill("petition_notice_body"))
    }
}
