/// `multipart/form-data` (RFC 7578), as browsers and mobile apps send a form with a file: text
/// fields by name, and the bytes of file fields. Strict where laxness would hide a broken upload
/// (a missing closing delimiter means a truncated body), and bounded (parts and header sizes).
struct MultipartForm {
    var fields: [(String, String)] = []
    var files: [(name: String, bytes: [UInt8])] = []

    static let maximumParts = 200
    static let maximumHeaderBytes = 8 * 1024

    enum Failure: Error, CustomStringConvertible {
        case noBoundary, malformed(String)
        var description: String {
            switch self {
            case .noBoundary: "multipart/form-data needs a boundary parameter in its Content-Type"
            case .malformed(let why): "the multipart/form-data body is malformed: \(why)"
            }
        }
    }

    /// The boundary parameter of a Content-Type header, unquoted.
    static func boundary(contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingWhitespace.lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingWhitespace
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    init(body: [UInt8], contentType: String) throws(Failure) {
        guard let boundary = Self.boundary(contentType: contentType) else { throw .noBoundary }
        let delimiter = Array("--\(boundary)".utf8)
        // The first delimiter may open the body or follow a preamble after a line break.
        guard var cursor = Self.find(delimiter, in: body, from: 0) else { throw .malformed("no part starts with the boundary") }
        cursor += delimiter.count
        let separator = [UInt8(13), 10] + delimiter
        while true {
            if body[cursor...].starts(with: [45, 45]) { return }  // "--": the closing delimiter
            guard body[cursor...].starts(with: [13, 10]) else { throw .malformed("a boundary line does not end with CRLF") }
            cursor += 2
            guard let headerEnd = Self.find([13, 10, 13, 10], in: body, from: cursor), headerEnd - cursor <= Self.maximumHeaderBytes else {
                throw .malformed("a part's headers do not end (or exceed 8 KB)")
            }
            let headers = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let contentEnd = Self.find(separator, in: body, from: contentStart) else {
                throw .malformed("the body ends before the closing boundary (was the upload cut short?)")
            }
            guard fields.count + files.count < Self.maximumParts else { throw .malformed("more than \(Self.maximumParts) parts") }
            let (name, isFile) = try Self.disposition(headers)
            let content = Array(body[contentStart..<contentEnd])
            if isFile { files.append((name, content)) } else { fields.append((name, String(decoding: content, as: UTF8.self))) }
            cursor = contentEnd + separator.count
            guard cursor + 2 <= body.count else { throw .malformed("the body ends inside a boundary line") }
        }
    }

    /// The field name, and whether the part is a file (it has a filename).
    private static func disposition(_ headers: String) throws(Failure) -> (String, Bool) {
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingWhitespace.lowercased() == "content-disposition" else { continue }
            var name: String?
            var isFile = false
            for parameter in pair[1].split(separator: ";").dropFirst() {
                let kv = parameter.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { continue }
                var value = kv[1].trimmingWhitespace
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                switch kv[0].trimmingWhitespace.lowercased() {
                case "name": name = value
                case "filename": isFile = true
                default: break
                }
            }
            guard let name, !name.isEmpty else { throw .malformed("a part's Content-Disposition has no name") }
            return (name, isFile)
        }
        throw .malformed("a part has no Content-Disposition header")
    }

    /// The index where `needle` next occurs in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = start
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count && h[i + j] == n[j] { j += 1 }
                        if j == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}
