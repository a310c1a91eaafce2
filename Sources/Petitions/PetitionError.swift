import Store

/// Why a petition operation was refused; each maps to one HTTP status in `Server`.
public enum PetitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No such petition (or one the asker may not see).
    case notFound
    /// The input is wrong (400).
    case invalid(String)
    /// The move is not allowed in the petition's state, or the person may not make it twice (409).
    case refused(String)
    /// The person may not do this (403).
    case forbidden(String)
    /// The store failed (503).
    case unavailable(String)

    public var description: String {
        switch self {
        case .notFound: "no such petition"
        case .invalid(let s), .refused(let s), .forbidden(let s), .unavailable(let s): s
        }
    }

    static func store(_ error: StoreError) -> PetitionError {
        if case .conflict(let reason) = error { return .refused(reason) }
        return .unavailable(error.description)
    }
}
