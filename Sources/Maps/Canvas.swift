import CCairo
import Foundation

/// One Cairo surface and its drawing context, for one render. Cairo contexts are not thread-safe,
/// so a canvas is never shared: every request makes its own and frees it when done.
final class Canvas {
    enum Kind { case image, svg, pdf }

    let kind: Kind
    let width: Int
    let height: Int
    let surface: OpaquePointer
    let context: OpaquePointer
    /// Vector surfaces (SVG, PDF) write into this buffer as they draw.
    private let vectorSink: ByteSink?

    /// A transparent ARGB32 image of `width` × `height` pixels.
    init(width: Int, height: Int) {
        kind = .image
        self.width = width; self.height = height
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        context = cairo_create(surface)
        vectorSink = nil
        Self.applyFontOptions(context)
    }

    /// The canvas for an output format: an image for PNG and JPEG, a vector surface for SVG and PDF.
    static func make(for format: ImageFormat, width: Int, height: Int) -> Canvas {
        switch format {
        case .png, .jpeg: Canvas(width: width, height: height)
        case .svg: Canvas(vector: .svg, width: width, height: height)
        case .pdf: Canvas(vector: .pdf, width: width, height: height)
        }
    }

    /// An SVG or PDF document of `width` × `height` points; `finishVector()` returns its bytes.
    init(vector kind: Kind, width: Int, height: Int) {
        self.kind = kind
        self.width = width; self.height = height
        let sink = ByteSink()
        vectorSink = sink
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        surface = kind == .pdf
            ? cairo_pdf_surface_create_for_stream(ByteSink.write, closure, Double(width), Double(height))
            : cairo_svg_surface_create_for_stream(ByteSink.write, closure, Double(width), Double(height))
        context = cairo_create(surface)
        Self.applyFontOptions(context)
    }

    /// Text looks the same whatever drew text first in the process: Cairo resolves a font once
    /// with the options of its first use, so every context asks with the same ones (no hinting,
    /// greyscale antialiasing; also what keeps 1x and 2x tiles alike).
    static func applyFontOptions(_ context: OpaquePointer) {
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_set_font_options(context, options)
        cairo_font_options_destroy(options)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    /// Fills the whole canvas with `colour` (replacing what is there, alpha included).
    func clear(to colour: Colour) {
        cairo_save(context)
        cairo_set_operator(context, CAIRO_OPERATOR_SOURCE)
        colour.set(on: context)
        cairo_paint(context)
        cairo_restore(context)
    }

    /// The PNG encoding of an image canvas (see `PNGEncoder` for why not Cairo's).
    func png() -> Data {
        withPixels { pixels, stride in PNGEncoder.encode(pixels: pixels, strideInWords: stride, width: width, height: height) }
    }

    /// Ends an SVG or PDF canvas and returns the document.
    func finishVector() -> Data {
        cairo_surface_flush(surface)
        cairo_surface_finish(surface)
        return vectorSink?.data ?? Data()
    }

    /// Lets `body` write an image canvas's pixels directly (premultiplied ARGB32), between
    /// Cairo's own drawing.
    func withMutablePixels(_ body: (UnsafeMutablePointer<UInt32>, _ strideInWords: Int) -> Void) {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let base = cairo_image_surface_get_data(surface)!
        base.withMemoryRebound(to: UInt32.self, capacity: stride * height) { body($0, stride) }
        cairo_surface_mark_dirty(surface)
    }

    /// Reads an image canvas's pixels: premultiplied ARGB32 words, row by row (stride in bytes).
    func withPixels<T>(_ body: (UnsafePointer<UInt32>, _ strideInWords: Int) -> T) -> T {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let base = cairo_image_surface_get_data(surface)!
        return base.withMemoryRebound(to: UInt32.self, capacity: stride * height) { body($0, stride) }
    }
}

/// Collects the bytes Cairo's stream writers hand over.
final class ByteSink {
    var data = Data()

    static let write: cairo_write_func_t = { closure, bytes, length in
        guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
        sink.data.append(bytes, count: Int(length))
        return CAIRO_STATUS_SUCCESS
    }
}
