import Foundation
import Messages

/// A language of the pages, by its code ("lt", "en", "nb"): the ones offered are configured
/// (`municipality.languages`), each with its `Data/web/i18n/<code>.json`.
public struct Language: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let lt = Language(rawValue: "lt")
    public static let en = Language(rawValue: "en")

    /// The language a visitor asked for among `offered`: `?lang=` (the switch), then the `lang`
    /// cookie, then the best `Accept-Language` entry offered, else `fallback` (the default).
    static func choose(query: String?, cookie: String?, acceptLanguage: String?, offered: [Language], fallback: Language) -> Language {
        func known(_ code: String?) -> Language? { code.map(Language.init(rawValue:)).flatMap { offered.contains($0) ? $0 : nil } }
        if let q = known(query) { return q }
        if let c = known(cookie) { return c }
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
            if let language = known(primary), quality > (best?.1 ?? 0) { best = (language, quality) }
        }
        return best?.0 ?? fallback
    }
}

/// Every user-visible string of the pages, per language, from `Data/web/i18n/<lang>.json`
/// (a flat object of key → text). Templates read them as `{{t.key}}`.
public struct Translations: Sendable {
    public let strings: [Language: [String: String]]
    /// The languages offered, in the language switch's order.
    public let languages: [Language]

    public init(folder: URL, languages: [String] = ["lt", "en"]) throws {
        self.languages = languages.map(Language.init(rawValue:))
        var strings: [Language: [String: String]] = [:]
        for language in self.languages {
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
        return languages.flatMap { l in all.subtracting(strings[l]?.keys.map { $0 } ?? []).sorted().map { "\(l.rawValue): \($0)" } }
    }
}

/// Why the pages could not start.
public enum WebError: Error, CustomStringConvertible {
    case setup(String)
    public var description: String { switch self { case .setup(let s): "web pages: \(s)" } }
}
