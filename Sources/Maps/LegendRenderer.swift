import CCairo
import Foundation

/// Draws a layer's legend: one row per entry, a swatch and its label (GetLegendGraphic).
extension MapRenderer {
    /// The legend size in pixels for `entries` with swatches of `symbol` × `symbol` pixels.
    func legendSize(_ entries: [LegendEntry], symbol: Int) -> (width: Int, height: Int) {
        let measure = Canvas(width: 1, height: 1)
        let cr = measure.context
        cairo_select_font_face(cr, Palette.fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, 12)
        var widest = 0.0
        for e in entries {
            var extents = cairo_text_extents_t()
            cairo_text_extents(cr, e.label, &extents)
            widest = max(widest, extents.x_advance)
        }
        return (max(1, symbol + 12 + Int(widest.rounded(.up)) + 4), max(1, entries.count * (symbol + 4) + 4))
    }

    /// The legend of `layer` in `style` for the reports `query` selects; nil for an unknown layer.
    public func legend(layer name: String, style: String, query: ReportQuery, data: MapData, format: ImageFormat,
                       symbolSize: Int = 16, transparent: Bool = false) -> Data? {
        guard let layer = catalogue.layer(named: name), let style = layer.style(named: style) else { return nil }
        let entries = layer.legend(data, query: query, style: style)
        let (width, height) = legendSize(entries, symbol: symbolSize)
        let canvas = Canvas.make(for: format, width: width, height: height)
        if !(transparent && format.supportsTransparency) { canvas.clear(to: .white) }
        let cr = canvas.context
        let s = Double(symbolSize)
        for (row, entry) in entries.enumerated() {
            let top = 4 + Double(row) * (s + 4), left = 4.0
            let cx = left + s / 2, cy = top + s / 2
            switch entry.swatch {
            case .symbol(let shape, let fill):
                shape.path(cr, cx, cy, s * 0.4)
                fill.set(on: cr); cairo_fill_preserve(cr)
                Colour.white.set(on: cr); cairo_set_line_width(cr, 1); cairo_stroke(cr)
            case .area(let fill, let outline):
                cairo_rectangle(cr, left + 1, top + 1, s - 2, s - 2)
                fill.set(on: cr); cairo_fill_preserve(cr)
                (outline ?? fill).set(on: cr); cairo_set_line_width(cr, 1); cairo_stroke(cr)
            case .line(let colour):
                cairo_move_to(cr, left, cy); cairo_line_to(cr, left + s, cy)
                colour.set(on: cr); cairo_set_line_width(cr, 2); cairo_stroke(cr)
            case .circle(let fill, let label):
                cairo_new_sub_path(cr); cairo_arc(cr, cx, cy, s / 2 - 0.5, 0, 2 * .pi)
                fill.set(on: cr); cairo_fill(cr)
                TextDrawing.label(cr, label, centredAt: cx, cy, size: s * 0.45, colour: .white, halo: nil, bold: true)
            case .ramp(let colours):
                for (k, c) in colours.enumerated() {
                    let w = s / Double(colours.count)
                    cairo_rectangle(cr, left + Double(k) * w, top + 2, w, s - 4)
                    c.with(alpha: max(c.alpha, 0.15)).set(on: cr); cairo_fill(cr)
                }
            }
            cairo_select_font_face(cr, Palette.fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
            cairo_set_font_size(cr, 12)
            Colour.black.set(on: cr)
            cairo_move_to(cr, left + s + 8, cy + 4)
            cairo_show_text(cr, entry.label)
        }
        return encode(canvas, format: format, background: .white)
    }
}
