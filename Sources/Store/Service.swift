/// Text in several languages ("lt", "en", ...). The catalogue and the pages pick one by locale.
public struct LocalizedText: Codable, Hashable, Sendable, ExpressibleByStringLiteral {
    public var values: [String: String]

    public init(_ values: [String: String]) { self.values = values }
    public init(stringLiteral value: String) { values = ["en": value] }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let plain = try? c.decode(String.self) { values = ["en": plain] } else { values = try c.decode([String: String].self) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(values)
    }

    /// The text in `locale`, else in English, else in any language there is, else "".
    public func text(_ locale: String) -> String {
        values[locale] ?? values["en"] ?? values.sorted { $0.key < $1.key }.first?.value ?? ""
    }

    public var isEmpty: Bool { values.values.allSatisfy(\.isEmpty) }
}

/// An Open311 service (a category of report): a pothole, a fallen tree, ...
public struct Service: Codable, Hashable, Sendable, Identifiable {
    /// Open311's three service types: an id at once, a token first, or no id at all.
    public enum Kind: String, Codable, Sendable { case realtime, batch, blackbox }

    public var code: String
    public var name: LocalizedText
    public var description: LocalizedText
    public var group: LocalizedText
    public var keywords: [String]
    /// The department responsible (Open311 `agency_responsible`).
    public var department: String
    public var kind: Kind
    public var attributes: [ServiceAttribute]

    public var id: String { code }

    enum CodingKeys: String, CodingKey {
        case code = "service_code", name, description, group, keywords, department, kind = "type", attributes
    }

    public init(code: String, name: LocalizedText, description: LocalizedText = .init([:]), group: LocalizedText = .init([:]),
                keywords: [String] = [], department: String = "", kind: Kind = .realtime, attributes: [ServiceAttribute] = []) {
        self.code = code; self.name = name; self.description = description; self.group = group
        self.keywords = keywords; self.department = department; self.kind = kind; self.attributes = attributes
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        name = try c.decode(LocalizedText.self, forKey: .name)
        description = try c.decodeIfPresent(LocalizedText.self, forKey: .description) ?? .init([:])
        group = try c.decodeIfPresent(LocalizedText.self, forKey: .group) ?? .init([:])
        keywords = try c.decodeIfPresent([String].self, forKey: .keywords) ?? []
        department = try c.decodeIfPresent(String.self, forKey: .department) ?? ""
        kind = try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .realtime
        attributes = try c.decodeIfPresent([ServiceAttribute].self, forKey: .attributes) ?? []
    }

    /// Open311 `metadata`: whether the service has a definition worth fetching.
    public var hasMetadata: Bool { !attributes.isEmpty }
}

/// A question a service asks (Open311 service definition attribute).
public struct ServiceAttribute: Codable, Hashable, Sendable {
    public enum Datatype: String, Codable, Sendable, CaseIterable {
        case string, number, datetime, text, singlevaluelist, multivaluelist
    }

    public struct Value: Codable, Hashable, Sendable {
        public var key: String
        public var name: LocalizedText
        public init(key: String, name: LocalizedText) { self.key = key; self.name = name }
    }

    public var code: String
    /// False for an attribute that is only information shown to the user.
    public var variable: Bool
    public var datatype: Datatype
    public var required: Bool
    public var order: Int
    public var description: LocalizedText
    public var datatypeDescription: LocalizedText
    public var values: [Value]
    /// Bounds for numbers (a Miestas extension, checked on intake).
    public var minimum: Double?
    public var maximum: Double?

    enum CodingKeys: String, CodingKey {
        case code, variable, datatype, required, order, description
        case datatypeDescription = "datatype_description", values, minimum, maximum
    }

    public init(code: String, variable: Bool = true, datatype: Datatype, required: Bool = false, order: Int,
                description: LocalizedText, datatypeDescription: LocalizedText = .init([:]), values: [Value] = [],
                minimum: Double? = nil, maximum: Double? = nil) {
        self.code = code; self.variable = variable; self.datatype = datatype; self.required = required
        self.order = order; self.description = description; self.datatypeDescription = datatypeDescription
        self.values = values; self.minimum = minimum; self.maximum = maximum
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        variable = try c.decodeIfPresent(Bool.self, forKey: .variable) ?? true
        datatype = try c.decode(Datatype.self, forKey: .datatype)
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        order = try c.decode(Int.self, forKey: .order)
        description = try c.decode(LocalizedText.self, forKey: .description)
        datatypeDescription = try c.decodeIfPresent(LocalizedText.self, forKey: .datatypeDescription) ?? .init([:])
        values = try c.decodeIfPresent([Value].self, forKey: .values) ?? []
        minimum = try c.decodeIfPresent(Double.self, forKey: .minimum)
        maximum = try c.decodeIfPresent(Double.self, forKey: .maximum)
    }
}
