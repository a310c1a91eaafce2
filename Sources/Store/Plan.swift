import Foundation
import Geo

/// Where a territorial plan is in its procedure. The rules for moving between stages live in
/// `Planning` (`StageRules`); the store only keeps the value.
public enum PlanStage: String, Codable, Sendable, CaseIterable {
    case draft, consultation, hearing, answering, revised, submitted, approved, rejected, archived
}

public enum PlanKind: String, Codable, Sendable, CaseIterable { case general, detailed, special }

/// Pre-moderation holds every comment until a planner publishes it; post-moderation publishes
/// at once and planners hide afterwards.
public enum ModerationMode: String, Codable, Sendable, CaseIterable { case pre, post }

/// The consultation's window as last recorded in the audit log: the clock moves it from
/// `upcoming` to `open` to `closed`; the store only remembers what was last observed.
public enum WindowState: String, Codable, Sendable, CaseIterable { case upcoming, open, closed }

/// The public meeting held in the `hearing` stage.
public struct Hearing: Sendable, Hashable {
    public var date: Date
    public var place: String
    public init(date: Date, place: String) { self.date = date; self.place = place }
}

/// A plan about to be stored.
public struct NewPlan: Sendable, Hashable {
    public var title: String
    public var description: String
    public var kind: PlanKind
    public var organiser: String
    /// The responsible planner's username.
    public var planner: String
    public var architects: [String]
    /// EPSG:4326, a Polygon or MultiPolygon.
    public var area: Geometry
    public var moderation: ModerationMode
    public var consultationStart: Date?
    public var consultationEnd: Date?

    public init(title: String, description: String, kind: PlanKind, organiser: String, planner: String, architects: [String],
                area: Geometry, moderation: ModerationMode, consultationStart: Date?, consultationEnd: Date?) {
        self.title = title; self.description = description; self.kind = kind; self.organiser = organiser
        self.planner = planner; self.architects = architects; self.area = area; self.moderation = moderation
        self.consultationStart = consultationStart; self.consultationEnd = consultationEnd
    }
}

/// A stored plan. `revision` grows with every change to the plan or its comments, so a rule
/// checked on what was read holds when the write commits (the write names the revision it read).
public struct Plan: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var title: String
    public var description: String
    public var kind: PlanKind
    public var organiser: String
    public var planner: String
    public var architects: [String]
    public var area: Geometry
    public var stage: PlanStage
    public var moderation: ModerationMode
    public var consultationStart: Date?
    public var consultationEnd: Date?
    public var windowState: WindowState?
    public var hearing: Hearing?
    /// The version number the consultation was held on (set when it opens).
    public var consultedVersion: Int?
    public var revision: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64, title: String, description: String, kind: PlanKind, organiser: String, planner: String,
                architects: [String], area: Geometry, stage: PlanStage, moderation: ModerationMode, consultationStart: Date?,
                consultationEnd: Date?, windowState: WindowState?, hearing: Hearing?, consultedVersion: Int?, revision: Int,
                createdAt: Date, updatedAt: Date) {
        self.id = id; self.title = title; self.description = description; self.kind = kind; self.organiser = organiser
        self.planner = planner; self.architects = architects; self.area = area; self.stage = stage; self.moderation = moderation
        self.consultationStart = consultationStart; self.consultationEnd = consultationEnd; self.windowState = windowState
        self.hearing = hearing; self.consultedVersion = consultedVersion; self.revision = revision
        self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// An immutable published draft: what the plan said when it was published.
public struct PlanVersion: Sendable, Hashable {
    public var planId: Int64
    public var number: Int
    public var title: String
    public var description: String
    public var note: String
    public var area: Geometry
    public var createdBy: String
    public var createdAt: Date

    public init(planId: Int64, number: Int, title: String, description: String, note: String, area: Geometry,
                createdBy: String, createdAt: Date) {
        self.planId = planId; self.number = number; self.title = title; self.description = description; self.note = note
        self.area = area; self.createdBy = createdBy; self.createdAt = createdAt
    }
}

/// A document, image or the hearing's minutes, stored in the `MediaLibrary` by content hash.
public struct PlanAttachment: Sendable, Hashable {
    public enum Role: String, Codable, Sendable, CaseIterable { case document, image, minutes }
    public var id: Int64
    public var planId: Int64
    public var role: Role
    public var title: String
    /// The media library's file name (SHA-256 + extension).
    public var file: String
    public var contentType: String
    public var size: Int
    public var createdBy: String
    public var createdAt: Date

    public init(id: Int64, planId: Int64, role: Role, title: String, file: String, contentType: String, size: Int,
                createdBy: String, createdAt: Date) {
        self.id = id; self.planId = planId; self.role = role; self.title = title; self.file = file
        self.contentType = contentType; self.size = size; self.createdBy = createdBy; self.createdAt = createdAt
    }
}
