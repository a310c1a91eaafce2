import Foundation

/// GetFeatureInfo's answer formats.
public enum FeatureInfoFormat: String, CaseIterable, Sendable {
    case text = "text/plain"
    case html = "text/html"
    case json = "application/json"

    public init?(mimeType text: String) {
        let base = text.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch base {
        case "text/plain": self = .text
        case "text/html": self = .html
        case "application/json", "application/geo+json", "json": self = .json
        default: return nil
        }
    }

    public var contentType: String { rawValue + "; charset=utf-8" }

    public func encode(_ features: [FeatureInfo], layers: [String]) -> Data {
        switch self {
        case .text:
            var out = "GetFeatureInfo results:\n"
            for layer in layers {
                let found = features.filter { $0.layer == layer }
                out += "\nLayer '\(layer)': \(found.count) feature\(found.count == 1 ? "" : "s")\n"
                for f in found {
                    out += "  Feature \(f.id ?? "-"):\n"
                    for (k, v) in f.properties { out += "    \(k) = \(v.text)\n" }
                }
            }
            return Data(out.utf8)
        case .html:
            var out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>GetFeatureInfo</title></head><body>\n"
            for layer in layers {
                let found = features.filter { $0.layer == layer }
                out += "<h2>\(XML.escape(layer))</h2>\n"
                guard !found.isEmpty else { out += "<p>No features here.</p>\n"; continue }
                let keys = found[0].properties.map(\.0)
                out += "<table><tr>" + keys.map { "<th>\(XML.escape($0))</th>" }.joined() + "</tr>\n"
                for f in found {
                    out += "<tr>" + f.properties.map { "<td>\(XML.escape($0.1.text))</td>" }.joined() + "</tr>\n"
                }
                out += "</table>\n"
            }
            return Data((out + "</body></html>\n").utf8)
        case .json:
            let list: [[String: Any]] = features.map { f in
                var properties: [String: Any] = ["layer": f.layer]
                for (k, v) in f.properties {
                    switch v {
                    case .text(let s): properties[k] = s
                    case .integer(let n): properties[k] = n
                    case .number(let x): properties[k] = x
                    }
                }
                var feature: [String: Any] = ["type": "Feature", "properties": properties]
                if let id = f.id { feature["id"] = id }
                feature["geometry"] = f.location.map { ["type": "Point", "coordinates": [$0.x, $0.y]] } ?? NSNull()
                return feature
            }
            let collection: [String: Any] = ["type": "FeatureCollection", "features": list]
            return (try? JSONSerialization.data(withJSONObject: collection, options: [.sortedKeys])) ?? Data("{}".utf8)
        }
    }
}
