import Messages
import Store

/// Why a petition operation was refused; each maps to one HTTP status in `Server`. The message
/// is the English text of the JSON API and, on the pages, the visitor's language.
public enum PetitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No such petition (or one the asker may not see).
    case notFound
    /// The input is wrong (400).
    case invalid(Message)
    /// The move is not allowed in the petition's state, or the person may not make it twice (409).
    case refused(Message)
    /// The person may not do this (403).
    case forbidden(Message)
    /// The store failed (503).
    case unavailable(Message)

    public static func invalid(_ text: PetitionErrorText, _ arguments: [String: MessageArgument] = [:]) -> PetitionError { .invalid(Message(text, arguments)) }
    public static func refused(_ text: PetitionErrorText, _ arguments: [String: MessageArgument] = [:]) -> PetitionError { .refused(Message(text, arguments)) }
    public static func forbidden(_ text: PetitionErrorText, _ arguments: [String: MessageArgument] = [:]) -> PetitionError { .forbidden(Message(text, arguments)) }
    public static func unavailable(_ text: PetitionErrorText, _ arguments: [String: MessageArgument] = [:]) -> PetitionError { .unavailable(Message(text, arguments)) }

    /// The message, to render in a language.
    public var message: Message {
        switch self {
        case .notFound: Message(PetitionErrorText.notFound)
        case .invalid(let m), .refused(let m), .forbidden(let m), .unavailable(let m): m
        }
    }

    /// The message in English.
    public var description: String { message.description }

    static func store(_ error: StoreError) -> PetitionError {
        if case .conflict(let reason) = error { return .refused(.conflict, ["reason": .text(reason)]) }
        return .unavailable(.storeFailed, ["detail": .text(error.description)])
    }
}
