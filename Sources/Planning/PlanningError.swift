import Store

/// Why a planning request was refused, each with a message for the person who sent it.
/// `Server` maps them to HTTP: 400, 401, 403, 404, 409, 413, 503.
public enum PlanningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is malformed or breaks a limit (400).
    case invalid(String)
    /// The action needs a signed-in staff member (401).
    case signInRequired(String)
    /// The signed-in user may not do this (403).
    case forbidden(String)
    /// No such plan, comment or attachment (404).
    case notFound(String)
    /// The plan's stage or state does not allow it now (409).
    case conflict(String)
    /// An upload is larger than allowed (413).
    case tooLarge(String)
    /// The store failed (503).
    case unavailable(String)

    public var description: String {
        switch self {
        case .invalid(let s), .signInRequired(let s), .forbidden(let s), .notFound(let s), .conflict(let s), .tooLarge(let s),
             .unavailable(let s): s
        }
    }

    /// A store failure: a lost race is a conflict, anything else means the store is unavailable.
    static func from(_ error: Error) -> PlanningError {
        if let e = error as? PlanningError { return e }
        if case .conflict(let reason) = error as? StoreError { return .conflict(reason) }
        return .unavailable("\(error)")
    }
}
