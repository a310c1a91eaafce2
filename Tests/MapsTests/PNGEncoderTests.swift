import CCairo
import Foundation
import Testing
@testable import Maps

/// The PNG writer (`PNGEncoder`, zlib without row filters) against Cairo's own (libpng): the same
/// pixels once decoded, for opaque pictures (RGB) and pictures with every alpha (RGBA, straight
/// colour rounded as Cairo rounds it).
@Suite struct PNGEncoderTests {
    /// Cairo's writer, as the renderer used it before.
    static func cairoPNG(_ canvas: Canvas) -> Data {
        cairo_surface_flush(canvas.surface)
        let sink = ByteSink()
        cairo_surface_write_to_png_stream(canvas.surface, ByteSink.write, Unmanaged.passUnretained(sink).toOpaque())
        return sink.data
    }

    /// Circles and a gradient of every alpha over part of a 300 × 170 canvas (odd width: rows do
    /// not end on a word boundary in RGB).
    static func drawn(opaque: Bool) -> Canvas {
        let canvas = Canvas(width: 301, height: 170)
        let cr = canvas.context
        if opaque { cairo_set_source_rgb(cr, 1, 1, 1); cairo_paint(cr) }
        for i in 0..<40 {
            cairo_arc(cr, Double(i * 7 % 301), Double(i * 13 % 170), Double(5 + i % 17), 0, 2 * .pi)
            cairo_set_source_rgba(cr, Double(i % 5) / 4, Double(i % 3) / 2, Double(i % 7) / 6, 0.2 + Double(i % 9) / 10)
            cairo_fill(cr)
        }
        let gradient = cairo_pattern_create_linear(0, 0, 301, 0)!
        cairo_pattern_add_color_stop_rgba(gradient, 0, 0.9, 0.2, 0.1, 0)
        cairo_pattern_add_color_stop_rgba(gradient, 1, 0.1, 0.3, 0.8, 1)
        cairo_rectangle(cr, 0, 120, 301, 50)
        cairo_set_source(cr, gradient)
        cairo_fill(cr)
        cairo_pattern_destroy(gradient)
        return canvas
    }

    @Test(arguments: [true, false]) func decodesToCairosPixels(opaque: Bool) throws {
        let canvas = Self.drawn(opaque: opaque)
        let ours = canvas.png()
        // Colour type in the header: 2 (RGB) for an opaque picture, 6 (RGBA) otherwise.
        #expect(ours.count > 33 && ours[25] == (opaque ? 2 : 6))
        let decoded = try #require(Pixels(png: ours))
        let reference = try #require(Pixels(png: Self.cairoPNG(canvas)))
        #expect(decoded.width == 301 && decoded.height == 170)
        #expect(decoded == reference)
        #expect(opaque || (decoded.opaquePixelCount > 0 && decoded.opaquePixelCount < 301 * 170))
    }

    @Test func anEmptyCanvasIsATransparentPNG() throws {
        let decoded = try #require(Pixels(png: Canvas(width: 3, height: 2).png()))
        #expect(decoded.width == 3 && decoded.height == 2 && decoded.rgba.allSatisfy { $0 == 0 })
    }
}
