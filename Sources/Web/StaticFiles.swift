import Foundation
import Hummingbird
import RateLimits

/// The pages' CSS, scripts and Leaflet, read once at start and served from memory.
struct StaticFiles: Sendable {
    struct File: Sendable { var bytes: ByteBuffer; var contentType: String }
    let files: [String: File]

    /// `Data/web/static/*` at `/static/NAME`, Leaflet's js, css and images at `/vendor/leaflet/...`.
    init(settings: WebSettings) {
        var files: [String: File] = [:]
        func add(_ folder: URL, as prefix: String) {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
                guard let type = Self.contentType(name), let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
                files[prefix + name] = File(bytes: ByteBuffer(data: data), contentType: type)
            }
        }
        add(settings.folder.appendingPathComponent("static"), as: "static/")
        add(settings.leafletFolder, as: "vendor/leaflet/")
        add(settings.leafletFolder.appendingPathComponent("images"), as: "vendor/leaflet/images/")
        self.files = files
    }

    static func contentType(_ name: String) -> String? {
        switch name.split(separator: ".").last ?? "" {
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "png": "image/png"
        case "svg": "image/svg+xml"
        default: nil
        }
    }

    func register(on router: Router<ClientRequestContext>) {
        for (path, file) in files {
            router.get(RouterPath(path)) { _, _ in
                Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "public, max-age=3600",
                                                 .init("X-Content-Type-Options")!: "nosniff"],
                         body: .init(byteBuffer: file.bytes))
            }
        }
    }
}
