import Foundation
import Geo

/// The JSON bodies of the planning API, as sent. `Consultations` validates them; decoding
/// only checks that the JSON has the right shape.
public struct ConsultationTimes: Decodable, Sendable {
    public var start: String
    public var end: String
    public init(start: String, end: String) { self.start = start; self.end = end }
}

public struct PlanInput: Decodable, Sendable {
    public var title: String
    public var description: String?
    public var kind: String
    public var organiser: String?
    public var area: JSONValue
    public var architects: [String]?
    public var consultation: ConsultationTimes?
    public var moderation: String?

    public init(title: String, description: String? = nil, kind: String, organiser: String? = nil, area: JSONValue,
                architects: [String]? = nil, consultation: ConsultationTimes? = nil, moderation: String? = nil) {
        self.title = title; self.description = description; self.kind = kind; self.organiser = organiser; self.area = area
        self.architects = architects; self.consultation = consultation; self.moderation = moderation
    }
}

/// PATCH: every member optional; absent members stay as they are.
public struct PlanPatch: Decodable, Sendable {
    public var title: String?
    public var description: String?
    public var kind: String?
    public var organiser: String?
    public var area: JSONValue?
    public var architects: [String]?
    public var consultation: ConsultationTimes?
    public var moderation: String?
}

public struct VersionInput: Decodable, Sendable {
    public var note: String?
    public init(note: String? = nil) { self.note = note }
}

public struct TransitionInput: Decodable, Sendable {
    public var to: String
    /// The hearing's date (ISO 8601) and place, for the move to `hearing`.
    public var date: String?
    public var place: String?
    public init(to: String, date: String? = nil, place: String? = nil) { self.to = to; self.date = date; self.place = place }
}

public struct CommentInput: Decodable, Sendable {
    public var kind: String
    public var text: String
    public var name: String
    public var email: String
    public var location: JSONValue?
    /// An optional file, base64-encoded: a PDF, JPEG or PNG.
    public var attachment: String?
    public init(kind: String, text: String, name: String, email: String, location: JSONValue? = nil, attachment: String? = nil) {
        self.kind = kind; self.text = text; self.name = name; self.email = email; self.location = location; self.attachment = attachment
    }
}

public struct ModerationInput: Decodable, Sendable {
    public var action: String
    public var reason: String?
    public var duplicate_of: Int64?
    public var architect: String?
    public init(action: String, reason: String? = nil, duplicate_of: Int64? = nil, architect: String? = nil) {
        self.action = action; self.reason = reason; self.duplicate_of = duplicate_of; self.architect = architect
    }
}

public struct AnswerInput: Decodable, Sendable {
    public var decision: String
    public var reasoning: String
    public init(decision: String, reasoning: String) { self.decision = decision; self.reasoning = reasoning }
}

public struct PublishInput: Decodable, Sendable {
    public var ids: [Int64]?
    public init(ids: [Int64]? = nil) { self.ids = ids }
}

/// ISO 8601 times with or without fractional seconds; an offset (or Z) is required.
public enum ISOTime {
    public static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let d = plain.date(from: text) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    public static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    static func window(_ times: ConsultationTimes) throws -> ConsultationWindow {
        guard let start = parse(times.start) else { throw PlanningError.invalid(.consultationStartFormat) }
        guard let end = parse(times.end) else { throw PlanningError.invalid(.consultationEndFormat) }
        return ConsultationWindow(start: start, end: end)
    }
}
