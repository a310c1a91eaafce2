import Foundation
import Geo

public enum CommentKind: String, Codable, Sendable, CaseIterable {
    case objection, proposal, support, question
    /// Objections and proposals must each get a published, reasoned answer before the plan
    /// leaves `answering`.
    public var needsAnswer: Bool { self == .objection || self == .proposal }
}

public enum CommentStatus: String, Codable, Sendable, CaseIterable { case pending, published, hidden }

public enum AnswerDecision: String, Codable, Sendable, CaseIterable {
    case accepted, partlyAccepted = "partly_accepted", rejected, notApplicable = "not_applicable"
}

/// An architect's answer to one comment: a private draft until a planner publishes it.
public struct CommentAnswer: Sendable, Hashable {
    public var decision: AnswerDecision
    public var reasoning: String
    public var architect: String
    public var draftedAt: Date
    public var publishedAt: Date?

    public init(decision: AnswerDecision, reasoning: String, architect: String, draftedAt: Date, publishedAt: Date? = nil) {
        self.decision = decision; self.reasoning = reasoning; self.architect = architect
        self.draftedAt = draftedAt; self.publishedAt = publishedAt
    }
}

/// A comment about to be stored.
public struct NewPlanComment: Sendable, Hashable {
    public var planId: Int64
    public var version: Int
    public var kind: CommentKind
    public var text: String
    public var name: String
    /// Personal data: used to send the answer, never published.
    public var email: String
    /// How the commenter was identified: "email" (an e-government login may come later).
    public var identityLevel: String
    /// EPSG:4326.
    public var location: Geometry?
    public var attachment: String?
    public var attachmentType: String?
    public var status: CommentStatus
    public var createdAt: Date

    public init(planId: Int64, version: Int, kind: CommentKind, text: String, name: String, email: String, identityLevel: String,
                location: Geometry?, attachment: String?, attachmentType: String?, status: CommentStatus, createdAt: Date) {
        self.planId = planId; self.version = version; self.kind = kind; self.text = text; self.name = name; self.email = email
        self.identityLevel = identityLevel; self.location = location; self.attachment = attachment
        self.attachmentType = attachmentType; self.status = status; self.createdAt = createdAt
    }
}

/// A stored comment with its answer (if any). The location comes back as the GeoJSON text
/// stored with it, so the public register of 10,000 comments needs no conversion.
public struct PlanComment: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var planId: Int64
    public var version: Int
    public var kind: CommentKind
    public var text: String
    public var name: String
    public var email: String
    public var identityLevel: String
    public var locationGeoJSON: String?
    public var attachment: String?
    public var attachmentType: String?
    public var status: CommentStatus
    public var hiddenReason: String?
    public var duplicateOf: Int64?
    public var architect: String?
    public var createdAt: Date
    public var answer: CommentAnswer?

    public init(id: Int64, planId: Int64, version: Int, kind: CommentKind, text: String, name: String, email: String,
                identityLevel: String, locationGeoJSON: String?, attachment: String?, attachmentType: String?,
                status: CommentStatus, hiddenReason: String?, duplicateOf: Int64?, architect: String?, createdAt: Date,
                answer: CommentAnswer?) {
        self.id = id; self.planId = planId; self.version = version; self.kind = kind; self.text = text; self.name = name
        self.email = email; self.identityLevel = identityLevel; self.locationGeoJSON = locationGeoJSON
        self.attachment = attachment; self.attachmentType = attachmentType; self.status = status
        self.hiddenReason = hiddenReason; self.duplicateOf = duplicateOf; self.architect = architect
        self.createdAt = createdAt; self.answer = answer
    }

    /// The location as a geometry (nil when there is none or it cannot be read).
    public var location: Geometry? {
        locationGeoJSON.flatMap { try? GeoJSON.decodeGeometry(Data($0.utf8)) }
    }
}
