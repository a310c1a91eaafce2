import Foundation
import Geo
import Store
import TestSupport
@testable import Districts

/// Paths of this target's fixtures; the repository and shared data come from `TestPaths`.
enum Paths {
    static let repository = TestPaths.repository
    static func fixture(_ name: String) -> String { repository.appendingPathComponent("Tests/DistrictsTests/Fixtures/\(name)").path }
    static let demo = TestPaths.demoDistricts
    static func sharedFile(_ name: String) -> String? { TestPaths.sharedFile(name) }
}

/// A fresh database in a temporary folder and an importer over it.
final class Workspace {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-districts-\(UUID().uuidString)")
    let store: SpatiaLiteStore
    var importer: DistrictImporter { DistrictImporter(store: store) }

    init() throws { store = try SpatiaLiteStore(path: directory.appendingPathComponent("test.sqlite").path) }
    deinit { try? FileManager.default.removeItem(at: directory) }

    @discardableResult
    func importFile(_ path: String, _ options: DistrictImportOptions = .init()) async throws -> DistrictImportReport {
        try await importer.importFile(path, options: options)
    }

    func locator() async throws -> DistrictLocator { try DistrictLocator(districts: try await store.districts()) }
}

extension DistrictLocator {
    /// The ids the locator gives, for comparison with the SQL path.
    func ids(_ points: [Coordinate]) -> [Int64?] { points.map { locate($0)?.id } }
}

/// Every vertex of every district boundary: points that lie exactly on a boundary.
func boundaryVertices(_ districts: [District], every step: Int = 1) -> [Coordinate] {
    var out: [Coordinate] = []
    var k = 0
    for d in districts {
        d.geometry.forEachCoordinate { c in
            if k % step == 0 { out.append(c) }
            k += 1
        }
    }
    return out
}
