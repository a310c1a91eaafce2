import Districts
import Store

enum SpatiaLiteStoreDefaults {
    static var path: String { SpatiaLiteStore.defaultPath }
}

extension DatabaseOptions {
    /// Opens the store, turning a failure into a clear message and a failure exit.
    func open() throws -> SpatiaLiteStore {
        do { return try SpatiaLiteStore(path: path) } catch { throw fail(error) }
    }

    /// Opens the store and builds the in-memory district index from it.
    func openWithLocator() async throws -> (SpatiaLiteStore, DistrictLocator) {
        let store = try open()
        do {
            let locator = try DistrictLocator(districts: try await store.districts())
            return (store, locator)
        } catch {
            throw fail(error)
        }
    }
}
