import Districts
import Store

enum SpatiaLiteStoreDefaults {
    static var path: String { SpatiaLiteStore.defaultPath }
}

extension DatabaseOptions {
    /// Opens the store `--database` names (a SpatiaLite file or a PostgreSQL URL), turning a
    /// failure into a clear message and a failure exit.
    func open() async throws -> any MiestasStore {
        do { return try await openStore(path, options: StoreOptions(mediaDirectory: mediaDirectory)) } catch { throw fail(error) }
    }

    /// Opens the store and builds the in-memory district index from it.
    func openWithLocator() async throws -> (any MiestasStore, DistrictLocator) {
        let store = try await open()
        do {
            let locator = try DistrictLocator(districts: try await store.districts())
            return (store, locator)
        } catch {
            throw fail(error)
        }
    }
}
