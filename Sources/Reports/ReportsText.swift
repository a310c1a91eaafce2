import Messages
import Store

/// Every message of the status workflow: the case name is the key (`msg.workflow.<case>` in
/// Data/web/i18n), the raw value the English template.
public enum WorkflowText: String, MessageCatalogue {
    public static let prefix = "msg.workflow."

    case reportNotFound = "report {id} not found"
    case alreadyInStatus = "the report is {status} already"
    case invalidTransition = "a report cannot go from {from} to {to}: it moves forward (open → acknowledged → in_progress → closed) or is reopened from closed"
    case missingNote = "a status change needs a note saying why"
    case noteTooLong = "the note is longer than 4000 characters"
    case missingResolution = "closing needs a resolution: fixed, duplicate, not_responsible or no_further_action"
    case unexpectedResolution = "only closing takes a resolution"
    /// A lost race, with the store's reason.
    case changedMeanwhile = "{reason}"
    case notSaved = "the change could not be saved: {reason}"
}

/// Every message of intake (Open311 submissions and the report form): the case name is the key
/// (`msg.intake.<case>`), the raw value the English template. The reasons of `invalidField` and
/// `invalidAttribute` follow the field's name, so they start with a verb ("is empty").
public enum IntakeText: String, MessageCatalogue {
    public static let prefix = "msg.intake."

    case missingService = "service_code is required"
    case unknownService = "service_code '{code}' not found"
    case noCoordinates = "lat and long are required (WGS84 decimal degrees)"
    case addressWithoutCoordinates = "lat and long are required: this server has no geocoder, so an address_string or address_id alone cannot be placed on the map"
    case invalidField = "{name} {reason}"
    case missingAttribute = "attribute[{code}] is required ({question})"
    case invalidAttribute = "attribute[{code}] {reason}"
    case unknownAttribute = "attribute[{code}] is not an attribute of this service"
    case outsideServiceArea = "the location ({lat}, {long}) is outside the service area: no district covers it"
    case notSaved = "the report could not be saved: {reason}"

    // Why a field was refused
    case latitudeRange = "must be a latitude in decimal degrees between -90 and 90, got '{value}'"
    case longitudeRange = "must be a longitude in decimal degrees between -180 and 180, got '{value}'"
    case notEmail = "is not an e-mail address"
    case mediaURLWithPhoto = "cannot be sent together with an uploaded photo (media): send one or the other"
    case notWebURL = "must be an http or https URL"
    case fieldTooLong = "is longer than {max} characters ({length})"
    case photoEmpty = "is empty"
    case photoTooLarge = "is {size} bytes; photos may be at most 10 MB"
    case photoNotImage = "is not a JPEG or PNG image (its first bytes say neither)"
    case photoDamaged = "is a damaged {format}: its dimensions cannot be read"
    case photoTooManyPixels = "is {width} × {height} pixels; photos may be at most {side} pixels a side and 60 megapixels"

    // Why an attribute's answer was refused
    case oneValueOnly = "takes one value, got {count}"
    case answerTooLong = "is longer than {max} characters"
    case notANumber = "must be a number, got '{value}'"
    case belowMinimum = "must be at least {minimum}, got {value}"
    case aboveMaximum = "must be at most {maximum}, got {value}"
    case notADateTime = "must be an ISO 8601 date and time with an offset, e.g. 2026-11-21T14:30:00+02:00"
    case notInList = "'{value}' is not one of: {values}"
    case repeatsValue = "repeats a value"

    /// Every field name intake passes as `.field` (each needs `msg.field.<name>`).
    public static let fields = ["lat", "long", "email", "media", "media_url", "description", "address_string", "address_id",
                                "phone", "first_name", "last_name", "device_id", "account_id"]
}

extension ReportStatus: MessageTerm { public static let vocabulary = "status_" }
extension Resolution: MessageTerm { public static let vocabulary = "resolution_" }

extension Message {
    /// Why a field or an attribute's answer was refused.
    static func intake(_ text: IntakeText, _ arguments: [String: MessageArgument] = [:]) -> Message { Message(text, arguments) }
}
