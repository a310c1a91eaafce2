import Geo

/// Where a signer is counted: the one rule the JSON API and the pages share.
public struct SignerDistrict: Sendable, Hashable {
    /// The district's code; nil when the signer neither was placed by the provider nor gave an address.
    public var code: String?
    /// True when the identity provider told the residence (see `Petitions.counted`).
    public var fromProvider: Bool

    /// The residence the provider told wins over an address the signer placed: a district of the
    /// municipality, or none when the provider places the signer outside it (then the signer still
    /// counts for the whole municipality, but no district petition counts them). Else the district
    /// the address lies in; else none. An address outside every district is refused, not dropped.
    public static func place(residence: String?, location: Coordinate?, districtCodes: Set<String>,
                             locate: (Coordinate) -> String?) throws(PetitionError) -> SignerDistrict {
        if let residence { return SignerDistrict(code: districtCodes.contains(residence) ? residence : nil, fromProvider: true) }
        guard let location else { return SignerDistrict(code: nil, fromProvider: false) }
        guard location.x.isFinite, location.y.isFinite, (-180...180).contains(location.x), (-90...90).contains(location.y) else {
            throw .invalid(.locationRange)
        }
        guard let code = locate(location) else {
            throw .invalid(.locationOutside)
        }
        return SignerDistrict(code: code, fromProvider: false)
    }

    /// How the district was found, as the API names it: provider, address or none (nil).
    public var source: String? { fromProvider ? "provider" : code != nil ? "address" : nil }
}
