/// Persistence of the service catalogue (report categories).
public protocol ServiceStore: Sendable {
    /// Every service, in catalogue order.
    func services() async throws(StoreError) -> [Service]

    /// Replaces the whole catalogue in one transaction. Reports keep their service codes, so a
    /// code that disappears from the catalogue stays readable on old reports.
    func replaceServices(_ services: [Service]) async throws(StoreError)
}
