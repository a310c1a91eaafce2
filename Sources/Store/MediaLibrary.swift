import Crypto
import Foundation

/// Uploaded files (report photos, later plan attachments) on disk, named by the SHA-256 of
/// their bytes: the same photo sent twice is stored once, a name can never be guessed from a
/// report id, and a stored file is never changed (so it may be cached forever).
///
/// A file is written to a temporary name, flushed to disk and renamed into place, so a crash
/// leaves either the whole file or none, never half of one.
public struct MediaLibrary: Sendable {
    public let directory: URL

    /// The library next to a database: `<database folder>/media`.
    public init(besideDatabase path: String) {
        directory = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("media")
    }

    public init(directory: URL) { self.directory = directory }

    /// Stores `bytes` (if not stored already) and answers the file's name, e.g. `3a7b…e1.jpg`.
    public func store(_ bytes: [UInt8], fileExtension: String) throws(StoreError) -> String {
        let digest = SHA256.hash(data: bytes).hex
        let name = "\(digest).\(fileExtension)"
        let target = directory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: target.path) { return name }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let temporary = directory.appendingPathComponent(".\(name).\(UUID().uuidString)")
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw StoreError.database("cannot create \(temporary.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, target.path) != 0 {
                try? FileManager.default.removeItem(at: temporary)
                throw StoreError.database("cannot move the upload into \(target.path): errno \(errno)")
            }
            // The rename is durable only once the folder itself is flushed.
            let folder = open(directory.path, O_RDONLY)
            if folder >= 0 { _ = fsync(folder); close(folder) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database("cannot store the upload in \(directory.path): \(error.localizedDescription)")
        }
        return name
    }

    /// The stored file called `name`, or nil when there is none or the name is not one this
    /// library gives out (so no path can reach outside the folder).
    public func file(named name: String) -> URL? {
        guard Self.isValidName(name) else { return nil }
        let url = directory.appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// 64 lowercase hex digits, a dot and a short lowercase extension.
    public static func isValidName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count == 64, (1...4).contains(parts[1].utf8.count) else { return false }
        return parts[0].utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
            && parts[1].utf8.allSatisfy { (97...122).contains($0) }
    }
}
