import CCairo
import Foundation
import Geo

/// `plans`: the areas of planning documents, filled and outlined in their stage's colour, so the
/// public map shows which plans are open for comments now.
struct PlansLayer: MapLayer {
    let name = "plans"
    let title = "Planning documents"
    let abstract = "Areas of territorial planning documents, coloured by stage (draft, consultation: open for comments, hearing, answering, revised, submitted, approved, rejected, archived)."
    let showsReports = false
    let reportReach: Double? = nil

    func draw(_ scene: Scene, style: MapStyle) {
        let cr = scene.context
        let view = scene.viewBox(marginPixels: 4)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_width(cr, 2 * scene.ratio)
        for plan in scene.data.plans.plans where plan.bounds.intersects(view) {
            scene.fillAndOutline(plan.area, Palette.stage(plan.stage), fillAlpha: 0.25)
        }
    }

    func features(_ scene: Scene, atPixel x: Double, _ y: Double, limit: Int) -> [FeatureInfo] {
        guard let lonLat = scene.lonLat(atPixel: x, y) else { return [] }
        return scene.data.plans.plans.filter { $0.bounds.contains(lonLat) && $0.area.evenOddContains(lonLat) }.prefix(limit).map { plan in
            FeatureInfo(layer: name, id: String(plan.id),
                        properties: [("plan_id", .integer(plan.id)), ("title", .text(plan.title)), ("stage", .text(plan.stage))],
                        location: plan.bounds.center)
        }
    }

    func legend(_ data: MapData, query: ReportQuery, style: MapStyle) -> [LegendEntry] {
        Palette.stages.map { LegendEntry(swatch: .area(fill: Palette.stage($0).with(alpha: 0.25), outline: Palette.stage($0)), label: $0) }
    }
}

/// `plan-comments`: where published comments on plans point — a dot for a point, an outlined area
/// for an area — coloured by the comment's kind.
struct PlanCommentsLayer: MapLayer {
    let name = "plan-comments"
    let title = "Comments on planning documents"
    let abstract = "Locations of published comments on territorial plans, coloured by kind: objection, proposal, support, question."
    let showsReports = false
    let reportReach: Double? = nil
    static let dotRadius = 5.0

    func draw(_ scene: Scene, style: MapStyle) {
        let cr = scene.context
        let view = scene.viewBox(marginPixels: Self.dotRadius + 2)
        cairo_set_line_width(cr, 1.5 * scene.ratio)
        for comment in scene.data.plans.comments where comment.bounds.intersects(view) {
            let colour = Palette.commentKind(comment.kind)
            if case .point(let c) = comment.location {
                let p = scene.frame.pixels([c])[0]
                guard p.x.isFinite, p.y.isFinite else { continue }
                cairo_new_sub_path(cr)
                cairo_arc(cr, p.x, p.y, Self.dotRadius * scene.ratio, 0, 2 * .pi)
                colour.set(on: cr)
                cairo_fill_preserve(cr)
                Colour.white.set(on: cr)
                cairo_stroke(cr)
            } else {
                scene.fillAndOutline(comment.location, colour, fillAlpha: 0.2)
            }
        }
    }

    func features(_ scene: Scene, atPixel x: Double, _ y: Double, limit: Int) -> [FeatureInfo] {
        guard let lonLat = scene.lonLat(atPixel: x, y) else { return [] }
        let reach = (Self.dotRadius + 1) * scene.ratio
        let hits = scene.data.plans.comments.filter { comment in
            if case .point(let c) = comment.location {
                let p = scene.frame.pixels([c])[0]
                return hypot(p.x - (x + 0.5), p.y - (y + 0.5)) <= reach
            }
            return comment.bounds.contains(lonLat) && comment.location.evenOddContains(lonLat)
        }
        return hits.prefix(limit).map { comment in
            FeatureInfo(layer: name, id: String(comment.id),
                        properties: [("comment_id", .integer(comment.id)), ("plan_id", .integer(comment.planId)), ("kind", .text(comment.kind))],
                        location: comment.bounds.center)
        }
    }

    func legend(_ data: MapData, query: ReportQuery, style: MapStyle) -> [LegendEntry] {
        Palette.commentKinds.map { LegendEntry(swatch: .symbol(.circle, fill: Palette.commentKind($0)), label: $0) }
    }
}

extension Scene {
    /// An area filled with `colour` at `fillAlpha` and outlined in it, at the current line width.
    func fillAndOutline(_ area: Geometry, _ colour: Colour, fillAlpha: Double) {
        addPath(area)
        colour.with(alpha: fillAlpha).set(on: context)
        cairo_fill_preserve(context)
        colour.set(on: context)
        cairo_stroke(context)
    }
}

extension Palette {
    static let stages = ["draft", "consultation", "hearing", "answering", "revised", "submitted", "approved", "rejected", "archived"]

    /// Per plan stage: grey while drafted, green while open for comments, warm while being
    /// answered and revised, blue once submitted and approved, red if rejected.
    static func stage(_ name: String) -> Colour {
        switch name {
        case "consultation": Colour(rgb: 0x1A9850)
        case "hearing": Colour(rgb: 0x91CF60)
        case "answering": Colour(rgb: 0xFEB24C)
        case "revised": Colour(rgb: 0xF46D43)
        case "submitted": Colour(rgb: 0x4575B4)
        case "approved": Colour(rgb: 0x313695)
        case "rejected": Colour(rgb: 0xA50026)
        case "archived": Colour(rgb: 0x636363)
        default: Colour(rgb: 0x9E9E9E)
        }
    }

    static let commentKinds = ["objection", "proposal", "support", "question"]

    static func commentKind(_ name: String) -> Colour {
        switch name {
        case "objection": Colour(rgb: 0xD73027)
        case "proposal": Colour(rgb: 0x4575B4)
        case "support": Colour(rgb: 0x1A9850)
        default: Colour(rgb: 0xFDAE61)
        }
    }
}
