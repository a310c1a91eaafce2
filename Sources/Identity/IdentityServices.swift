import Store

/// Identity as the server runs it: the relying party and the residents' accounts over one store.
public struct IdentityServices: Sendable {
    public let settings: IdentitySettings
    public let relyingParty: RelyingParty
    public let residents: Residents

    public init(settings: IdentitySettings, store: any ResidentStore & LoginTransactionStore) {
        self.settings = settings
        relyingParty = RelyingParty(settings: settings, store: store)
        residents = Residents(store: store, settings: settings)
    }
}
