/// A multipart/form-data body as a browser builds it (RFC 7578), for the tests that upload photos
/// and files through the API and the pages.
public enum Multipart {
    public static func body(_ fields: [(String, String)], files: [(name: String, filename: String, type: String, bytes: [UInt8])],
                            boundary: String) -> [UInt8] {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return body
    }
}
