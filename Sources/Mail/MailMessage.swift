import Foundation

/// A plain-text message in the Internet Message Format (RFC 5322), with MIME (RFC 2045) so any
/// text — Lithuanian letters included — arrives intact through any relay: the body is UTF-8 in
/// base64, a non-ASCII subject an RFC 2047 encoded word.
public struct MailMessage: Sendable, Hashable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var body: String
    public var date: Date
    /// Stable for one message across retries, so receivers can drop a copy sent twice.
    public var messageID: String

    public init(from: MailAddress, to: MailAddress, subject: String, body: String, date: Date, messageID: String) {
        self.from = from; self.to = to; self.subject = subject; self.body = body; self.date = date; self.messageID = messageID
    }

    /// The message as sent after DATA: CRLF line ends, no line over 78 characters.
    public var text: String {
        let headers = [
            "From: \(from)",
            "To: \(to)",
            "Subject: \(Self.encodedHeaderText(subject.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")))",
            "Date: \(Self.dateText(date))",
            "Message-ID: <\(messageID)>",
            // RFC 3834: a notification, not a person writing; keeps auto-replies away.
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        let body = Data(body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
    }

    /// ASCII text as it is; anything else as RFC 2047 "B" encoded words of whole characters,
    /// folded onto continuation lines. Words of at most 60 characters keep even the first line,
    /// after "Subject: ", within RFC 2047's 76.
    static func encodedHeaderText(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII }) && text.utf8.count <= 900 { return text }
        let prefix = "=?UTF-8?B?", suffix = "?="
        // 60 - 12 characters of base64 hold 36 bytes of UTF-8.
        let maxBytes = 36
        var words: [String] = [], chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > maxBytes {
                words.append(prefix + Data(chunk).base64EncodedString() + suffix)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(prefix + Data(chunk).base64EncodedString() + suffix) }
        return words.joined(separator: "\r\n ")
    }

    /// RFC 5322 date-time, e.g. `Sat, 21 Nov 2026 21:40:00 +0000`.
    static func dateText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(days[c.weekday! - 1]), \(two(c.day)) \(months[c.month! - 1]) \(c.year!) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}
