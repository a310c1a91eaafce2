import Foundation

/// Reads the settings once, at start, from four layers: a command-line flag wins over a
/// `MIESTAS_*` environment variable, which wins over the configuration file, which wins over the
/// default. Every command that needs settings loads them this way.
///
/// The file is `--config PATH`, else `$MIESTAS_CONFIG`, else `./miestas.toml` if it exists; none
/// at all means the defaults. Every problem is collected before failing, with where it is.
public struct SettingsLoader {
    /// Values given on the command line, by key ("server.port" → "8080"), with the flag's name.
    public var flags: [String: (value: String, flag: String)] = [:]
    /// `--set` arguments without a `=`.
    private var malformed: [String] = []
    /// `--config`.
    public var configPath: String?
    public var environment: [String: String]
    /// Where `./miestas.toml` is looked for.
    public var workingDirectory: String

    public init(configPath: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.configPath = configPath; self.environment = environment; self.workingDirectory = workingDirectory
    }

    /// Adds a flag's value (nil: the flag was not given).
    public mutating func flag(_ key: String, _ value: String?, name: String) {
        if let value { flags[key] = (value, name) }
    }

    /// Adds `--set key=value` pairs; a malformed pair or an unknown key is reported by `load`.
    public mutating func set(_ pairs: [String]) {
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = parts.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if parts.count == 2 { flags[key] = (String(parts[1]), "--set \(key)") } else { malformed.append(pair) }
        }
    }

    /// The file that will be read, if any, and what chose it.
    public func configFile() throws(ConfigurationError) -> String? {
        if let configPath {
            guard FileManager.default.fileExists(atPath: configPath) else {
                throw ConfigurationError([.init(location: "--config", message: "no such file: \(configPath)")])
            }
            return configPath
        }
        if let path = environment["MIESTAS_CONFIG"], !path.isEmpty {
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigurationError([.init(location: "MIESTAS_CONFIG", message: "no such file: \(path)")])
            }
            return path
        }
        let local = URL(fileURLWithPath: workingDirectory).appendingPathComponent("miestas.toml").path
        return FileManager.default.fileExists(atPath: local) ? local : nil
    }

    public func load() throws(ConfigurationError) -> Settings {
        let catalogue = Setting.catalogue
        var problems: [ConfigurationError.Problem] = []
        var settings = Settings()
        let path = try configFile()
        settings.file = path
        let file = try path.map { p throws(ConfigurationError) in try ConfigFile(path: p) }
        let fileValues = file.map { Self.values(of: $0, catalogue: catalogue, problems: &problems) } ?? [:]

        let known = Set(catalogue.map(\.key))
        for (key, given) in flags.sorted(by: { $0.key < $1.key }) where !known.contains(key) {
            problems.append(.init(location: given.flag, message: "no setting named '\(key)'\(Self.suggestion(for: key, among: known))"))
        }
        for pair in malformed {
            problems.append(.init(location: "--set \(pair)", message: "write --set KEY=VALUE, e.g. --set server.port=8081"))
        }

        for setting in catalogue {
            let chosen: (RawSetting, SettingOrigin)?
            if let given = flags[setting.key] {
                chosen = (.text(given.value), .flag(given.flag))
            } else if let name = setting.environment.first(where: { environment[$0] != nil }), let text = environment[name] {
                chosen = (.text(text), .environment(name))
            } else if let found = fileValues[setting.key] {
                chosen = (.file(found.value), .file(found.location))
            } else {
                chosen = nil
            }
            guard let (raw, origin) = chosen else { settings.origins[setting.key] = .defaultValue; continue }
            do {
                try setting.apply(raw, &settings)
                settings.origins[setting.key] = origin
            } catch let problem as SettingProblem {
                problems.append(.init(location: Self.location(origin), message: "\(setting.key): \(problem.message)"))
            } catch {
                problems.append(.init(location: Self.location(origin), message: "\(setting.key): \(error)"))
            }
        }
        problems += Self.crossChecks(settings)
        settings.warnings = unknownVariables(catalogue)
        guard problems.isEmpty else { throw ConfigurationError(problems) }
        return settings
    }

    /// Rules between settings, checked after each one on its own.
    static func crossChecks(_ s: Settings) -> [ConfigurationError.Problem] {
        var problems: [ConfigurationError.Problem] = []
        func add(_ key: String, _ message: String) {
            problems.append(.init(location: location(s.origins[key] ?? .defaultValue), message: message))
        }
        let languages = s.web.languages
        if !languages.contains(s.web.defaultLanguage) {
            add("municipality.default_language", "municipality.default_language '\(s.web.defaultLanguage)' is not among municipality.languages [\(languages.joined(separator: ", "))]")
        }
        let i18n = s.web.folder.appendingPathComponent("i18n")
        for code in languages where !FileManager.default.fileExists(atPath: i18n.appendingPathComponent("\(code).json").path) {
            let have = ((try? FileManager.default.contentsOfDirectory(atPath: i18n.path)) ?? []).filter { $0.hasSuffix(".json") }
                .map { String($0.dropLast(5)) }.sorted()
            add("municipality.languages", "no translations for '\(code)': \(i18n.path)/\(code).json is missing (there are: \(have.joined(separator: ", ")))")
        }
        for problem in s.smtp.problems() { add("smtp.host", problem) }
        if let identity = s.identity { for problem in identity.problems() { add("identity.providers", problem) } }
        else if !s.identityConfig.redirectURI.isEmpty || !s.identityConfig.staff.isEmpty {
            add("identity.providers", "identity: settings are given but no [[identity.providers]]: residents cannot sign in")
        }
        if s.origins["map.zoom"] != nil, s.origins["map.zoom"] != .defaultValue, s.web.initialView == nil {
            add("map.zoom", "map.zoom needs map.center")
        }
        return problems
    }

    static func location(_ origin: SettingOrigin) -> String {
        switch origin {
        case .flag(let name): name
        case .environment(let name): name
        case .file(let location): location
        case .defaultValue: "default"
        }
    }

    /// `MIESTAS_*` variables that look like a misspelt setting (one is otherwise silently
    /// ignored). Variables of the tools and tests (`MIESTAS_BIN`, ...) resemble none and pass.
    private func unknownVariables(_ catalogue: [Setting]) -> [String] {
        let known = Set(catalogue.flatMap(\.environment)).union(["MIESTAS_CONFIG"])
        return environment.keys.filter { $0.hasPrefix("MIESTAS_") && !known.contains($0) }.sorted().compactMap { name in
            let suggestion = Self.suggestion(for: name, among: known)
            return suggestion.isEmpty ? nil : "environment variable \(name) is not a setting and is ignored\(suggestion)"
        }
    }

    /// The file's values by setting key, with where each is written; anything that is not a
    /// setting is a problem naming its line.
    static func values(of file: ConfigFile, catalogue: [Setting], problems: inout [ConfigurationError.Problem]) -> [String: (value: FileValue, location: String)] {
        let keys = Set(catalogue.map(\.key))
        let sections = Set(keys.flatMap { key in
            let parts = key.split(separator: ".")
            return (1..<parts.count).map { parts.prefix($0).joined(separator: ".") }
        })
        var found: [String: (value: FileValue, location: String)] = [:]
        func walk(_ entries: [(key: String, value: FileValue)], prefix: [String]) {
            for (name, value) in entries {
                let path = prefix + [name]
                let key = path.joined(separator: ".")
                if keys.contains(key) {
                    found[key] = (value, file.location(of: path))
                } else if sections.contains(key) {
                    guard case .table(let inner) = value else {
                        problems.append(.init(location: file.location(of: path), message: "\(key) is a section: write [\(key)] and its settings under it"))
                        continue
                    }
                    walk(inner, prefix: path)
                } else {
                    let what = prefix.isEmpty ? "no section or setting named '\(key)'" : "no setting named '\(key)'"
                    problems.append(.init(location: file.location(of: path), message: what + suggestion(for: key, among: keys.union(sections))))
                }
            }
        }
        walk(file.root, prefix: [])
        return found
    }

    /// " (did you mean server.port?)" when a known name is close to `name`.
    static func suggestion(for name: String, among known: Set<String>) -> String {
        var best: (name: String, distance: Int)? = nil
        for candidate in known.sorted() {
            let distance = editDistance(name.lowercased(), candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(2, name.count / 4) else { return "" }
        return " (did you mean \(best.name)?)"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
