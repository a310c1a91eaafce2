import Foundation
import Geo
import Store

/// The service catalogue file (`Data/services.json`): what residents can report, in which
/// languages, and which questions each service asks.
public enum ServiceCatalogue {
    public struct File: Decodable, Sendable {
        public var defaultLocale: String
        public var services: [Service]
        enum CodingKeys: String, CodingKey { case defaultLocale = "default_locale", services }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            defaultLocale = try c.decodeIfPresent(String.self, forKey: .defaultLocale) ?? "lt"
            services = try c.decode([Service].self, forKey: .services)
        }
    }

    /// The catalogue shipped with Miestas, found beside the working directory's `Data/`.
    public static let defaultPath = "Data/services.json"

    /// Reads and checks a catalogue file; every problem found is reported, not just the first.
    public static func load(path: String) throws(CatalogueError) -> [Service] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "no such file") }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch let e as DecodingError {
            throw .unreadable(path: path, reason: e.readableDescription)
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        let problems = check(file.services)
        guard problems.isEmpty else { throw .invalid(path: path, problems: problems) }
        return file.services
    }

    /// The rules a catalogue must keep, as messages naming the service and attribute.
    public static func check(_ services: [Service]) -> [String] {
        var problems: [String] = []
        if services.isEmpty { problems.append("the catalogue has no services") }
        var codes = Set<String>()
        for s in services {
            let at = "service '\(s.code)'"
            if s.code.isEmpty || s.code.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
                problems.append("\(at): a service code is letters, digits, '_' and '-' only")
            }
            if !codes.insert(s.code).inserted { problems.append("\(at) appears twice") }
            if s.name.isEmpty { problems.append("\(at) has no name") }
            var attributeCodes = Set<String>(), orders = Set<Int>()
            for a in s.attributes {
                let where_ = "\(at), attribute '\(a.code)'"
                if !attributeCodes.insert(a.code).inserted { problems.append("\(where_) appears twice") }
                if a.order < 1 { problems.append("\(where_): order must be a positive integer") }
                if !orders.insert(a.order).inserted { problems.append("\(where_): order \(a.order) is used twice") }
                if a.description.isEmpty { problems.append("\(where_) has no description") }
                let isList = a.datatype == .singlevaluelist || a.datatype == .multivaluelist
                if isList && a.values.isEmpty { problems.append("\(where_): a \(a.datatype.rawValue) needs values") }
                if !isList && !a.values.isEmpty { problems.append("\(where_): only list attributes have values") }
                if Set(a.values.map(\.key)).count != a.values.count { problems.append("\(where_): value keys must be unique") }
                if let lo = a.minimum, let hi = a.maximum, lo > hi { problems.append("\(where_): minimum is above maximum") }
                if !a.variable && a.required { problems.append("\(where_): an attribute that is not variable cannot be required") }
            }
        }
        return problems
    }
}

public enum CatalogueError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(path: String, problems: [String])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read the service catalogue \(path): \(reason)"
        case .invalid(let path, let problems): "the service catalogue \(path) has \(problems.count) problem(s):\n  " + problems.joined(separator: "\n  ")
        }
    }
}
