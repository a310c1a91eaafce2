import Messages

/// A photo sent with a report, checked before anything is stored: JPEG or PNG by its first
/// bytes (never by the client's file name or Content-Type, which anyone can set), within the
/// size cap, and with dimensions read from the file's own header so a decompression bomb (a small
/// file that claims 100,000 × 100,000 pixels) is refused before any renderer sees it.
public struct Photo: Sendable, Hashable {
    public enum Format: String, Sendable { case jpeg, png
        public var fileExtension: String { self == .jpeg ? "jpg" : "png" }
        public var mediaType: String { self == .jpeg ? "image/jpeg" : "image/png" }
    }

    public static let maximumBytes = 10 * 1024 * 1024
    /// The longest side and the most pixels a photo may claim (a 48-megapixel phone camera fits).
    public static let maximumSide = 12_000
    public static let maximumPixels = 60_000_000

    public let bytes: [UInt8]
    public let format: Format
    public let width: Int
    public let height: Int

    /// Checks `bytes` as a photo; every refusal says what was wrong.
    public init(bytes: [UInt8]) throws(IntakeError) {
        guard !bytes.isEmpty else { throw .invalidField(name: "media", reason: .intake(.photoEmpty)) }
        guard bytes.count <= Self.maximumBytes else {
            throw .invalidField(name: "media", reason: .intake(.photoTooLarge, ["size": .number(bytes.count)]))
        }
        let size: (Int, Int)?
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            format = .jpeg
            size = Self.jpegSize(bytes)
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            format = .png
            size = Self.pngSize(bytes)
        } else {
            throw .invalidField(name: "media", reason: .intake(.photoNotImage))
        }
        guard let (w, h) = size, w > 0, h > 0 else {
            throw .invalidField(name: "media", reason: .intake(.photoDamaged, ["format": .text(format == .jpeg ? "JPEG" : "PNG")]))
        }
        guard w <= Self.maximumSide, h <= Self.maximumSide, w * h <= Self.maximumPixels else {
            throw .invalidField(name: "media", reason: .intake(.photoTooManyPixels, ["width": .number(w), "height": .number(h), "side": .number(Self.maximumSide)]))
        }
        self.bytes = bytes; width = w; height = h
    }

    /// PNG: the IHDR chunk comes first; width and height are its first two big-endian words.
    static func pngSize(_ b: [UInt8]) -> (Int, Int)? {
        guard b.count >= 24, Array(b[12..<16]) == Array("IHDR".utf8) else { return nil }
        return (bigEndian(b, 16, 4), bigEndian(b, 20, 4))
    }

    /// JPEG: walk the marker segments to the first start-of-frame (SOF0…SOF15 except DHT, JPG
    /// and DAC), whose payload holds height then width.
    static func jpegSize(_ b: [UInt8]) -> (Int, Int)? {
        var i = 2
        while i + 3 < b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill bytes
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }  // no length
            let length = bigEndian(b, i + 2, 2)
            guard length >= 2 else { return nil }
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                guard i + 9 <= b.count else { return nil }
                return (bigEndian(b, i + 7, 2), bigEndian(b, i + 5, 2))
            }
            if marker == 0xDA || marker == 0xD9 { return nil }  // image data before any frame header
            i += 2 + length
        }
        return nil
    }

    private static func bigEndian(_ b: [UInt8], _ at: Int, _ count: Int) -> Int {
        (at..<(at + count)).reduce(0) { $0 << 8 | Int(b[$1]) }
    }
}
