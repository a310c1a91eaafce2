/// A message for a person: a key, its English template and named arguments. Templates name
/// their arguments in braces: "comment {id} not found".
///
/// `description` is the English text (what the JSON API and the command line show); the pages
/// render the same message in the visitor's language with `rendered(_:)`, looking the template
/// up by `key` and each vocabulary word by its term key.
public struct Message: Sendable, Equatable, CustomStringConvertible {
    public let key: String
    public let template: String
    public let arguments: [String: MessageArgument]

    public init<T: MessageCatalogue>(_ text: T, _ arguments: [String: MessageArgument] = [:]) {
        self.key = text.key
        self.template = text.rawValue
        self.arguments = arguments
    }

    /// The English text: the template with every argument as is (terms as their raw words).
    public var description: String { fill(template) { _ in nil } }

    /// The text in another language: `lookup` gives the translation of a key (the template's,
    /// a term's, or `Message.decimalSeparatorKey`), nil when it has none (English is used).
    public func rendered(_ lookup: (String) -> String?) -> String {
        fill(lookup(key) ?? template, lookup)
    }

    /// The key whose translation separates a number's decimals ("," in Lithuanian).
    public static let decimalSeparatorKey = "msg.decimal_separator"

    private func fill(_ template: String, _ lookup: (String) -> String?) -> String {
        var out = ""
        Self.scan(template, text: { out += $0 }, placeholder: { name in out += arguments[name].map { $0.rendered(lookup) } ?? "{\(name)}" })
        return out
    }

    /// The `{name}` placeholders of a template (names are letters, digits and `_`; other braces,
    /// such as a JSON example's, are text).
    public static func placeholders(_ template: String) -> Set<String> {
        var names = Set<String>()
        scan(template, text: { _ in }, placeholder: { names.insert($0) })
        return names
    }

    private static func scan(_ template: String, text: (Substring) -> Void, placeholder: (String) -> Void) {
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            let name = after.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            text(rest[..<open])
            if !name.isEmpty, name.endIndex < after.endIndex, after[name.endIndex] == "}" {
                placeholder(String(name))
                rest = after[after.index(after: name.endIndex)...]
            } else {
                text("{")
                rest = after
            }
        }
        text(rest)
    }
}

/// One argument of a message.
public enum MessageArgument: Sendable, Equatable {
    /// Shown as is: what someone typed, an id, a date, a lower-level technical detail.
    case text(String)
    /// A measure (metres, days): whole values without decimals, others with two. (Ids and counts
    /// are `.number(_:)` of an integer, which makes an `.integer`.)
    case decimal(Double)
    /// A count or an id, exactly (ids reach `Int64.max`, beyond what a Double holds exactly).
    case integer(Int64)
    /// A word of a vocabulary (a stage, a status, a field name): the raw word in English text,
    /// translated on the pages through the key `vocabulary + word` (e.g. "stage_" + "hearing").
    case term(String, vocabulary: String)
    /// Several arguments, separated by commas ("one of: a, b, c").
    case list([MessageArgument])
    /// A message within a message (why a field was refused), rendered in the same language.
    indirect case message(Message)

    public static func number(_ n: Int) -> MessageArgument { .integer(Int64(n)) }
    public static func number(_ n: Int64) -> MessageArgument { .integer(n) }

    /// The vocabulary of the API's field names ("title", "media_url"): `msg.field.<name>`.
    public static let fieldVocabulary = "msg.field."

    /// An API field's name.
    public static func field(_ name: String) -> MessageArgument { .term(name, vocabulary: fieldVocabulary) }

    /// A value of a vocabulary type.
    public static func term<T: MessageTerm>(_ value: T) -> MessageArgument { .term(value.rawValue, vocabulary: T.vocabulary) }

    /// Several values of a vocabulary type.
    public static func terms<S: Sequence>(_ values: S) -> MessageArgument where S.Element: MessageTerm { .list(values.map { .term($0) }) }

    func rendered(_ lookup: (String) -> String?) -> String {
        switch self {
        case .text(let s): return s
        case .integer(let n): return String(n)
        case .decimal(let n):
            // Beyond this, hundredths would not fit an Int64 (nor mean anything): shown as Swift writes it.
            guard n.isFinite, abs(n) < 1e15 else { return "\(n)" }
            let hundredths = Int64((abs(n) * 100).rounded())
            let sign = n < 0 && hundredths > 0 ? "-" : ""
            guard hundredths % 100 != 0 else { return sign + "\(hundredths / 100)" }
            let fraction = hundredths % 100 < 10 ? "0\(hundredths % 100)" : "\(hundredths % 100)"
            return sign + "\(hundredths / 100)" + (lookup(Message.decimalSeparatorKey) ?? ".") + fraction
        case .term(let word, let vocabulary): return lookup(vocabulary + word) ?? word
        case .list(let items): return items.map { $0.rendered(lookup) }.joined(separator: ", ")
        case .message(let m): return m.rendered(lookup)
        }
    }
}

/// A module's messages in one enumerable list: the case name is the key (after `prefix`), the
/// raw value the English template. The translations hold `prefix + case name` in every language.
public protocol MessageCatalogue: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    /// The keys' prefix, e.g. "msg.planning.".
    static var prefix: String { get }
}

extension MessageCatalogue {
    public var key: String { Self.prefix + String(describing: self) }
}

/// A vocabulary: values whose raw words are translated on the pages under `vocabulary + word`.
public protocol MessageTerm: RawRepresentable where RawValue == String {
    static var vocabulary: String { get }
}
