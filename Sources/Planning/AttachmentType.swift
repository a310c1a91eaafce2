/// The files plans and comments may carry, recognised by their first bytes (not by what the
/// client claims), so a file is always served with the type it really has.
public enum AttachmentType: String, Sendable, CaseIterable {
    case pdf = "application/pdf", jpeg = "image/jpeg", png = "image/png"

    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .jpeg: "jpg"
        case .png: "png"
        }
    }

    /// The type of `bytes` by its magic number, or nil for anything else.
    public static func detect(_ bytes: some Collection<UInt8>) -> AttachmentType? {
        let head = Array(bytes.prefix(8))
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }
}
