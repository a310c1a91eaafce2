import Foundation

/// Where things are, relative to this file, so tests run from any working directory.
public enum TestPaths {
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The demo city's districts (Kaunas's elderships).
    public static let demoDistricts = repository.appendingPathComponent("Data/demo/kaunas-seniunijos.geojson").path
    /// `../shared/data`, which CI and developers have beside the project.
    public static let shared = repository.deletingLastPathComponent().appendingPathComponent("shared/data")

    /// A file of the shared data folder, or nil (saying so) when the folder is not there.
    public static func sharedFile(_ name: String) -> String? {
        let path = shared.appendingPathComponent(name).path
        if FileManager.default.fileExists(atPath: path) { return path }
        print("skipping: \(path) is absent (the shared data folder is not beside the project)")
        return nil
    }
}

extension TestPaths {
    /// The demo city's configuration: Kaunas, Europe/Vilnius, Lithuanian first.
    public static let demoConfiguration = repository.appendingPathComponent("Data/demo/miestas.toml").path
}
