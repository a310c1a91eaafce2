import Config
import Foundation
import RateLimits

extension Settings {
    /// The demo city's settings (`Data/demo/miestas.toml`, read as `miestas serve` reads it), with
    /// the tile cache in `folder`, no per-client limits (tests of the limits set their own) and
    /// whatever `change` sets.
    public static func demo(tiles folder: URL, _ change: (inout Settings) -> Void = { _ in }) throws -> Settings {
        var settings = try SettingsLoader(configPath: TestPaths.demoConfiguration, environment: [:]).load()
        settings.storage.tileCache = folder.appendingPathComponent("tiles").path
        settings.limits = .none
        change(&settings)
        return settings
    }
}
