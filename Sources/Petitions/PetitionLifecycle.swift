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

    var verb: String {
        switch self {
        case .edit: "edited"
        case .collectSponsors: "sent for sponsors"
        case .submit: "submitted for moderation"
        case .approve: "approved"
        case .reject: "rejected"
        case .unreject: "taken back from rejection"
        case .hide: "hidden"
        case .withdraw: "withdrawn"
        case .close: "closed"
        case .answer: "answered"
        }
    }

    /// Throws the refusal (with its reason) when the move cannot start from `state`.
    public func check(_ state: PetitionState) throws(PetitionError) {
        guard from.contains(state) else {
            let allowed = from.map(\.rawValue).sorted().joined(separator: ", ")
            throw .refused("a petition that is \(state.rawValue) cannot be \(verb) (only one that is \(allowed))")
        }
    }
}
