import Foundation
import Geo

/// JSON kept as text in both backends (a district's properties, a report's attributes), written
/// and read the same way by each, so a copy between them is exact.
enum StoredJSON {
    static func encode(_ properties: [String: JSONValue]) -> String {
        String(decoding: GeoJSON.encode(properties), as: UTF8.self)
    }

    static func decodeProperties(_ text: String) -> [String: JSONValue] {
        (try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))) ?? [:]
    }

    /// Sorted keys, so equal attributes are equal text.
    static func encode(_ attributes: [String: [String]]) -> String {
        guard !attributes.isEmpty, let data = try? JSONSerialization.data(withJSONObject: attributes, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeAttributes(_ text: String) -> [String: [String]] {
        guard text != "{}", let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String]] else { return [:] }
        return object
    }
}
