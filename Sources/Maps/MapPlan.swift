import Geo

/// A planning document's area as the `plans` layer draws it: outline in lon/lat, coloured by stage.
public struct MapPlan: Hashable, Sendable {
    public var id: Int64
    public var title: String
    /// The stage's name (`draft`, `consultation`, `hearing`, ...).
    public var stage: String
    public var area: Geometry
    public let bounds: BoundingBox

    public init(id: Int64, title: String, stage: String, area: Geometry) {
        self.id = id; self.title = title; self.stage = stage; self.area = area
        bounds = area.boundingBox
    }
}

/// A published comment's location (a point or an area) as the `plan-comments` layer draws it.
public struct MapPlanComment: Hashable, Sendable {
    public var id: Int64
    public var planId: Int64
    /// The comment's kind (`objection`, `proposal`, `support`, `question`).
    public var kind: String
    public var location: Geometry
    public let bounds: BoundingBox

    public init(id: Int64, planId: Int64, kind: String, location: Geometry) {
        self.id = id; self.planId = planId; self.kind = kind; self.location = location
        bounds = location.boundingBox
    }
}

/// Where the planning layers get their plans and published comment locations: a snapshot in
/// memory (the server refreshes it after every planning change).
public protocol PlanSource: Sendable {
    var plans: [MapPlan] { get }
    var comments: [MapPlanComment] { get }
}

/// A fixed set, for tests and tools (and no plans at all by default).
public struct StaticPlanSource: PlanSource {
    public let plans: [MapPlan]
    public let comments: [MapPlanComment]

    public init(plans: [MapPlan] = [], comments: [MapPlanComment] = []) { self.plans = plans; self.comments = comments }
}
