import CCairo

/// An sRGB colour with straight (not premultiplied) alpha, components 0...1.
public struct Colour: Hashable, Sendable {
    public var red, green, blue, alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    /// From `0xRRGGBB`.
    public init(rgb: UInt32, alpha: Double = 1) {
        self.init(red: Double((rgb >> 16) & 0xFF) / 255, green: Double((rgb >> 8) & 0xFF) / 255, blue: Double(rgb & 0xFF) / 255, alpha: alpha)
    }

    /// Reads WMS's `BGCOLOR` form, `0xRRGGBB` (also `#RRGGBB` and bare `RRGGBB`); nil otherwise.
    public init?(hex text: String) {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) } else if digits.hasPrefix("#") { digits = digits.dropFirst() }
        guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return nil }
        self.init(rgb: value)
    }

    public func with(alpha: Double) -> Colour { Colour(red: red, green: green, blue: blue, alpha: alpha) }

    public static let white = Colour(rgb: 0xFFFFFF)
    public static let black = Colour(rgb: 0x000000)
    public static let clear = Colour(red: 0, green: 0, blue: 0, alpha: 0)

    /// `#rrggbb`, for HTML and legends.
    public var hex: String {
        func byte(_ v: Double) -> String {
            let s = String(Int((min(max(v, 0), 1) * 255).rounded()), radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + byte(red) + byte(green) + byte(blue)
    }

    func set(on context: OpaquePointer) {
        cairo_set_source_rgba(context, red, green, blue, alpha)
    }
}
