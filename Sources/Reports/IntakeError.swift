/// Why a submission was refused. Each maps to one Open311 error (Server decides the status:
/// 404 for an unknown service, 400 for the rest) with this description shown to the user.
public enum IntakeError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingService
    case unknownService(String)
    case noCoordinates
    case addressWithoutCoordinates
    case invalidField(name: String, reason: String)
    case missingAttribute(code: String, question: String)
    case invalidAttribute(code: String, reason: String)
    case unknownAttribute(String)
    case outsideServiceArea(lat: Double, long: Double)
    case unavailable(String)

    public var description: String {
        switch self {
        case .missingService: "service_code is required"
        case .unknownService(let code): "service_code '\(code)' not found"
        case .noCoordinates: "lat and long are required (WGS84 decimal degrees)"
        case .addressWithoutCoordinates:
            "lat and long are required: this server has no geocoder, so an address_string or address_id alone cannot be placed on the map"
        case .invalidField(let name, let reason): "\(name) \(reason)"
        case .missingAttribute(let code, let question): "attribute[\(code)] is required (\(question))"
        case .invalidAttribute(let code, let reason): "attribute[\(code)] \(reason)"
        case .unknownAttribute(let code): "attribute[\(code)] is not an attribute of this service"
        case .outsideServiceArea(let lat, let long): "the location (\(lat), \(long)) is outside the service area: no district covers it"
        case .unavailable(let reason): "the report could not be saved: \(reason)"
        }
    }

    /// True when the thing asked for does not exist (Open311 answers 404).
    public var isNotFound: Bool { if case .unknownService = self { true } else { false } }
}
