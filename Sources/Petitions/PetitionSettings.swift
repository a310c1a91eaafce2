import Foundation

/// The signature counts at which the municipality must answer a petition and at which it goes
/// onto the council's agenda.
public struct PetitionThresholds: Sendable, Hashable {
    public var response: Int
    public var council: Int
    public init(response: Int, council: Int) { self.response = response; self.council = council }
}

/// What a city configures about petitions (`petitions.*` in the settings). The sign-in level for
/// writing and signing is `identity.required_levels.petition.create` / `petition.sign`
/// (default `substantial`).
public struct PetitionSettings: Sendable, Hashable {
    /// Sponsors a petition needs before it goes to moderation.
    public var sponsorsNeeded = 5
    /// How long an approved petition stays open, in days (at most 365).
    public var openDays = 90
    /// The municipality's thresholds.
    public var thresholds = PetitionThresholds(response: 1000, council: 2000)
    /// Thresholds for petitions about one district, by district code.
    public var districtThresholds: [String: PetitionThresholds] = [:]
    /// Residents per district code (`municipality.district_populations`): signatures per 1,000
    /// residents where known.
    public var districtPopulations: [String: Int] = [:]
    /// Text limits, in characters.
    public var maximumTitle = 200
    public var maximumText = 10_000
    public var maximumReason = 1_000

    public static let maximumOpenDays = 365

    public init() {}

    /// The thresholds that apply to `petition`'s district (the municipality's when none is set).
    public func thresholds(district: String?) -> PetitionThresholds {
        district.flatMap { districtThresholds[$0] } ?? thresholds
    }
}
