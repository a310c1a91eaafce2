/// A map to draw: what GetMap and the tiles both come down to.
public struct MapRequest: Sendable {
    public struct LayerChoice: Hashable, Sendable {
        public var name: String
        /// Empty for the layer's default style.
        public var style: String
        public init(name: String, style: String = "") { self.name = name; self.style = style }
    }

    public var viewport: Viewport
    /// Bottom first.
    public var layers: [LayerChoice]
    public var query: ReportQuery
    public var format: ImageFormat
    public var transparent: Bool
    public var background: Colour
    /// 2 for HiDPI tiles: the viewport's pixels are device pixels, symbols are drawn twice as large.
    public var pixelRatio: Double

    public init(viewport: Viewport, layers: [LayerChoice], query: ReportQuery = .all, format: ImageFormat = .png,
                transparent: Bool = false, background: Colour = .white, pixelRatio: Double = 1) {
        self.viewport = viewport; self.layers = layers; self.query = query; self.format = format
        self.transparent = transparent; self.background = background; self.pixelRatio = pixelRatio
    }
}
