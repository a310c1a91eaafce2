/// Everything wrong with a configuration, found in one pass so an operator fixes it in one go.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable {
        /// Where: "miestas.toml:12", "MIESTAS_SERVER_PORT", "--port".
        public var location: String
        public var message: String
        public init(location: String, message: String) { self.location = location; self.message = message }
    }

    public var problems: [Problem]

    public init(_ problems: [Problem]) { self.problems = problems }

    /// One line per problem: "miestas.toml:12: server.prot is not a setting (did you mean server.port?)".
    public var description: String {
        problems.map { "\($0.location): \($0.message)" }.joined(separator: "\n")
    }
}

/// Where an effective value came from, in order of precedence (a flag wins over everything).
public enum SettingOrigin: Sendable, Hashable, CustomStringConvertible {
    case flag(String)
    case environment(String)
    case file(String)
    case defaultValue

    public var description: String {
        switch self {
        case .flag(let name): "command line (\(name))"
        case .environment(let name): "environment (\(name))"
        case .file(let location): "file (\(location))"
        case .defaultValue: "default"
        }
    }
}
