import Messages
import Store

/// Every message of the planning module: the case name is the key (`msg.planning.<case>` in
/// Data/web/i18n), the raw value the English template. Avoid plural forms in templates (Lithuanian
/// has three): put counts after a colon.
public enum PlanningText: String, MessageCatalogue {
    public static let prefix = "msg.planning."

    // Plans
    case planNotFound = "plan {id} not found"
    case archivedPlanCannotChange = "an archived plan cannot change"
    case documentFixedInStage = "the plan's title, description, kind and area can change only in the draft, answering or revised stage; it is in {stage}"
    case architectsFixedAfterSubmission = "architects can change only until the plan is submitted; it is {stage}"
    case windowFixedOnceOpened = "the consultation's start and end are fixed once it is opened (the plan is in {stage})"
    case versionNotInStage = "a new version can be published in the draft, answering or revised stage; the plan is in {stage}"
    case noSuchArchitect = "architects: there is no staff user '{name}'"
    case notAnArchitect = "architects: '{name}' is a {role}, not an architect"
    case consultationStartFormat = "consultation.start must be ISO 8601 with an offset, e.g. 2026-12-01T09:00:00+02:00"
    case consultationEndFormat = "consultation.end must be ISO 8601 with an offset, e.g. 2026-12-15T17:00:00+02:00"

    // Fields
    case fieldEmpty = "{field} must not be empty"
    case fieldTooLong = "{field} is {length} characters long; at most {max} are allowed"
    case fieldNotOneOf = "{field} must be one of: {values}"

    // Geometry
    case notGeometryObject = "{field} must be a GeoJSON geometry object"
    case crsShape = "{field}.crs must be {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:...\"}}"
    case crsNeedsName = "{field}.crs.properties needs a \"name\""
    case geometryUnreadable = "{field}: {detail}"
    case coordinatesOutOfRange = "{field}: coordinates must be longitude/latitude within ±180/±90 (or name the CRS with \"crs\")"
    case geometryEmpty = "{field} is empty"
    case areaNotPolygonal = "area must be a Polygon or MultiPolygon, not a {type}"
    case locationNotPointOrPolygon = "location must be a Point or a Polygon, not a {type}"
    case ringNotClosed = "{field}: every ring needs at least 4 positions and must end where it starts"
    case geometryInvalid = "{field} is not a valid geometry: {reason}"
    case locationUnmeasurable = "location cannot be measured against the plan area: {detail}"

    // Stages
    case unknownStage = "\"to\" must be one of: {stages}"
    case stageMoveNotAllowed = "a plan in the {from} stage cannot move to {to}; it can move to: {options}"
    case stageIsLast = "a plan in the {from} stage cannot move to {to}; it can move to: none: it is the last stage"
    case stageMoveSignIn = "sign in: moving a plan to {to} takes one of: {roles}"
    case stageMoveForbidden = "a {audience} may not move a plan to {to}; it takes one of: {roles}"
    case versionBeforeConsultation = "publish a version of the plan before opening its consultation"
    case windowBeforeConsultation = "set the consultation's start and end before opening it"
    case windowEndPassed = "the consultation's end ({end}) has passed; set a new window"
    case consultationStillOpen = "the consultation is still open until {end}; the hearing comes after it closes"
    case consultationStillOpenNoEnd = "the consultation is still open until its end; the hearing comes after it closes"
    case hearingDateFormat = "the hearing's \"date\" must be ISO 8601 with an offset, e.g. 2026-12-20T17:00:00+02:00"
    case hearingNeedsDatePlace = "a hearing needs its \"date\" (ISO 8601) and \"place\""
    case hearingPlaceEmpty = "the hearing's place must not be empty"
    case minutesBeforeAnswering = "attach the hearing's minutes (POST /api/v1/plans/{id}/attachments?role=minutes) before moving to answering"
    case commentsAwaitModeration = "comments awaiting moderation: {count}; publish or hide them first"
    case answersMissing = "objections or proposals still lacking a published answer: {count}; the plan cannot leave answering"
    case revisedVersionMissing = "publish the revised version (POST /api/v1/plans/{id}/versions) before moving to revised"

    // The consultation window
    case windowEndsBeforeStart = "the consultation must end after it starts"
    case windowTooShort = "the consultation must last at least {minimum} days; this one lasts {days}"
    case draftNoComments = "the plan is a draft: its consultation has not been opened, so no comments are accepted yet"
    case consultationNoWindow = "the consultation has no start and end"
    case consultationUpcoming = "the consultation opens at {start}; no comments are accepted before then"
    case consultationClosed = "the consultation closed at {end}; no more comments are accepted"
    case consultationOver = "the consultation is over: the plan is in the {stage} stage, where no comments are accepted"

    // Who may act
    case signInRequired = "sign in: this takes one of: {roles}"
    case forbiddenForAudience = "a {audience} may not do this; it takes one of: {roles}"

    // Attachments
    case archivedPlanNoAttachments = "an archived plan takes no more attachments"
    case fileMissing = "send the file as the request body"
    case fileTooLarge = "the file is {size} bytes; at most {max} are allowed"
    case fileWrongType = "the file must be a PDF, JPEG or PNG file"
    case fileTypeMismatch = "the file is {type} but was sent as {declared}"
    case attachmentNotFound = "attachment {id} not found"
    case commentAttachmentNotFound = "comment {id} has no public attachment"

    // Comments and moderation
    case locationTooFar = "location lies more than {metres} m from the plan area"
    case attachmentNotBase64 = "attachment must be base64-encoded"
    case commentAttachmentTooLarge = "the attachment is {size} bytes; at most {max} are allowed"
    case commentAttachmentWrongType = "attachment must be a PDF, JPEG or PNG file"
    case commentNotFound = "comment {id} not found"
    case moderationNotInStage = "comments can be moderated in the consultation, hearing and answering stages; the plan is in {stage}"
    case duplicateOfMissing = "\"duplicate_of\" must name the original comment's id"
    case duplicateOfItself = "a comment cannot be a duplicate of itself"
    case duplicateOfOtherPlan = "duplicate_of: comment {original} is not a comment on plan {plan}"
    case duplicateOfDuplicate = "comment {original} is itself a duplicate of {root}: mark this one a duplicate of {root}"
    case assignNotArchitect = "\"architect\" must be one of the plan's architects: {architects}"
    case unknownModerationAction = "\"action\" must be one of: publish, hide, duplicate, assign"
    case emailInvalid = "email must be an email address (it is used only to send the answer and is never published)"

    // Answers
    case notPlanArchitect = "{user} is not an architect of plan {plan} and cannot answer its comments"
    case commentAssignedToOther = "comment {id} is assigned to {architect}"
    case answerNotInStage = "answers are written in the consultation, hearing and answering stages; the plan is in {stage}"
    case commentNotPublished = "comment {id} is {status}: only published comments are answered"
    case answerPublishedFixed = "the answer to comment {id} is published and cannot change"
    case publishNotInStage = "answers are published in the consultation, hearing and answering stages; the plan is in {stage}"
    case idsEmpty = "\"ids\" must not be empty (leave it out to publish every drafted answer)"
    case commentNotOnPlan = "comment {id} is not a comment on plan {plan}"
    case noDraftedAnswer = "comment {id} has no drafted answer"
    case answerPublishedAlready = "the answer to comment {id} is published already"
    case nothingToPublish = "there are no drafted answers to publish"

    // The API's requests (Server)
    case noSuchId = "no such id"
    case bodyTooLarge = "the request body is larger than {limit} bytes"
    case jsonExpected = "send JSON like {example}: {detail}"
    case jsonExpectedNoDetail = "send JSON like {example}"

    // Reports (PDF)
    case pdfSurfaceFailed = "Cairo cannot create a PDF surface"
    case pdfDrawFailed = "Cairo cannot draw"
    case pdfWriteFailed = "Cairo failed to write the PDF"

    // The store: a lost race (its reason as the store gives it) or a failure
    case changedMeanwhile = "{reason}"
    case storeFailed = "{detail}"
}

extension PlanningText {
    /// Every field name the planning messages pass as `.field` (each needs `msg.field.<name>`).
    public static let fields = ["title", "description", "kind", "organiser", "moderation", "reason", "location", "area",
                                "place", "text", "name", "decision", "reasoning", "note", "role"]
}

/// The role vocabulary: staff roles and the resident, under `msg.role.<name>`.
extension StaffUser.Role: MessageTerm { public static let vocabulary = "msg.role." }
extension Audience: MessageTerm { public static let vocabulary = "msg.role." }
extension PlanStage: MessageTerm { public static let vocabulary = "stage_" }
extension PlanKind: MessageTerm { public static let vocabulary = "kind_" }
extension CommentKind: MessageTerm { public static let vocabulary = "comment_" }
extension CommentStatus: MessageTerm { public static let vocabulary = "comment_status_" }
extension ModerationMode: MessageTerm { public static let vocabulary = "moderation_" }
extension AnswerDecision: MessageTerm { public static let vocabulary = "decision_" }
extension PlanAttachment.Role: MessageTerm { public static let vocabulary = "attachment_" }
