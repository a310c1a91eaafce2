import Foundation
import Hummingbird
import RateLimits
import Store

/// `GET /media/{name}`: uploaded photos. Names are content hashes, so a file never changes:
/// it is cached for a year and its ETag is its name.
struct MediaController: Sendable {
    let library: MediaLibrary

    func register(on router: Router<ClientRequestContext>) {
        router.get("media/:name") { request, context in
            let name = try context.parameters.require("name")
            guard let url = library.file(named: name) else { throw Problem(.notFound, "no photo called '\(name.prefix(80))'") }
            let etag = "\"\(name.prefix(64))\""
            var headers: HTTPFields = [
                .contentType: name.hasSuffix(".png") ? "image/png" : "image/jpeg",
                .eTag: etag,
                .cacheControl: "public, max-age=31536000, immutable",
                .init("X-Content-Type-Options")!: "nosniff",
            ]
            if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
            let data = try await Self.read(url)
            headers[.contentLength] = String(data.count)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
        }
    }

    /// Reads off the cooperative threads (a photo can be 10 MB).
    private static func read(_ url: URL) async throws -> Data {
        try await withCheckedThrowingContinuation { done in
            DispatchQueue.global().async { done.resume(with: Result { try Data(contentsOf: url) }) }
        }
    }
}
