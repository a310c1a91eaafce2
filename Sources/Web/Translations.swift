import Foundation
import Messages

/// The pages' languages: Lithuanian first (the default), then English.
public enum Language: String, CaseIterable, Sendable {
    case lt, en

    /// The language a visitor asked for: `?lang=` (the switch), then the `lang` cookie, then
    /// the best `Accept-Language` entry we have, else Lithuanian.
    static func choose(query: String?, cookie: String?, acceptLanguage: String?) -> Language {
        if let q = query.flatMap(Language.init(rawValue:)) { return q }
        if let c = cookie.flatMap(Language.init(rawValue:)) { return c }
        var best: (Language, Double)?
        for part in (acceptLanguage ?? "").split(separator: ",") {
            let pieces = part.split(separator: ";")
            let tag = pieces.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            let primary = String(tag.prefix { $0 != "-" })
            var quality = 1.0
            for p in pieces.dropFirst() {
                let kv = p.split(separator: "=")
                if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == "q" { quality = Double(kv[1].trimmingCharacters(in: .whitespaces)) ?? 0 }
            }
            if let language = Language(rawValue: primary), quality > (best?.1 ?? 0) { best = (language, quality) }
        }
        return best?.0 ?? .lt
    }
}

/// Every user-visible string of the pages, per language, from `Data/web/i18n/<lang>.json`
/// (a flat object of key → text). Templates read them as `{{t.key}}`.
public struct Translations: Sendable {
    public let strings: [Language: [String: String]]

    public init(folder: URL) throws {
        var strings: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = folder.appendingPathComponent("i18n/\(language.rawValue).json")
            let data = try Data(contentsOf: url)
            guard let table = try JSONSerialization.jsonObject(with: data) as? [String: String] else {
                throw WebError.setup("\(url.path) must be one JSON object of strings")
            }
            strings[language] = table
        }
        self.strings = strings
    }

    /// The table for a language.
    public func table(_ language: Language) -> [String: String] { strings[language] ?? [:] }

    /// One string; the key itself when it is missing (the completeness test keeps that from shipping).
    public func text(_ key: String, _ language: Language) -> String { strings[language]?[key] ?? key }

    /// A message of the modules (planning, workflow, intake, the pages' own) in `language`: its
    /// template and terms from the table (`msg.*`, `stage_*`, ...), English where a key is missing.
    public func render(_ message: Message, _ language: Language) -> String {
        let table = table(language)
        return message.rendered { table[$0] }
    }

    /// Keys one language has and another lacks, as "lt: key" lines (empty when complete).
    public func missingKeys() -> [String] {
        let all = Set(strings.values.flatMap(\.keys))
        return Language.allCases.flatMap { l in all.subtracting(strings[l]?.keys.map { $0 } ?? []).sorted().map { "\(l.rawValue): \($0)" } }
    }
}

/// Why the pages could not start.
public enum WebError: Error, CustomStringConvertible {
    case setup(String)
    public var description: String { switch self { case .setup(let s): "web pages: \(s)" } }
}
