import Foundation

/// The key-value pairs of a WMS request. Names are case-insensitive (values are not), `+` is a
/// space and %-escapes are decoded, unknown names are kept but never looked at, and when a name
/// repeats the first value wins.
public struct WMSParameters: Sendable {
    private var values: [String: String] = [:]

    /// From a raw (still escaped) query string such as `SERVICE=WMS&REQUEST=GetMap&...`.
    public init(query: String) {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0]).uppercased()
            guard !name.isEmpty, values[name] == nil else { continue }
            values[name] = parts.count > 1 ? Self.decode(parts[1]) : ""
        }
    }

    /// From already decoded pairs.
    public init(_ pairs: [(String, String)]) {
        for (name, value) in pairs where values[name.uppercased()] == nil { values[name.uppercased()] = value }
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    public subscript(_ name: String) -> String? { values[name.uppercased()] }

    /// The value, or MissingParameterValue when it is absent or empty.
    func required(_ name: String) throws(WMSError) -> String {
        guard let value = self[name], !value.isEmpty else {
            throw WMSError(.missingParameterValue, "the \(name) parameter is required", locator: name)
        }
        return value
    }
}
