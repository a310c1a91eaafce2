import Messages

/// Why a sign-in, a session or an operation was refused. Every case says what happened in words
/// a resident can act on (`message`, translated on the pages); none leaves a session behind.
public enum IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The provider id is not configured.
    case unknownProvider(String)
    /// The provider could not be reached, was too slow, or answered with something unusable.
    case providerUnavailable(provider: String, reason: String)
    /// The provider said no (the resident cancelled, a code was already used, ...): its OAuth
    /// error code and description.
    case providerRefused(provider: String, error: String, description: String?)
    /// The callback's `state` is unknown, used already, expired, or from another browser.
    case invalidState
    /// The callback or the provider's answer is malformed (no code, no ID token, ...).
    case invalidResponse(String)
    /// The ID token failed a check: which one, in English (a technical detail for the page).
    case invalidToken(String)
    /// The provider vouched for a lower level than was asked.
    case levelTooLow(required: AssuranceLevel, got: AssuranceLevel)
    /// The operation needs a resident signed in at this level (step-up when signed in lower).
    case signInRequired(AssuranceLevel)
    /// Too many sign-ins are under way; try again shortly.
    case busy
    /// A staff sign-in through the provider for a subject the configuration does not list.
    case notStaff
    /// The database failed.
    case unavailable(String)

    public var message: Message {
        switch self {
        case .unknownProvider(let id): Message(IdentityText.unknownProvider, ["provider": .text(id)])
        case .providerUnavailable(let provider, let reason): Message(IdentityText.providerUnavailable, ["provider": .text(provider), "reason": .text(reason)])
        case .providerRefused(let provider, let error, let description):
            Message(IdentityText.providerRefused, ["provider": .text(provider), "error": .text(error + (description.map { ": \($0)" } ?? ""))])
        case .invalidState: Message(IdentityText.invalidState)
        case .invalidResponse(let reason): Message(IdentityText.invalidResponse, ["reason": .text(reason)])
        case .invalidToken(let reason): Message(IdentityText.invalidToken, ["reason": .text(reason)])
        case .levelTooLow(let required, let got): Message(IdentityText.levelTooLow, ["required": .term(required), "got": .term(got)])
        case .signInRequired(let level): Message(IdentityText.signInRequired, ["level": .term(level)])
        case .busy: Message(IdentityText.busy)
        case .notStaff: Message(IdentityText.notStaff)
        case .unavailable(let reason): Message(IdentityText.unavailable, ["reason": .text(reason)])
        }
    }

    public var description: String { message.description }
}

extension AssuranceLevel: MessageTerm {
    public static let vocabulary = "level_"
}

/// Identity's messages: the case name is the key (`msg.identity.<case>` in Data/web/i18n).
public enum IdentityText: String, MessageCatalogue {
    public static let prefix = "msg.identity."

    case unknownProvider = "there is no identity provider '{provider}' here"
    case providerUnavailable = "the identity provider {provider} cannot be reached now ({reason}); nothing was changed, try again later"
    case providerRefused = "the identity provider {provider} did not sign you in ({error})"
    case invalidState = "this sign-in link has expired, was used already or was started in another browser: start signing in again"
    case invalidResponse = "the identity provider's answer cannot be used: {reason}"
    case invalidToken = "the identity provider's answer failed a security check: {reason}"
    case levelTooLow = "this needs a sign-in at level {required}; the provider confirmed only {got}"
    case signInRequired = "this needs you to sign in at level {level} at least"
    case busy = "too many sign-ins are under way: try again in a minute"
    case notStaff = "this account of the identity provider is not a staff member of this city"
    case unavailable = "sign-in is unavailable now: {reason}"
}
