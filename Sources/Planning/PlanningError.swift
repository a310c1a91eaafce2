import Messages
import Store

/// Why a planning request was refused, each with a message for the person who sent it (its
/// templates are `PlanningText`). `status` (in Web, for the API and the pages) maps them to HTTP:
/// 400, 401, 403, 404, 409, 413, 503.
public enum PlanningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is malformed or breaks a limit (400).
    case invalid(Message)
    /// The action needs a signed-in staff member (401).
    case signInRequired(Message)
    /// The signed-in user may not do this (403).
    case forbidden(Message)
    /// No such plan, comment or attachment (404).
    case notFound(Message)
    /// The plan's stage or state does not allow it now (409).
    case conflict(Message)
    /// An upload is larger than allowed (413).
    case tooLarge(Message)
    /// The store failed (503).
    case unavailable(Message)

    public static func invalid(_ text: PlanningText, _ arguments: [String: MessageArgument] = [:]) -> PlanningError { .invalid(Message(text, arguments)) }
    public static func signInRequired(_ text: PlanningText, _ arguments: [String: MessageArgument] = [:]) -> PlanningError { .signInRequired(Message(text, arguments)) }
    public static func forbidden(_ text: PlanningText, _ arguments: [String: MessageArgument] = [:]) -> PlanningError { .forbidden(Message(text, arguments)) }
    public static func notFound(_ text: PlanningText, _ arguments: [String: MessageArgument] = [:]) -> PlanningError { .notFound(Message(text, arguments)) }
    public static func conflict(_ text: PlanningText, _ arguments: [String: MessageArgument] = [:]) -> PlanningError { .conflict(Message(text, arguments)) }
    public static func tooLarge(_ text: PlanningText, _ arguments: [String: MessageArgument] = [:]) -> PlanningError { .tooLarge(Message(text, arguments)) }
    public static func unavailable(_ text: PlanningText, _ arguments: [String: MessageArgument] = [:]) -> PlanningError { .unavailable(Message(text, arguments)) }

    /// The message, to render in a language.
    public var message: Message {
        switch self {
        case .invalid(let m), .signInRequired(let m), .forbidden(let m), .notFound(let m), .conflict(let m), .tooLarge(let m),
             .unavailable(let m): m
        }
    }

    /// The message in English.
    public var description: String { message.description }

    /// A store failure: a lost race is a conflict, anything else means the store is unavailable.
    static func from(_ error: Error) -> PlanningError {
        if let e = error as? PlanningError { return e }
        if case .conflict(let reason) = error as? StoreError { return .conflict(.changedMeanwhile, ["reason": .text(reason)]) }
        return .unavailable(.storeFailed, ["detail": .text("\(error)")])
    }
}
