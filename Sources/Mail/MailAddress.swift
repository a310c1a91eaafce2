/// An email address as an SMTP envelope and a header carry it: `local@domain`, printable ASCII,
/// no spaces, brackets or line breaks — so a stored address can never inject a header or an
/// SMTP command. (Internationalised addresses would need SMTPUTF8; relays rarely offer it.)
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) throws(MailError) {
        let forbidden: Set<Character> = ["<", ">", "(", ")", ",", ";", ":", "\\", "\"", "[", "]"]
        guard text.utf8.count <= 254, text.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline && !forbidden.contains($0) }),
              let at = text.lastIndex(of: "@"), at != text.startIndex, text.index(after: at) != text.endIndex,
              text.filter({ $0 == "@" }).count == 1
        else { throw MailError.invalidAddress(text) }
        self.text = text
    }

    /// The part after the `@`, for Message-IDs.
    public var domain: Substring { text[text.index(after: text.lastIndex(of: "@")!)...] }
    public var description: String { text }
}

public enum MailError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    /// The server answered a command with a 4xx (`transient`) or 5xx reply.
    case refused(command: String, code: Int, text: String)
    /// No answer in time, the connection closed, or it could not be made.
    case connection(String)

    /// Worth trying again later: a 4xx reply or a connection problem. A 5xx reply or a malformed
    /// address will fail the same way every time.
    public var isTransient: Bool {
        switch self {
        case .invalidAddress: false
        case .refused(_, let code, _): code < 500
        case .connection: true
        }
    }

    public var description: String {
        switch self {
        case .invalidAddress(let a): "not a deliverable email address: \(a.debugDescription)"
        case .refused(let command, let code, let text): "the mail server answered \(command) with \(code) \(text)"
        case .connection(let why): why
        }
    }
}
