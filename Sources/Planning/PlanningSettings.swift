import Foundation

/// The settings of planning consultations (`miestas serve --min-consultation-days ...`).
public struct PlanningSettings: Sendable {
    /// The shortest consultation a planner may open, in days. 0 allows any length (tests).
    public var minConsultationDays: Double
    /// How far from the plan area a comment's location may lie, in metres.
    public var commentMaxDistanceMetres: Double
    /// The largest plan attachment (documents, images, minutes), in bytes.
    public var maxAttachmentBytes: Int
    /// The largest attachment of a resident's comment, in bytes.
    public var maxCommentAttachmentBytes: Int
    /// Where links in notifications and feeds point, e.g. https://miestas.kaunas.lt.
    public var publicURL: String?

    public init(minConsultationDays: Double = 10, commentMaxDistanceMetres: Double = 500,
                maxAttachmentBytes: Int = 20 * 1024 * 1024, maxCommentAttachmentBytes: Int = 5 * 1024 * 1024,
                publicURL: String? = nil) {
        self.minConsultationDays = minConsultationDays; self.commentMaxDistanceMetres = commentMaxDistanceMetres
        self.maxAttachmentBytes = maxAttachmentBytes; self.maxCommentAttachmentBytes = maxCommentAttachmentBytes
        self.publicURL = publicURL
    }

    /// The longest comment text, in characters.
    public static let maxCommentLength = 5_000
}
