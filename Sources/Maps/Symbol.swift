import CCairo
import Foundation

/// The marker shapes of the reports layer: one per service, repeating when there are more
/// services than shapes (the colour carries the status, so shape is free for the service).
public enum SymbolShape: Int, CaseIterable, Sendable {
    case circle, square, triangle, diamond, invertedTriangle, hexagon

    public static func forService(_ index: UInt16) -> SymbolShape { allCases[Int(index) % allCases.count] }

    /// Adds the shape's path centred at (x, y) with outer radius `r` to the context.
    func path(_ cr: OpaquePointer, _ x: Double, _ y: Double, _ r: Double) {
        func polygon(_ corners: Int, rotation: Double) {
            for k in 0..<corners {
                let a = rotation + Double(k) * 2 * .pi / Double(corners)
                let px = x + r * cos(a), py = y + r * sin(a)
                if k == 0 { cairo_move_to(cr, px, py) } else { cairo_line_to(cr, px, py) }
            }
            cairo_close_path(cr)
        }
        switch self {
        case .circle:
            cairo_new_sub_path(cr)
            cairo_arc(cr, x, y, r * 0.9, 0, 2 * .pi)
        case .square: cairo_rectangle(cr, x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6)
        case .triangle: polygon(3, rotation: -.pi / 2)
        case .diamond: polygon(4, rotation: 0)
        case .invertedTriangle: polygon(3, rotation: .pi / 2)
        case .hexagon: polygon(6, rotation: 0)
        }
    }
}

/// The colours and sizes of the layers, in one place.
enum Palette {
    /// Per report status: open red, acknowledged orange, in progress blue, closed grey.
    static func status(_ name: String) -> Colour {
        switch name {
        case "open": Colour(rgb: 0xD7301F)
        case "acknowledged": Colour(rgb: 0xFC8D59)
        case "in_progress": Colour(rgb: 0x3182BD)
        case "closed": Colour(rgb: 0x7F7F7F)
        default: Colour(rgb: 0x000000)
        }
    }

    static let districtOutline = Colour(rgb: 0x3B3B8F)
    static let labelText = Colour(rgb: 0x1A1A40)
    static let halo = Colour(rgb: 0xFFFFFF, alpha: 0.85)
    static let cluster = Colour(rgb: 0x2B8CBE, alpha: 0.8)
    static let clusterLarge = Colour(rgb: 0xE34A33, alpha: 0.8)

    /// Symbol outer radius in pixels (at pixel ratio 1).
    static let symbolRadius = 5.0
    /// Heat ramp, transparent blue to opaque red.
    static let heat: [Colour] = [Colour(rgb: 0x2C7BB6, alpha: 0), Colour(rgb: 0x00A6CA, alpha: 0.5), Colour(rgb: 0x90EB9D, alpha: 0.65),
                                 Colour(rgb: 0xF9D057, alpha: 0.75), Colour(rgb: 0xF29E2E, alpha: 0.85), Colour(rgb: 0xD7191C, alpha: 0.9)]
    /// Choropleth classes, light to dark (ColorBrewer YlOrRd 5).
    static let density: [Colour] = [0xFFFFB2, 0xFECC5C, 0xFD8D3C, 0xF03B20, 0xBD0026].map { Colour(rgb: $0, alpha: 0.7) }

    /// DejaVu Sans covers Lithuanian (ą č ę ė į š ų ū ž) and is installed with fonts-dejavu-core.
    static let fontFamily = "DejaVu Sans"
}

/// Text through Cairo's toy API (fontconfig finds DejaVu Sans): labels with a halo.
enum TextDrawing {
    static func label(_ cr: OpaquePointer, _ text: String, centredAt x: Double, _ y: Double, size: Double,
                      colour: Colour, halo: Colour?, bold: Bool = false) {
        cairo_select_font_face(cr, Palette.fontFamily, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        let tx = x - extents.width / 2 - extents.x_bearing, ty = y - extents.height / 2 - extents.y_bearing
        cairo_new_path(cr)
        cairo_move_to(cr, tx, ty)
        if let halo {
            cairo_text_path(cr, text)
            halo.set(on: cr)
            cairo_set_line_width(cr, size / 4)
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
            cairo_stroke(cr)
            cairo_move_to(cr, tx, ty)
        }
        colour.set(on: cr)
        cairo_show_text(cr, text)
        cairo_new_path(cr)
    }
}
