import CCairo
import Foundation
import Geo

/// Draws maps, legends and image exceptions with Cairo, and encodes them. Stateless and
/// `Sendable`: every call makes its own canvas, so any number run in parallel.
public struct MapRenderer: Sendable {
    public let catalogue: LayerCatalogue

    public init(catalogue: LayerCatalogue = .standard) { self.catalogue = catalogue }

    /// The map, encoded in the request's format. Layers and styles must exist (see `WMSService`
    /// for the checks that answer with exceptions); unknown ones are skipped here.
    public func render(_ request: MapRequest, data: MapData) throws(WMSError) -> Data {
        let frame: ViewFrame
        do { frame = try ViewFrame(viewport: request.viewport, pixelRatio: request.pixelRatio) } catch {
            throw WMSError(.invalidCRS, "cannot project to \(request.viewport.crs.identifier): \(error)", locator: "CRS")
        }
        let canvas = Canvas.make(for: request.format, width: request.viewport.width, height: request.viewport.height)
        let transparent = request.transparent && request.format.supportsTransparency
        if !transparent { canvas.clear(to: request.background.with(alpha: 1)) }
        let scene = Scene(canvas: canvas, frame: frame, data: data, query: request.query)
        cairo_set_antialias(canvas.context, CAIRO_ANTIALIAS_GOOD)
        scene.layerNames = Set(request.layers.map(\.name))
        for choice in request.layers {
            guard let layer = catalogue.layer(named: choice.name), let style = layer.style(named: choice.style) else { continue }
            cairo_save(canvas.context)
            cairo_rectangle(canvas.context, 0, 0, Double(canvas.width), Double(canvas.height))
            cairo_clip(canvas.context)
            cairo_new_path(canvas.context)
            layer.draw(scene, style: style)
            cairo_restore(canvas.context)
        }
        if scene.drawsDistrictLabels { DistrictLabels.draw(scene) }
        return encode(canvas, format: request.format, background: request.background)
    }

    /// Features under pixel (x, y) of the map `request` describes, `limit` per layer.
    public func features(_ request: MapRequest, layers: [String], x: Int, y: Int, limit: Int, data: MapData) throws(WMSError) -> [FeatureInfo] {
        let frame: ViewFrame
        do { frame = try ViewFrame(viewport: request.viewport, pixelRatio: request.pixelRatio) } catch {
            throw WMSError(.invalidCRS, "cannot project to \(request.viewport.crs.identifier): \(error)", locator: "CRS")
        }
        // Hit tests need no pixels: a 1×1 canvas keeps Scene's shape without the memory.
        let scene = Scene(canvas: Canvas(width: 1, height: 1), frame: frame, data: data, query: request.query)
        return layers.flatMap { name in
            catalogue.layer(named: name)?.features(scene, atPixel: Double(x), Double(y), limit: limit) ?? []
        }
    }

    /// An image of the requested format and size: filled with the background (or transparent),
    /// and with `message` written on it for EXCEPTIONS=INIMAGE.
    public func exceptionImage(_ message: String?, width: Int, height: Int, format: ImageFormat, transparent: Bool, background: Colour) -> Data {
        let canvas = Canvas.make(for: format, width: width, height: height)
        if !(transparent && format.supportsTransparency) { canvas.clear(to: background.with(alpha: 1)) }
        if let message {
            let cr = canvas.context
            cairo_select_font_face(cr, Palette.fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
            cairo_set_font_size(cr, 12)
            Colour(rgb: 0xB00020).set(on: cr)
            // Wrap by words to the image width.
            var lines: [String] = [], line = ""
            for word in message.split(separator: " ") {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                var extents = cairo_text_extents_t()
                cairo_text_extents(cr, candidate, &extents)
                if extents.x_advance > Double(width - 8), !line.isEmpty { lines.append(line); line = String(word) } else { line = candidate }
            }
            if !line.isEmpty { lines.append(line) }
            for (i, text) in lines.enumerated() {
                cairo_move_to(cr, 4, 16 + Double(i) * 15)
                cairo_show_text(cr, text)
            }
        }
        return encode(canvas, format: format, background: background)
    }

    func encode(_ canvas: Canvas, format: ImageFormat, background: Colour) -> Data {
        switch format {
        case .png: return canvas.png()
        case .svg, .pdf: return canvas.finishVector()
        case .jpeg:
            return canvas.withPixels { pixels, stride in
                JPEGEncoder.encode(pixels: pixels, strideInWords: stride, width: canvas.width, height: canvas.height, background: background)
            }
        }
    }
}
