import CCairo
import Foundation

/// A Cairo PDF surface writing into memory, with the few drawing operations the consultation
/// report needs: text in DejaVu Sans (which has the Lithuanian letters), wrapped paragraphs,
/// lines and shapes, and page breaks. Owns its Cairo handles and frees them in `deinit`.
final class PDFCanvas {
    /// A4 in points.
    static let width = 595.276, height = 841.89
    let margin = 50.0
    var y: Double
    private(set) var pageNumber = 1
    private let sink = ByteSink()
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    /// Word widths, per font size and weight: a 1,000-comment report measures the same
    /// words many times.
    private var widths: [String: Double] = [:]
    private var fontKey = ""
    var footer: String = ""

    final class ByteSink { var bytes: [UInt8] = [] }

    init() throws {
        let write: cairo_write_func_t = { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }
        guard let s = cairo_pdf_surface_create_for_stream(write, Unmanaged.passUnretained(sink).toOpaque(), Self.width, Self.height),
              cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else {
            throw PlanningError.unavailable(.pdfSurfaceFailed)
        }
        surface = s
        guard let c = cairo_create(s) else { cairo_surface_destroy(s); throw PlanningError.unavailable(.pdfDrawFailed) }
        cr = c
        y = margin
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Miestas")
        font(size: 10)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    var contentWidth: Double { Self.width - 2 * margin }
    var bottom: Double { Self.height - margin - 14 }

    /// Finishes the document and answers its bytes.
    func finish() throws -> [UInt8] {
        drawFooter()
        cairo_surface_finish(surface)
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw PlanningError.unavailable(.pdfWriteFailed) }
        return sink.bytes
    }

    func font(size: Double, bold: Bool = false) {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        fontKey = "\(size)\(bold ? "b" : "")"
        currentSize = size
    }
    private(set) var currentSize = 10.0

    func color(_ r: Double, _ g: Double, _ b: Double) { cairo_set_source_rgb(cr, r, g, b) }

    func measure(_ text: String) -> Double {
        let key = fontKey + "|" + text
        if let w = widths[key] { return w }
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        widths[key] = extents.x_advance
        return extents.x_advance
    }

    func show(_ text: String, x: Double, y: Double) {
        cairo_move_to(cr, x, y)
        cairo_show_text(cr, text)
    }

    /// Starts a new page when fewer than `needed` points are left on this one.
    func ensure(_ needed: Double) {
        if y + needed > bottom { newPage() }
    }

    func newPage() {
        drawFooter()
        cairo_show_page(cr)
        pageNumber += 1
        y = margin
    }

    private func drawFooter() {
        let saved = (fontKey, currentSize)
        font(size: 8)
        color(0.4, 0.4, 0.4)
        show("\(footer) — \(pageNumber)", x: margin, y: Self.height - margin + 10)
        color(0, 0, 0)
        font(size: saved.1, bold: saved.0.hasSuffix("b"))
    }

    /// Writes `text` wrapped to `width` starting at `x`, breaking pages as needed. Paragraph
    /// breaks in the text are kept; a word longer than a line is cut.
    func paragraph(_ text: String, x: Double? = nil, width: Double? = nil, lineHeight: Double? = nil) {
        let left = x ?? margin
        let maxWidth = width ?? (contentWidth - (left - margin))
        let step = lineHeight ?? currentSize * 1.35
        for line in wrap(text, width: maxWidth) {
            ensure(step)
            y += step
            show(line, x: left, y: y - step * 0.25)
        }
    }

    func wrap(_ text: String, width: Double) -> [String] {
        var lines: [String] = []
        let space = measure(" ")
        for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = "", lineWidth = 0.0
            for wordSub in para.split(separator: " ", omittingEmptySubsequences: true) {
                var word = String(wordSub)
                var w = measure(word)
                while w > width {
                    // Cut an over-long word at the most characters that fit.
                    if !line.isEmpty { lines.append(line); line = ""; lineWidth = 0 }
                    var cut = word.count
                    while cut > 1 && measure(String(word.prefix(cut))) > width { cut = max(1, cut * 3 / 4) }
                    lines.append(String(word.prefix(cut)))
                    word = String(word.dropFirst(cut))
                    w = measure(word)
                }
                if word.isEmpty { continue }
                if line.isEmpty {
                    line = word; lineWidth = w
                } else if lineWidth + space + w <= width {
                    line += " " + word; lineWidth += space + w
                } else {
                    lines.append(line)
                    line = word; lineWidth = w
                }
            }
            lines.append(line)
        }
        return lines
    }

    // MARK: Shapes

    func moveTo(_ x: Double, _ y: Double) { cairo_move_to(cr, x, y) }
    func lineTo(_ x: Double, _ y: Double) { cairo_line_to(cr, x, y) }
    func closePath() { cairo_close_path(cr) }
    func circle(_ x: Double, _ y: Double, _ r: Double) { cairo_new_sub_path(cr); cairo_arc(cr, x, y, r, 0, 2 * .pi) }
    func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double) { cairo_rectangle(cr, x, y, w, h) }
    func fillPreserve() { cairo_fill_preserve(cr) }
    func fill() { cairo_fill(cr) }
    func stroke(width: Double = 1) { cairo_set_line_width(cr, width); cairo_stroke(cr) }
    func rgba(_ r: Double, _ g: Double, _ b: Double, _ a: Double) { cairo_set_source_rgba(cr, r, g, b, a) }
    func evenOdd() { cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD) }
}
