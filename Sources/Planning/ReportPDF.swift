import Foundation
import Geo
import JSONText
import Store

/// Draws the consultation report as a PDF: the plan's data, a map of the area with the
/// comments' locations, the statistics, and every comment with its answer.
public enum ReportPDF {
    public static func render(_ report: ConsultationReport) throws -> [UInt8] {
        let canvas = try PDFCanvas()
        let plan = report.plan
        canvas.footer = "\(plan.title) — consultation report, \(JSONText.time(report.generatedAt).prefix(10))"
        header(canvas, report)
        statistics(canvas, report.statistics)
        map(canvas, plan: plan, comments: report.comments)
        comments(canvas, report.comments)
        return try canvas.finish()
    }

    static func header(_ c: PDFCanvas, _ report: ConsultationReport) {
        let p = report.plan
        c.font(size: 9); c.color(0.35, 0.35, 0.35)
        c.paragraph("Consultation report · Konsultacijų ataskaita")
        c.font(size: 17, bold: true); c.color(0, 0, 0)
        c.paragraph(p.title, lineHeight: 22)
        c.y += 4
        c.font(size: 10)
        var facts = ["Kind: \(p.kind.rawValue)", "Stage: \(p.stage.rawValue)", "Organiser: \(p.organiser.isEmpty ? "—" : p.organiser)",
                     "Responsible planner: \(p.planner)", "Architects: \(p.architects.isEmpty ? "—" : p.architects.joined(separator: ", "))"]
        if let w = p.window { facts.append("Consultation: \(day(w.start)) – \(day(w.end)) (\(String(format: "%.1f", w.days)) days)") }
        if let h = p.hearing { facts.append("Hearing: \(day(h.date)), \(h.place)") }
        if !report.versions.isEmpty {
            facts.append("Versions: " + report.versions.map { "\($0.number) (\(day($0.createdAt)))" }.joined(separator: ", ")
                         + (p.consultedVersion.map { "; consulted on version \($0)" } ?? ""))
        }
        facts.append("Generated: \(JSONText.time(report.generatedAt))")
        for f in facts { c.paragraph(f) }
        if !p.description.isEmpty {
            c.y += 6
            c.paragraph(p.description)
        }
        c.y += 10
    }

    static func statistics(_ c: PDFCanvas, _ s: RegisterStatistics) {
        c.ensure(120)
        c.font(size: 13, bold: true); c.paragraph("Statistics", lineHeight: 18)
        c.font(size: 10)
        let rows: [(String, Int)] = [
            ("Published comments", s.published), ("Hidden by moderation", s.hidden), ("Marked as duplicates", s.duplicates),
            ("Objections", s.byKind[.objection] ?? 0), ("Proposals", s.byKind[.proposal] ?? 0),
            ("Support", s.byKind[.support] ?? 0), ("Questions", s.byKind[.question] ?? 0),
            ("Answers published", s.answered), ("Accepted", s.byDecision[.accepted] ?? 0),
            ("Partly accepted", s.byDecision[.partlyAccepted] ?? 0), ("Rejected", s.byDecision[.rejected] ?? 0),
            ("Not applicable", s.byDecision[.notApplicable] ?? 0), ("Awaiting an answer", s.awaitingAnswer),
        ]
        // Two columns of label and count.
        let half = (rows.count + 1) / 2
        let top = c.y
        for (i, row) in rows.enumerated() {
            let column = i < half ? 0.0 : c.contentWidth / 2
            let line = Double(i < half ? i : i - half)
            let baseline = top + 14 * (line + 1)
            c.show(row.0, x: c.margin + column, y: baseline)
            let count = String(row.1)
            c.show(count, x: c.margin + column + c.contentWidth / 2 - 20 - c.measure(count), y: baseline)
        }
        c.y = top + 14 * Double(half) + 14
    }

    /// The area outline and the comments' locations in an equirectangular view scaled by the
    /// cosine of the latitude (true shape at a city's scale).
    static func map(_ c: PDFCanvas, plan: Plan, comments: [PlanComment]) {
        let locations: [(CommentKind, Geometry)] = comments.compactMap { cm in
            guard cm.status == .published, let g = cm.location else { return nil }
            return (cm.kind, g)
        }
        var box = plan.area.boundingBox
        for (_, g) in locations { box.expand(toInclude: g.boundingBox) }
        guard !box.isEmpty else { return }
        let height = 300.0
        c.ensure(height + 40)
        c.font(size: 13, bold: true); c.paragraph("Map of the area and the comments", lineHeight: 18)
        let top = c.y + 6
        let k = cos(box.center.y * .pi / 180)
        let spanX = max(box.width * k, 1e-9), spanY = max(box.height, 1e-9)
        let scale = min(c.contentWidth / spanX, height / spanY) * 0.9
        let offsetX = c.margin + (c.contentWidth - spanX * scale) / 2
        let offsetY = top + (height - spanY * scale) / 2
        func point(_ p: Coordinate) -> (Double, Double) {
            (offsetX + (p.x - box.minX) * k * scale, offsetY + (box.maxY - p.y) * scale)
        }
        c.rgba(0.95, 0.95, 0.95, 1); c.rectangle(c.margin, top, c.contentWidth, height); c.fill()
        func trace(_ polygon: Polygon) {
            for ring in polygon.rings where !ring.isEmpty {
                let first = point(ring[0]); c.moveTo(first.0, first.1)
                for q in ring.dropFirst() { let t = point(q); c.lineTo(t.0, t.1) }
                c.closePath()
            }
        }
        c.evenOdd()
        for polygon in plan.area.polygons { trace(polygon) }
        c.rgba(0.2, 0.45, 0.8, 0.2); c.fillPreserve()
        c.rgba(0.1, 0.3, 0.65, 1); c.stroke(width: 1.5)
        for (kind, g) in locations {
            let (r, gr, b) = colour(kind)
            switch g {
            case .point(let p):
                let t = point(p)
                c.circle(t.0, t.1, 3.5); c.rgba(r, gr, b, 0.9); c.fillPreserve(); c.rgba(1, 1, 1, 1); c.stroke(width: 0.6)
            default:
                for polygon in g.polygons { trace(polygon) }
                c.rgba(r, gr, b, 0.25); c.fillPreserve(); c.rgba(r, gr, b, 1); c.stroke(width: 1)
            }
        }
        c.y = top + height + 4
        c.font(size: 8)
        var x = c.margin
        for kind in CommentKind.allCases {
            let (r, g, b) = colour(kind)
            c.circle(x + 4, c.y + 7, 3.5); c.rgba(r, g, b, 1); c.fill()
            c.color(0, 0, 0)
            c.show(kind.rawValue, x: x + 11, y: c.y + 10)
            x += 20 + c.measure(kind.rawValue) + 10
        }
        c.show("\(locations.count) located comment\(locations.count == 1 ? "" : "s"); north is up", x: x + 10, y: c.y + 10)
        c.y += 24
        c.font(size: 10)
    }

    static func colour(_ kind: CommentKind) -> (Double, Double, Double) {
        switch kind {
        case .objection: (0.80, 0.15, 0.15)
        case .proposal: (0.95, 0.55, 0.05)
        case .support: (0.15, 0.60, 0.20)
        case .question: (0.45, 0.30, 0.70)
        }
    }

    static func comments(_ c: PDFCanvas, _ comments: [PlanComment]) {
        c.ensure(60)
        c.font(size: 13, bold: true); c.paragraph("Comments and answers", lineHeight: 20)
        if comments.isEmpty { c.font(size: 10); c.paragraph("No comments were published.") }
        for cm in comments {
            c.ensure(40)
            c.y += 6
            c.font(size: 10, bold: true); c.color(0, 0, 0)
            if cm.status == .hidden {
                c.paragraph("No. \(cm.id) · \(cm.kind.rawValue) · \(day(cm.createdAt)) · hidden by moderation")
                c.font(size: 10); c.color(0.4, 0.4, 0.4)
                c.paragraph("Reason: \(cm.hiddenReason ?? "")", x: c.margin + 12)
                c.color(0, 0, 0)
                continue
            }
            var head = "No. \(cm.id) · \(cm.kind.rawValue) · \(cm.name) · \(day(cm.createdAt)) · version \(cm.version)"
            if let d = cm.duplicateOf { head += " · duplicate of No. \(d)" }
            c.paragraph(head)
            c.font(size: 10)
            c.paragraph(cm.text, x: c.margin + 12)
            if let a = cm.answer, let published = a.publishedAt {
                c.font(size: 10, bold: true); c.color(0.1, 0.3, 0.65)
                c.paragraph("Answer: \(a.decision.rawValue.replacingOccurrences(of: "_", with: " ")) — \(a.architect), \(day(published))",
                            x: c.margin + 24)
                c.font(size: 10); c.color(0, 0, 0)
                c.paragraph(a.reasoning, x: c.margin + 24)
            } else if cm.kind.needsAnswer && cm.duplicateOf == nil {
                c.font(size: 9); c.color(0.7, 0.2, 0.2)
                c.paragraph("No published answer yet.", x: c.margin + 24)
                c.color(0, 0, 0)
            }
        }
    }

    static func day(_ date: Date) -> String { String(JSONText.time(date).prefix(10)) }
}
