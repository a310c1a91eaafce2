import ArgumentParser
import Config
import Districts
import Foundation
import Store

/// `--config`, `--set` and `--database`: every command that reads settings or opens the store.
/// Flags win over `MIESTAS_*` variables, which win over the file, which wins over the defaults.
struct SettingsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The configuration file (TOML). Default: $MIESTAS_CONFIG, else ./miestas.toml if there is one.", valueName: "path"))
    var config: String?
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Any setting, as in the file: --set municipality.time_zone=Europe/Oslo (repeatable; `miestas config check` lists them).", valueName: "key=value"))
    var set: [String] = []
    @Option(help: ArgumentHelp(
        "The SpatiaLite database file (created if missing), or a PostgreSQL/PostGIS database: postgres://USER@HOST:PORT/DB or postgresql:///DB?host=/socket/folder (storage.database). Default: var/miestas.sqlite.",
        valueName: "path-or-url"))
    var database: String?
    @Option(help: ArgumentHelp(
        "Where uploaded photos and files are kept (storage.media; servers sharing one PostgreSQL must share it). Default: media/ beside a SpatiaLite file, var/media with PostgreSQL.",
        valueName: "folder"))
    var media: String?

    /// The settings, with `flags` (key, value or nil, flag name) from the command's own options.
    func load(_ flags: [(key: String, value: String?, flag: String)] = []) throws -> Settings {
        var loader = SettingsLoader(configPath: config)
        loader.flag("storage.database", database, name: "--database")
        loader.flag("storage.media", media, name: "--media")
        for f in flags { loader.flag(f.key, f.value, name: f.flag) }
        loader.set(set)
        do {
            let settings = try loader.load()
            for warning in settings.warnings { note("warning: \(warning)") }
            return settings
        } catch { throw fail("the configuration has problems:\n\(error)") }
    }

    /// Opens the store the settings name (a SpatiaLite file or a PostgreSQL URL, with the media
    /// folder and pool size they give), turning a failure into a clear message and a failure exit.
    func open(_ settings: Settings? = nil) async throws -> any MiestasStore {
        let settings = try settings ?? load()
        let options = StoreOptions(mediaDirectory: settings.storage.media.map { URL(fileURLWithPath: $0) }, poolSize: settings.storage.poolSize)
        do { return try await openStore(settings.storage.database, options: options) } catch { throw fail(error) }
    }

    /// Opens the store and builds the in-memory district index from it.
    func openWithLocator(_ settings: Settings? = nil) async throws -> (any MiestasStore, DistrictLocator) {
        let store = try await open(settings)
        do {
            let locator = try DistrictLocator(districts: try await store.districts())
            return (store, locator)
        } catch {
            throw fail(error)
        }
    }
}
