/// The image formats GetMap, GetLegendGraphic and the tiles answer in.
public enum ImageFormat: String, CaseIterable, Sendable {
    case png = "image/png"
    case jpeg = "image/jpeg"
    case svg = "image/svg+xml"
    /// Cairo's PDF surface: vector, one page the size of the map in points.
    case pdf = "application/pdf"

    /// The MIME type, as advertised in capabilities.
    public var mimeType: String { rawValue }

    /// Reads a FORMAT value; `image/png; mode=8bit`-style parameters are ignored, and the
    /// common shorthands (`png`, `jpeg`, `jpg`, `svg`, `pdf`) are accepted, as MapServer does.
    public init?(mimeType text: String) {
        let base = text.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch base {
        case "image/png", "png": self = .png
        case "image/jpeg", "image/jpg", "jpeg", "jpg": self = .jpeg
        case "image/svg+xml", "image/svg", "svg": self = .svg
        case "application/pdf", "pdf": self = .pdf
        default: return nil
        }
    }

    /// Whether the format can carry transparency.
    public var supportsTransparency: Bool { self != .jpeg }
}
