/// The eIDAS levels of assurance, ordered: `low < substantial < high`.
public enum AssuranceLevel: String, Sendable, CaseIterable, Comparable, Codable {
    case low, substantial, high

    public static func < (a: AssuranceLevel, b: AssuranceLevel) -> Bool { a.rank < b.rank }
    var rank: Int { switch self { case .low: 0; case .substantial: 1; case .high: 2 } }
}

/// Something a resident may do that a city can reserve for residents signed in at a level
/// (`IdentitySettings.requiredLevels`): the key is its name in the configuration.
public struct IdentityOperation: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Sending a report through the web form (default: anyone, signed in or not).
    public static let report = IdentityOperation(rawValue: "report")
    /// Seeing and changing what Miestas keeps about oneself (`/me`; default: low).
    public static let account = IdentityOperation(rawValue: "account")
    /// Writing and signing petitions (issue 19; default: substantial).
    public static let petitionCreate = IdentityOperation(rawValue: "petition.create")
    public static let petitionSign = IdentityOperation(rawValue: "petition.sign")

    /// The levels a city gets without configuring any.
    public static let defaultLevels: [IdentityOperation: AssuranceLevel] = [
        .account: .low, .petitionCreate: .substantial, .petitionSign: .substantial,
    ]
}
