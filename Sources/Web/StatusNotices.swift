import Foundation
import Store

/// Emails to residents about their reports: when a report made by a signed-in resident changes
/// status and that resident asked for notices (and agreed to keep their email), a message in
/// their language goes into the outbox, which the mail sender delivers with the others.
public struct StatusNotices: Sendable {
    let translations: Translations
    let store: any ResidentStore
    /// Service names by code, in the catalogue's languages.
    let serviceNames: [String: Service]
    /// The site's address, for links in the message (`https://miestas.example.lt`).
    let siteURL: String

    public init(folder: URL, store: any ResidentStore, services: [String: Service], siteURL: String) throws {
        translations = try Translations(folder: folder)
        self.store = store; serviceNames = services
        self.siteURL = siteURL.hasSuffix("/") ? String(siteURL.dropLast()) : siteURL
    }

    /// Queues the notice for `report`'s new status, if its resident wants one.
    public func statusChanged(_ report: Report, at now: Date = Date()) async throws(StoreError) {
        guard let residentId = report.details.residentId, let resident = try await store.resident(id: residentId),
              resident.notifyStatusChanges, let email = resident.email else { return }
        let (subject, body) = text(report, language: resident.language.map(Language.init(rawValue:)) ?? .lt)
        try await store.enqueueResidentNotice(residentId: residentId, recipient: email, subject: subject, body: body, at: now)
    }

    func text(_ report: Report, language: Language) -> (subject: String, body: String) {
        let d = report.details
        let values = [
            "id": String(report.id), "status": translations.text("status_\(d.status.rawValue)", language),
            "service": serviceNames[d.serviceCode]?.name.text(language.rawValue) ?? d.serviceCode,
            "note": report.statusNotes ?? "", "url": "\(siteURL)/reports/\(report.id)", "me": "\(siteURL)/me",
        ]
        func fill(_ key: String) -> String {
            values.reduce(translations.text(key, language)) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        return (fill("notice_subject"), fill("notice_body"))
    }
}
