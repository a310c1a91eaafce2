import Messages

/// Why a submission was refused. Each maps to one Open311 error (Server decides the status:
/// 404 for an unknown service, 400 for the rest) with this description shown to the user.
public enum IntakeError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingService
    case unknownService(String)
    case noCoordinates
    case addressWithoutCoordinates
    case invalidField(name: String, reason: Message)
    case missingAttribute(code: String, question: String)
    case invalidAttribute(code: String, reason: Message)
    case unknownAttribute(String)
    case outsideServiceArea(lat: Double, long: Double)
    case unavailable(String)

    /// The message (templates in `IntakeText`), to render in a language.
    public var message: Message {
        switch self {
        case .missingService: Message(IntakeText.missingService)
        case .unknownService(let code): Message(IntakeText.unknownService, ["code": .text(code)])
        case .noCoordinates: Message(IntakeText.noCoordinates)
        case .addressWithoutCoordinates: Message(IntakeText.addressWithoutCoordinates)
        case .invalidField(let name, let reason): Message(IntakeText.invalidField, ["name": .field(name), "reason": .message(reason)])
        case .missingAttribute(let code, let question): Message(IntakeText.missingAttribute, ["code": .text(code), "question": .text(question)])
        case .invalidAttribute(let code, let reason): Message(IntakeText.invalidAttribute, ["code": .text(code), "reason": .message(reason)])
        case .unknownAttribute(let code): Message(IntakeText.unknownAttribute, ["code": .text(code)])
        case .outsideServiceArea(let lat, let long): Message(IntakeText.outsideServiceArea, ["lat": .text("\(lat)"), "long": .text("\(long)")])
        case .unavailable(let reason): Message(IntakeText.notSaved, ["reason": .text(reason)])
        }
    }

    /// The message in English.
    public var description: String { message.description }

    /// True when the thing asked for does not exist (Open311 answers 404).
    public var isNotFound: Bool { if case .unknownService = self { true } else { false } }
}
