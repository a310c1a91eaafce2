/// A WMS service exception: one of the spec's codes (06-042 Table E.1, plus the OWS codes servers
/// also use), a message for people, and the offending parameter.
public struct WMSError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, CaseIterable, Sendable {
        case invalidFormat = "InvalidFormat"
        case invalidCRS = "InvalidCRS"
        case layerNotDefined = "LayerNotDefined"
        case styleNotDefined = "StyleNotDefined"
        case layerNotQueryable = "LayerNotQueryable"
        case invalidPoint = "InvalidPoint"
        case currentUpdateSequence = "CurrentUpdateSequence"
        case invalidUpdateSequence = "InvalidUpdateSequence"
        case missingDimensionValue = "MissingDimensionValue"
        case invalidDimensionValue = "InvalidDimensionValue"
        case operationNotSupported = "OperationNotSupported"
        case missingParameterValue = "MissingParameterValue"
        case invalidParameterValue = "InvalidParameterValue"
        /// Not a client error: the server failed (reported, never crashes).
        case noApplicableCode = "NoApplicableCode"

        /// WMS 1.1.1 calls the CRS an SRS.
        func name(for version: WMSVersion) -> String {
            version == .v111 && self == .invalidCRS ? "InvalidSRS" : rawValue
        }
    }

    public let code: Code
    public let message: String
    public let locator: String?

    public init(_ code: Code, _ message: String, locator: String? = nil) {
        self.code = code; self.message = message; self.locator = locator
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
