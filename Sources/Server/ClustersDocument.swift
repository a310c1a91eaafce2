import Clusters
import Hummingbird
import JSONText
import Store

/// How much a clusters answer says of each feature: `services=all|none|topN` and `fields=`.
///
/// A cluster's `services` breakdown is most of the answer (Boston's clusters count dozens of
/// categories each), and a map that only draws circles needs none of it.
struct ClusterDetail: Sendable, Hashable {
    enum Services: Sendable, Hashable {
        /// Every service of the cluster, code → count (the default; what the API always said).
        case all
        /// No `services` member.
        case none
        /// The `n` services with the most reports, largest first (ties: catalogue order).
        case top(Int)
    }

    /// The properties a feature may carry; an answer carries those asked for that apply to it.
    struct Fields: OptionSet, Sendable, Hashable {
        let rawValue: Int
        static let cluster = Fields(rawValue: 1), count = Fields(rawValue: 2), clusterID = Fields(rawValue: 4)
        static let expansionZoom = Fields(rawValue: 8), services = Fields(rawValue: 16), district = Fields(rawValue: 32)
        static let reportID = Fields(rawValue: 64), serviceCode = Fields(rawValue: 128), status = Fields(rawValue: 256)
        static let all = Fields(rawValue: 511)

        static let names: [(String, Fields)] = [
            ("cluster", .cluster), ("count", .count), ("cluster_id", .clusterID), ("expansion_zoom", .expansionZoom),
            ("services", .services), ("district", .district), ("report_id", .reportID), ("service_code", .serviceCode), ("status", .status),
        ]
    }

    var services: Services = .all
    var fields: Fields = .all

    static let maxTop = 20

    init(services: Services = .all, fields: Fields = .all) { self.services = services; self.fields = fields }

    /// The request's `services` and `fields`; absent ones keep today's full answer.
    init(_ request: Request) throws {
        if let text = request.parameter("services") {
            switch text {
            case "all": services = .all
            case "none": services = .none
            default:
                let digits = text.dropFirst(3)
                guard text.hasPrefix("top"), digits.first != "0", digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                      let n = Int(digits), (1...Self.maxTop).contains(n) else {
                    throw Problem(.badRequest, "services must be all, none or top1 to top\(Self.maxTop), got '\(text.prefix(20))'")
                }
                services = .top(n)
            }
        }
        if let text = request.parameter("fields") {
            var fields: Fields = []
            for name in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let field = Fields.names.first(where: { $0.0 == name })?.1 else {
                    throw Problem(.badRequest, "fields must list some of \(Fields.names.map(\.0).joined(separator: ", ")), got '\(name.prefix(30))'")
                }
                fields.insert(field)
            }
            self.fields = fields
        }
        if services == .none { fields.remove(.services) }
    }
}

/// Writes a clusters answer (a GeoJSON FeatureCollection of points) straight into bytes, as the
/// Open311 writer does: the generic encoder (a dictionary of boxed values per feature, then
/// `JSONEncoder`) took 15 ms for 500 features; codes are quoted once per index, not per feature.
struct ClustersDocument {
    let detail: ClusterDetail
    let names: MapClusters.QuotedNames

    init(detail: ClusterDetail, clusters: MapClusters) {
        self.detail = detail
        names = clusters.quotedNames()
    }

    func response(_ features: [ClusterFeature]) -> Response {
        Self.response(ByteBuffer(bytes: write(features)))
    }

    static func response(_ body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/geo+json"], body: .init(byteBuffer: body))
    }

    func response(reports: [ClusterPoint]) -> Response {
        var out = JSONBuffer(capacity: 64 + reports.count * 160)
        out.raw(#"{"type":"FeatureCollection","features":["#)
        for (i, p) in reports.enumerated() {
            if i > 0 { out.raw(",") }
            report(p, into: &out)
        }
        out.raw("]}")
        return Self.response(ByteBuffer(bytes: out.bytes))
    }

    func write(_ features: [ClusterFeature]) -> [UInt8] {
        var perFeature = 160
        if detail.fields.contains(.services) {
            if case .top(let n) = detail.services { perFeature += 24 * n } else if detail.services == .all { perFeature += 400 }
        }
        var out = JSONBuffer(capacity: 64 + features.count * perFeature)
        var top: [ServiceCount] = []
        out.raw(#"{"type":"FeatureCollection","features":["#)
        for (i, f) in features.enumerated() {
            if i > 0 { out.raw(",") }
            if let point = f.report { report(point, into: &out) } else { cluster(f, top: &top, into: &out) }
        }
        out.raw("]}")
        return out.bytes
    }

    private func cluster(_ f: ClusterFeature, top: inout [ServiceCount], into out: inout JSONBuffer) {
        let fields = detail.fields
        out.raw(#"{"type":"Feature","properties":{"#)
        var separator = Separator()
        if fields.contains(.cluster) { separator.next(&out); out.raw(#""cluster":true"#) }
        if fields.contains(.count) { separator.next(&out); out.raw(#""count":"#); out.int(f.count) }
        if case .cluster(let id, let expansion) = f.kind {
            if fields.contains(.clusterID) { separator.next(&out); out.raw(#""cluster_id":""#); out.int(id.rawValue); out.raw(#"""#) }
            if fields.contains(.expansionZoom) { separator.next(&out); out.raw(#""expansion_zoom":"#); out.int(expansion) }
        }
        if fields.contains(.district), let district = names.district(f.district) {
            separator.next(&out); out.raw(#""district":"#); out.append(json: district)
        }
        if fields.contains(.services) {
            separator.next(&out); out.raw(#""services":{"#)
            switch detail.services {
            case .top(let n):
                f.services.top(n, into: &top)
                services(top, into: &out)
            case .all, .none:
                services(f.services, into: &out)
            }
            out.raw("}")
        }
        out.raw("},")
        point(f.lon, f.lat, into: &out)
    }

    private func services(_ counts: some Collection<ServiceCount>, into out: inout JSONBuffer) {
        var first = true
        for c in counts {
            if !first { out.raw(",") }
            first = false
            out.append(json: names.service(c.service)); out.raw(":"); out.int(c.count)
        }
    }

    private func report(_ p: ClusterPoint, into out: inout JSONBuffer) {
        let fields = detail.fields
        out.raw(#"{"type":"Feature","id":"#); out.int(p.id); out.raw(#","properties":{"#)
        var separator = Separator()
        if fields.contains(.cluster) { separator.next(&out); out.raw(#""cluster":false"#) }
        if fields.contains(.count) { separator.next(&out); out.raw(#""count":1"#) }
        if fields.contains(.reportID) { separator.next(&out); out.raw(#""report_id":"#); out.int(p.id) }
        if fields.contains(.serviceCode) { separator.next(&out); out.raw(#""service_code":"#); out.append(json: names.service(p.service)) }
        if fields.contains(.status) { separator.next(&out); out.raw(#""status":"#); out.append(json: names.status(p.status)) }
        if fields.contains(.district), let district = names.district(p.district) {
            separator.next(&out); out.raw(#""district":"#); out.append(json: district)
        }
        out.raw("},")
        point(p.lon, p.lat, into: &out)
    }

    private func point(_ lon: Double, _ lat: Double, into out: inout JSONBuffer) {
        out.raw(#""geometry":{"type":"Point","coordinates":["#)
        out.number(lon); out.raw(","); out.number(lat)
        out.raw("]}}")
    }

    /// Commas between an object's members.
    private struct Separator {
        var first = true
        mutating func next(_ out: inout JSONBuffer) {
            if first { first = false } else { out.raw(",") }
        }
    }
}
