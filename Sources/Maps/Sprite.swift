import CCairo
import Synchronization

/// A small pre-rendered symbol (premultiplied ARGB32) composited straight into an image canvas.
/// Drawing tens of thousands of report symbols as Cairo paths costs a fill and a stroke each;
/// copying a 13 × 13 sprite costs a few hundred integer operations. Symbols land on whole pixels.
struct Sprite: Sendable {
    let size: Int
    let pixels: [UInt32]

    struct Key: Hashable, Sendable {
        let shape: SymbolShape
        let fill: Colour
        let ratio: Double
    }

    private static let cache = Mutex<[Key: Sprite]>([:])

    /// The sprite of a report symbol, made once per shape, colour and pixel ratio.
    static func symbol(_ key: Key) -> Sprite {
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let r = Palette.symbolRadius * key.ratio
        let size = Int((2 * r + 3).rounded(.up)) | 1  // odd, so the centre is a pixel centre
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(size), Int32(size))!
        let cr = cairo_create(surface)!
        let c = Double(size) / 2
        key.shape.path(cr, c, c, r)
        key.fill.set(on: cr)
        cairo_fill_preserve(cr)
        Colour.white.set(on: cr)
        cairo_set_line_width(cr, key.ratio)
        cairo_stroke(cr)
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let data = cairo_image_surface_get_data(surface)!.withMemoryRebound(to: UInt32.self, capacity: stride * size) { $0 }
        var pixels = [UInt32](repeating: 0, count: size * size)
        for y in 0..<size { for x in 0..<size { pixels[y * size + x] = data[y * stride + x] } }
        cairo_surface_destroy(surface)
        let sprite = Sprite(size: size, pixels: pixels)
        cache.withLock { $0[key] = sprite }
        return sprite
    }

    /// Composites the sprite (OVER) with its centre on pixel (cx, cy), clipped to the image.
    func draw(into base: UnsafeMutablePointer<UInt32>, strideInWords: Int, width: Int, height: Int, cx: Int, cy: Int) {
        let half = size / 2
        let x0 = max(0, cx - half), x1 = min(width, cx - half + size)
        let y0 = max(0, cy - half), y1 = min(height, cy - half + size)
        guard x0 < x1, y0 < y1 else { return }
        pixels.withUnsafeBufferPointer { source in
            for y in y0..<y1 {
                let row = base + y * strideInWords
                let sourceRow = (y - (cy - half)) * size - (cx - half)
                for x in x0..<x1 {
                    let s = source[sourceRow + x]
                    let a = s >> 24
                    if a == 0 { continue }
                    if a == 255 { row[x] = s; continue }
                    let d = row[x], inverse = 255 - a
                    // Premultiplied OVER on each byte: s + d × (1 − αs), with /255 by the usual trick.
                    func blend(_ shift: UInt32) -> UInt32 {
                        let t = ((d >> shift) & 0xFF) * inverse + 128
                        return (((t + (t >> 8)) >> 8) + ((s >> shift) & 0xFF)) << shift
                    }
                    row[x] = blend(24) | blend(16) | blend(8) | blend(0)
                }
            }
        }
    }
}
