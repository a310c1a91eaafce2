import Foundation

/// A value as it arrives: text from the environment or the command line, or a typed value from
/// the file. Every parser takes both, so a setting means the same wherever it is given.
public enum RawSetting: Sendable {
    case text(String)
    case file(FileValue)
}

/// Why a raw value was refused; the caller adds where it came from.
struct SettingProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// One setting: its key in the file, the environment variables and flag that also set it, and how
/// its value is read and shown. The catalogue (`Setting.catalogue`) lists every one.
///
/// Unchecked `Sendable`: it holds only constants and closures that capture nothing mutable.
public struct Setting: @unchecked Sendable {
    /// "server.port": `[server]` then `port = ...` in the file.
    public let key: String
    /// The environment variables that set it: `MIESTAS_SERVER_PORT` first, then older names kept
    /// as aliases (`MIESTAS_DATABASE`).
    public let environment: [String]
    /// The command-line flag of the commands that offer one ("--port"); every setting can also be
    /// given as `--set key=value`.
    public let flag: String?
    /// Shown masked by `miestas config check`.
    public let secret: Bool
    public let help: String
    let apply: (RawSetting, inout Settings) throws -> Void
    let show: (Settings) -> String

    /// A setting stored at `path`, read by `parse`, shown by `show`.
    init<Value>(_ key: String, _ path: WritableKeyPath<Settings, Value>, _ parse: Parser<Value>,
                aliases: [String] = [], flag: String? = nil, secret: Bool = false, help: String,
                show: @escaping (Value) -> String) {
        self.key = key
        self.environment = ["MIESTAS_" + key.uppercased().replacingOccurrences(of: ".", with: "_")] + aliases
        self.flag = flag
        self.secret = secret
        self.help = help
        self.apply = { raw, settings in settings[keyPath: path] = try parse.read(raw) }
        self.show = { settings in show(settings[keyPath: path]) }
    }

    /// The path of the key in the file: ["server", "port"].
    var keyPath: [String] { key.split(separator: ".").map(String.init) }
}

/// Turns a raw value into a typed one, or says in a sentence what is wrong with it. Unchecked
/// `Sendable` for the same reason as `Setting`.
struct Parser<Value>: @unchecked Sendable {
    let read: (RawSetting) throws -> Value

    func map<T>(_ transform: @escaping (Value) throws -> T) -> Parser<T> {
        Parser<T> { raw in try transform(read(raw)) }
    }

    /// Empty text (an environment variable set to "") or an empty file string means "not set".
    var optional: Parser<Value?> {
        Parser<Value?> { raw in
            switch raw {
            case .text(let t) where t.trimmingCharacters(in: .whitespaces).isEmpty: return nil
            case .file(.string(let s)) where s.isEmpty: return nil
            default: return try read(raw)
            }
        }
    }
}

extension Parser where Value == String {
    static let string = Parser { raw in
        switch raw {
        case .text(let t): return t
        case .file(.string(let s)): return s
        case .file(let v): throw SettingProblem("expected a string, found \(v.kind)")
        }
    }

    static let nonEmpty = string.map { s -> String in
        let t = s.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { throw SettingProblem("must not be empty") }
        return t
    }
}

extension Parser where Value == Int {
    static func integer(_ range: ClosedRange<Int>) -> Parser<Int> {
        Parser { raw in
            let n: Int
            switch raw {
            case .text(let t):
                guard let v = Int(t.trimmingCharacters(in: .whitespaces)) else { throw SettingProblem("'\(t)' is not an integer") }
                n = v
            case .file(.integer(let v)): n = v
            case .file(let v): throw SettingProblem("expected an integer, found \(v.kind)")
            }
            guard range.contains(n) else { throw SettingProblem("\(n) is out of range (\(range.lowerBound) to \(range.upperBound))") }
            return n
        }
    }
}

extension Parser where Value == Double {
    static func number(_ range: ClosedRange<Double>) -> Parser<Double> {
        Parser { raw in
            let n: Double
            switch raw {
            case .text(let t):
                guard let v = Double(t.trimmingCharacters(in: .whitespaces)), v.isFinite else { throw SettingProblem("'\(t)' is not a number") }
                n = v
            case .file(.integer(let v)): n = Double(v)
            case .file(.number(let v)): n = v
            case .file(let v): throw SettingProblem("expected a number, found \(v.kind)")
            }
            guard n.isFinite, range.contains(n) else {
                throw SettingProblem("\(Settings.show(n)) is out of range (\(Settings.show(range.lowerBound)) to \(Settings.show(range.upperBound)))")
            }
            return n
        }
    }
}

extension Parser where Value == Bool {
    static let boolean = Parser { raw in
        switch raw {
        case .text(let t):
            switch t.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "yes", "1", "on": return true
            case "false", "no", "0", "off": return false
            default: throw SettingProblem("'\(t)' is not true or false")
            }
        case .file(.boolean(let b)): return b
        case .file(let v): throw SettingProblem("expected true or false, found \(v.kind)")
        }
    }
}

extension Parser where Value == [String] {
    /// A TOML list of strings, or comma-separated text.
    static let list = Parser { raw in
        switch raw {
        case .text(let t):
            return t.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .file(.array(let items)):
            return try items.map { item in
                guard case .string(let s) = item else { throw SettingProblem("expected a list of strings, found \(item.kind) in it") }
                return s
            }
        case .file(let v): throw SettingProblem("expected a list of strings, found \(v.kind)")
        }
    }
}

extension Parser where Value == [String: String] {
    /// A TOML table of strings (`name = { lt = "...", en = "..." }`), or text as `lt=...;en=...`.
    static let names = Parser { raw in
        switch raw {
        case .text(let t):
            var names: [String: String] = [:]
            for part in t.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { throw SettingProblem("'\(part)' is not language=text (write lt=...;en=...)") }
                names[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces)
            }
            return names
        case .file(.table(let entries)):
            var names: [String: String] = [:]
            for (key, value) in entries {
                guard case .string(let s) = value else { throw SettingProblem("\(key): expected a string, found \(value.kind)") }
                names[key] = s
            }
            return names
        case .file(.string(let s)): return ["": s]
        case .file(let v): throw SettingProblem("expected a table of language = text, found \(v.kind)")
        }
    }
}

extension Parser where Value == URL {
    /// An absolute http(s) URL with a host.
    static let webAddress = Parser<String>.nonEmpty.map { text -> URL in
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw SettingProblem("'\(text)' is not an http or https address (e.g. https://miestas.example.org)")
        }
        return url
    }
}

extension Parser where Value == TimeZone {
    static let timeZone = Parser<String>.nonEmpty.map { name -> TimeZone in
        guard let zone = TimeZone(identifier: name), TimeZone.knownTimeZoneIdentifiers.contains(name) || name == "UTC" else {
            throw SettingProblem("'\(name)' is not an IANA time zone (e.g. Europe/Oslo, America/New_York)")
        }
        return zone
    }
}

extension Parser where Value == [String: Int] {
    /// A table of district code = residents (a whole number, 1 to 100 million).
    static let populations = Parser { raw in
        guard case .file(.table(let entries)) = raw else {
            throw SettingProblem("expected a table of district code = residents, e.g. { D1 = 12500 } (in the file only)")
        }
        var out: [String: Int] = [:], bad: [String] = []
        for (code, value) in entries {
            switch value {
            case .integer(let n) where (1...100_000_000).contains(n): out[code] = n
            case .integer(let n): bad.append("\(code) = \(n)")
            default: bad.append("\(code) (\(value.kind))")
            }
        }
        guard bad.isEmpty else {
            throw SettingProblem("residents must be whole numbers from 1 to 100000000: not \(bad.joined(separator: ", "))")
        }
        return out
    }
}
