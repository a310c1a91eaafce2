import Messages
import Store

/// The moves between states, the one place that says which are allowed:
/// `draft → collecting_sponsors → awaiting_moderation → open → closed → answered`, with the
/// exits `rejected` (undone back to `awaiting_moderation`), `hidden` and `withdrawn`.
public enum PetitionMove: String, Sendable, CaseIterable {
    case edit, collectSponsors = "collect_sponsors", submit, approve, reject, unreject, hide, withdraw, close, answer

    /// The states a move may start from.
    public var from: Set<PetitionState> {
        switch self {
        case .edit: [.draft]
        case .collectSponsors: [.draft]
        case .submit: [.draft, .collectingSponsors]
        case .approve: [.awaitingModeration]
        case .reject: [.awaitingModeration]
        case .unreject: [.rejected]
        case .hide: [.awaitingModeration, .open, .closed, .answered, .rejected]
        case .withdraw: [.draft, .collectingSponsors, .awaitingModeration, .open]
        case .close: [.open]
        case .answer: [.open, .closed]
        }
    }

    /// The state the move leads to.
    public var to: PetitionState {
        switch self {
        case .edit: .draft
        case .collectSponsors: .collectingSponsors
        case .submit: .awaitingModeration
        case .approve: .open
        case .reject: .rejected
        case .unreject: .awaitingModeration
        case .hide: .hidden
        case .withdraw: .withdrawn
        case .close: .closed
        case .answer: .answered
        }
    }

    /// How the refusal of this move names it.
    var verb: PetitionMoveVerb {
        switch self {
        case .edit: .edit
        case .collectSponsors: .collectSponsors
        case .submit: .submit
        case .approve: .approve
        case .reject: .reject
        case .unreject: .unreject
        case .hide: .hide
        case .withdraw: .withdraw
        case .close: .close
        case .answer: .answer
        }
    }

    /// Throws the refusal (with its reason) when the move cannot start from `state`.
    public func check(_ state: PetitionState) throws(PetitionError) {
        guard from.contains(state) else {
            let allowed = from.sorted { $0.rawValue < $1.rawValue }
            throw .refused(.moveNotAllowed, ["state": .term(state), "move": .message(Message(verb)), "allowed": .terms(allowed)])
        }
    }
}
