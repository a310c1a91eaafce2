import Messages
import Store

/// Every message of the petitions module: the case name is the key (`msg.petitions.<case>` in
/// Data/web/i18n), the raw value the English template (what the JSON API says). The pages show
/// the same message in the visitor's language. Counts go after a colon or in brackets
/// (Lithuanian has three plural forms).
public enum PetitionErrorText: String, MessageCatalogue {
    public static let prefix = "msg.petitions."

    case notFound = "no such petition"

    // Who may do what
    case writtenByResidents = "petitions are written by residents"
    case onlyAuthorSubmits = "only the petition's author may submit it"
    case onlyAuthor = "only the petition's author may do this"
    case onlyModerator = "only a moderator (or an admin) may do this"
    case sponsorsAreResidents = "sponsors are residents"
    case signersAreResidents = "signatures are residents'"
    case noticesAreForResidents = "notices of the answer are for residents"
    case velocityIsForModerators = "signature velocity is for moderators"
    case onlyModeratorsInvalidate = "only moderators invalidate signatures"

    // What the petition's state allows
    case moveNotAllowed = "a petition that is {state} cannot be {move} (only one that is {allowed})"
    case onlyAuthorEditsDrafts = "only the author edits a petition, and only while it is a draft"
    case sponsorsMissing = "the petition has {count} of the {needed} sponsors it needs before moderation"
    case cannotSponsorOwn = "the author cannot sponsor their own petition"
    case sponsoredAlready = "you have sponsored this petition already"
    case takesNoSponsors = "a petition that is {state} takes no sponsors (only one collecting sponsors)"
    case answeredAtThreshold = "an open petition is answered once it has {needed} signatures (it has {count}) or when it closes"
    case keepAnEmailFirst = "keep an email address on your page (/me) first: the answer is sent there"
    case willNotBeAnswered = "a petition that is {state} will not be answered, so there is nothing to wait for"
    case signedAlready = "this person has signed this petition already (through this or another provider)"
    case takesNoSignatures = "a petition that is {state} takes no signatures (only an open one)"
    case noSignatureToWithdraw = "you have no valid signature on this petition to withdraw"
    case changedMeanwhile = "the petition changed meanwhile: read it again and retry"
    /// A write lost to another (the store's reason, in English).
    case conflict = "{reason}"

    // Input
    case required = "{field}: required"
    case tooLong = "{field}: at most {max} characters"
    case containsNul = "{field}: may not contain NUL characters"
    case decisionDate = "date: write the decision's date as YYYY-MM-DD"
    case documentAddress = "document: the address (http or https, at most 2,000 characters) of the published decision"
    case fromBeforeTo = "from must be before to"
    case districtCode = "district: a district code of 1 to 100 characters"
    case publicNameTooLong = "public_name: at most 200 characters, no NUL"
    case publicNameFormula = "public_name: may not start with = + - or @"
    case locationRange = "location: longitude -180..180 and latitude -90..90"
    case locationBoth = "location: give both longitude and latitude"
    case locationNumbers = "location: give both latitude and longitude as numbers, or neither"
    case locationOutside = "location: the address placed on the map lies in none of the municipality's districts"

    // The store
    case keptChanging = "the petition kept changing while it was being closed: try again"
    case storeFailed = "{detail}"

    /// The field names the module passes as `{field}` (each under `msg.field.<name>`).
    public static let fields = ["title", "change", "reason", "act", "text"]
}

/// A move's verb, as the refusal of the move says it ("cannot be {move}"): `msg.petition_move.<case>`.
public enum PetitionMoveVerb: String, MessageCatalogue {
    public static let prefix = "msg.petition_move."

    case edit = "edited"
    case collectSponsors = "sent for sponsors"
    case submit = "submitted for moderation"
    case approve = "approved"
    case reject = "rejected"
    case unreject = "taken back from rejection"
    case hide = "hidden"
    case withdraw = "withdrawn"
    case close = "closed"
    case answer = "answered"
}

/// The petition states, under the pages' existing `petition_state_<state>` words.
extension PetitionState: MessageTerm { public static let vocabulary = "petition_state_" }
