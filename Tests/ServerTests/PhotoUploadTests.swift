import Foundation
import Hummingbird
import HummingbirdTesting
import Reports
import Store
import TestSupport
import Testing

/// Photos sent as multipart `media`: checked by their bytes, stored once by hash, served back.
@Suite struct PhotoUploadTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: ServerTests.repository.appendingPathComponent("Tests/ServerTests/Fixtures/\(name)")))
    }

    /// A multipart/form-data body as a browser builds it.
    static func multipart(_ fields: [(String, String)], files: [(name: String, filename: String, type: String, bytes: [UInt8])],
                          boundary: String = "----MiestasBoundary7MA4YWxkTrZu0gW") -> ByteBuffer {
        ByteBuffer(bytes: Multipart.body(fields, files: files, boundary: boundary))
    }

    static func post(_ client: any TestClientProtocol, _ body: ByteBuffer,
                     contentType: String = "multipart/form-data; boundary=----MiestasBoundary7MA4YWxkTrZu0gW") async throws -> TestResponse {
        try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: [.contentType: contentType], body: body) { $0 }
    }

    static func error(_ r: TestResponse) throws -> String {
        try #require(try jsonArray(r).first?["description"] as? String)
    }

    @Test func jpegAndPngAreStoredServedAndLinked() async throws {
        try await Open311Fixture.run { client, f in
            for (file, type, ext) in [("pothole.jpg", "image/jpeg", "jpg"), ("tree.png", "image/png", "png")] {
                let bytes = try Self.fixture(file)
                // The client's Content-Type says nothing useful; the bytes decide.
                let r = try await Self.post(client, Self.multipart(f.pothole(), files: [("media", file, "application/octet-stream", bytes)]))
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                let id = try #require(try jsonArray(r).first?["service_request_id"] as? String)
                let request = try #require(try jsonArray(try await get(client, "/open311/v2/requests/\(id).json")).first)
                // An absolute URL (the test client sends no Host, so it is "localhost").
                let link = try #require(request["media_url"] as? String)
                let url = try #require(URL(string: link))
                #expect(url.scheme == "http" && url.host == "localhost" && url.pathExtension == ext, "\(url)")
                let path = url.path
                #expect(path.hasPrefix("/media/") && path.count == "/media/".count + 64 + 1 + ext.count)
                let photo = try await get(client, path)
                #expect(photo.status == .ok)
                #expect(photo.headers[.contentType] == type)
                #expect(Array(buffer: photo.body) == bytes)
                let etag = try #require(photo.headers[.eTag])
                let again = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: etag]) { $0 }
                #expect(again.status == .notModified)
                // Personal data still never shown, photo or not.
                #expect(!String(buffer: try await get(client, "/open311/v2/requests/\(id).xml").body).contains("jonas@example.lt"))
            }
            // The same photo twice is one file.
            let bytes = try Self.fixture("pothole.jpg")
            _ = try await Self.post(client, Self.multipart(f.pothole(lat: "54.95", long: "23.90"), files: [("media", "p.jpg", "image/jpeg", bytes)]))
            let media = URL(fileURLWithPath: f.store.path).deletingLastPathComponent().appendingPathComponent("media")
            let stored = try FileManager.default.contentsOfDirectory(atPath: media.path).filter { !$0.hasPrefix(".") }
            #expect(stored.count == 2)
        }
    }

    @Test func badUploadsAreRefusedAndNothingIsStored() async throws {
        try await Open311Fixture.run { client, f in
            let jpeg = try Self.fixture("pothole.jpg")
            var bomb = try Self.fixture("tree.png")
            bomb.replaceSubrange(16..<24, with: [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0])  // IHDR says 100,000 × 100,000
            let oversized = jpeg + [UInt8](repeating: 0, count: Photo.maximumBytes)
            let cases: [(ByteBuffer, String)] = [
                (Self.multipart(f.pothole(), files: [("media", "x.gif", "image/jpeg", try Self.fixture("not-a-photo.gif"))]), "not a JPEG or PNG"),
                (Self.multipart(f.pothole(), files: [("media", "x.png", "image/png", bomb)]), "100000 × 100000 pixels"),
                (Self.multipart(f.pothole(), files: [("media", "x.jpg", "image/jpeg", Array(jpeg.prefix(20)))]), "damaged JPEG"),
                (Self.multipart(f.pothole(), files: [("media", "x.jpg", "image/jpeg", oversized)]), "at most 10 MB"),
                (Self.multipart(f.pothole([("media_url", "https://example.lt/a.jpg")]), files: [("media", "x.jpg", "image/jpeg", jpeg)]), "send one or the other"),
                (Self.multipart(f.pothole(), files: [("media", "a.jpg", "image/jpeg", jpeg), ("media", "b.jpg", "image/jpeg", jpeg)]), "at most one photo"),
                (Self.multipart(f.pothole(), files: [("document", "a.jpg", "image/jpeg", jpeg)]), "'document' is not accepted"),
                // Out of the service area: refused after the photo was checked, and the photo is not kept.
                (Self.multipart(f.pothole(lat: "54.5", long: "25.0"), files: [("media", "x.jpg", "image/jpeg", jpeg)]), "outside the service area"),
            ]
            for (body, message) in cases {
                let r = try await Self.post(client, body)
                #expect(r.status == .badRequest, "\(message): \(r.status)")
                let description = try Self.error(r)
                #expect(description.contains(message), "\(description)")
            }
            // Malformed multipart bodies.
            var truncated = Self.multipart(f.pothole(), files: [("media", "x.jpg", "image/jpeg", jpeg)])
            truncated.moveWriterIndex(to: truncated.writerIndex - 60)
            for (body, type, message) in [(truncated, "multipart/form-data; boundary=----MiestasBoundary7MA4YWxkTrZu0gW", "cut short"),
                                          (Self.multipart(f.pothole(), files: []), "multipart/form-data", "boundary parameter"),
                                          (ByteBuffer(string: "hello"), "multipart/form-data; boundary=xyz", "no part starts")] {
                let r = try await Self.post(client, body, contentType: type)
                #expect(r.status == .badRequest)
                let description = try Self.error(r)
                #expect(description.contains(message), "\(description)")
            }
            let count = try await f.store.reportCount()
            #expect(count == 0)
            let media = URL(fileURLWithPath: f.store.path).deletingLastPathComponent().appendingPathComponent("media")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: media.path)) ?? []).isEmpty)
            // A body over the limit is refused before it is read.
            let huge = Self.multipart(f.pothole(), files: [("media", "x.jpg", "image/jpeg", jpeg + [UInt8](repeating: 0, count: 12 * 1024 * 1024))])
            let status = try await Self.post(client, huge).status
            #expect(status == .contentTooLarge)
        }
    }

    @Test func anEmptyFileFieldIsNoPhotoAndFieldsStillCount() async throws {
        try await Open311Fixture.run { client, f in
            let r = try await Self.post(client, Self.multipart(f.pothole(), files: [("media", "", "application/octet-stream", [])]))
            #expect(r.status == .ok)
            let id = try #require(try jsonArray(r).first?["service_request_id"] as? String)
            let request = try #require(try jsonArray(try await get(client, "/open311/v2/requests/\(id).json")).first)
            #expect(request["media_url"] as? String == "")
            #expect(request["description"] as? String == "Gili duobė prie perėjos")
        }
    }

    @Test func mediaNamesCannotLeaveTheFolder() async throws {
        try await Open311Fixture.run { client, _ in
            for name in ["..%2Fdb.sqlite", "db.sqlite", String(repeating: "a", count: 64) + ".jpg", String(repeating: "A", count: 64) + ".jpg"] {
                let status = try await get(client, "/media/\(name)").status
                #expect(status == .notFound, "\(name)")
            }
        }
    }

    @Test func photoDimensionsComeFromTheHeaders() throws {
        let jpeg = try Photo(bytes: try Self.fixture("pothole.jpg"))
        #expect(jpeg.format == .jpeg && jpeg.width == 64 && jpeg.height == 48)
        let png = try Photo(bytes: try Self.fixture("tree.png"))
        #expect(png.format == .png && png.width == 40 && png.height == 30)
        #expect(throws: IntakeError.self) { try Photo(bytes: []) }
    }
}
