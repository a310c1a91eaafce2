import Foundation
import Geo
import Synchronization

/// An answer to a WMS request, ready for any HTTP layer.
public struct WMSResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: Data
    public init(status: Int = 200, contentType: String, body: Data) { self.status = status; self.contentType = contentType; self.body = body }
}

/// The WMS: reads a request's parameters, checks them, and answers with capabilities, a map,
/// feature info, a legend or a service exception. Exceptions answer HTTP 200 like other WMS
/// servers (clients such as OWSLib treat a 400 as a transport failure and lose the report).
public final class WMSService: Sendable {
    public let settings: WMSSettings
    public let renderer: MapRenderer
    /// Capabilities documents by version, update sequence and URL: they change only with the data.
    private let capabilitiesCache = Mutex<[String: String]>([:])

    public init(settings: WMSSettings = WMSSettings(), catalogue: LayerCatalogue = .standard) {
        self.settings = settings
        self.renderer = MapRenderer(catalogue: catalogue)
    }

    var catalogue: LayerCatalogue { renderer.catalogue }

    /// Answers one request. `updateSequence` grows whenever the data behind the capabilities
    /// changes; `onlineResource` is the URL prefix of the service, e.g. `http://host/wms?`.
    public func handle(_ p: WMSParameters, data: MapData, updateSequence: Int, onlineResource: String) -> WMSResponse {
        let exceptionVersion: WMSVersion = (p["VERSION"] ?? p["WMTVER"]) == "1.1.1" ? .v111 : .v130
        do throws(WMSError) {
            let operation = try p.required("REQUEST")
            if let service = p["SERVICE"], !service.isEmpty, service.uppercased() != "WMS" {
                throw WMSError(.invalidParameterValue, "SERVICE must be WMS", locator: "SERVICE")
            }
            switch operation.lowercased() {
            case "getcapabilities", "capabilities":
                return try capabilities(p, data: data, updateSequence: updateSequence, onlineResource: onlineResource)
            case "getmap", "map":
                return try map(p, data: data)
            case "getfeatureinfo", "feature_info":
                return try featureInfo(p, data: data)
            case "getlegendgraphic":
                return try legend(p, data: data, version: exceptionVersion)
            default:
                throw WMSError(.operationNotSupported, "REQUEST must be GetCapabilities, GetMap, GetFeatureInfo or GetLegendGraphic; got '\(operation.prefix(40))'", locator: "REQUEST")
            }
        } catch {
            return exception(error, version: exceptionVersion)
        }
    }

    public func exception(_ error: WMSError, version: WMSVersion) -> WMSResponse {
        WMSResponse(status: error.code == .noApplicableCode ? 500 : 200, contentType: ExceptionReport.mimeType(version),
                    body: Data(ExceptionReport.xml(error, version: version).utf8))
    }

    // MARK: GetCapabilities

    func capabilities(_ p: WMSParameters, data: MapData, updateSequence: Int, onlineResource: String) throws(WMSError) -> WMSResponse {
        let version = WMSVersion.negotiate(p["VERSION"] ?? p["WMTVER"])
        if let asked = p["UPDATESEQUENCE"], !asked.isEmpty {
            guard let number = Int(asked) else {
                throw WMSError(.invalidUpdateSequence, "UPDATESEQUENCE must be a whole number (the current one is \(updateSequence))", locator: "UPDATESEQUENCE")
            }
            if number == updateSequence {
                throw WMSError(.currentUpdateSequence, "the capabilities have not changed since update sequence \(number)", locator: "UPDATESEQUENCE")
            }
            if number > updateSequence {
                throw WMSError(.invalidUpdateSequence, "UPDATESEQUENCE \(number) is ahead of the server's (\(updateSequence))", locator: "UPDATESEQUENCE")
            }
        }
        let key = "\(version.rawValue)|\(updateSequence)|\(onlineResource)"
        let document: String
        if let cached = capabilitiesCache.withLock({ $0[key] }) {
            document = cached
        } else {
            document = Capabilities(settings: settings, catalogue: catalogue, renderer: renderer, onlineResource: onlineResource,
                                    updateSequence: String(updateSequence), extent: Self.extent(data), timeExtent: Self.timeExtent(data),
                                    data: data).document(version)
            capabilitiesCache.withLock { cache in
                if cache.count > 32 { cache.removeAll() }
                cache[key] = document
            }
        }
        return WMSResponse(contentType: version == .v130 ? "text/xml; charset=utf-8" : "application/vnd.ogc.wms_xml; charset=utf-8",
                           body: Data(document.utf8))
    }

    /// The lon/lat extent of the districts (or of the reports when there are none; the world when
    /// there is nothing).
    public static func extent(_ data: MapData) -> BoundingBox {
        var box = BoundingBox.empty
        for d in data.districts { box.expand(toInclude: d.bounds) }
        if box.isEmpty {
            for p in data.reports.reports(matching: .init()).points { box.expand(toInclude: Coordinate(p.lon, p.lat)) }
        }
        if box.isEmpty || box.width <= 0 || box.height <= 0 {
            return box.isEmpty ? BoundingBox(minX: -180, minY: -90, maxX: 180, maxY: 90)
                : BoundingBox(minX: box.minX - 0.01, minY: box.minY - 0.01, maxX: box.maxX + 0.01, maxY: box.maxY + 0.01)
        }
        return box
    }

    static func timeExtent(_ data: MapData) -> (Int64, Int64)? {
        let points = data.reports.reports(matching: .init()).points
        guard let first = points.first else { return nil }
        var low = first.requestedAt, high = first.requestedAt
        for p in points { low = min(low, p.requestedAt); high = max(high, p.requestedAt) }
        return (low, high)
    }

    // MARK: GetMap

    static func version(_ p: WMSParameters) throws(WMSError) -> WMSVersion {
        let text = try p.required("VERSION")
        guard let version = WMSVersion(rawValue: text) else {
            throw WMSError(.invalidParameterValue, "VERSION must be 1.3.0 or 1.1.1, got '\(text.prefix(20))'", locator: "VERSION")
        }
        return version
    }

    func map(_ p: WMSParameters, data: MapData) throws(WMSError) -> WMSResponse {
        let version = try Self.version(p)
        let request: GetMapRequest
        do {
            request = try GetMapRequest(p, version: version, settings: settings, catalogue: catalogue)
        } catch {
            // INIMAGE and BLANK answer in the requested image format when it can be made out.
            if let style = try? ExceptionStyle(p["EXCEPTIONS"]), style != .xml, let f = GetMapRequest.fallback(p, settings: settings) {
                let body = renderer.exceptionImage(style == .inImage ? "\(error.code.name(for: version)): \(error.message)" : nil,
                                                   width: f.width, height: f.height, format: f.format, transparent: f.transparent, background: f.background)
                return WMSResponse(contentType: f.format.mimeType, body: body)
            }
            return exception(error, version: version)
        }
        do {
            try Self.requirePetition(request.map.layers.map(\.name), data: data)
            return WMSResponse(contentType: request.map.format.mimeType, body: try renderer.render(request.map, data: data))
        } catch {
            return exception(error, version: version)
        }
    }

    /// `petition-signatures` draws one petition: the request must name it (`PETITION=<id>`; the
    /// server reads its figures into `data.petition`).
    static func requirePetition(_ layers: [String], data: MapData) throws(WMSError) {
        guard data.petition == nil, layers.contains(PetitionSignaturesLayer.layerName) else { return }
        throw WMSError(.missingParameterValue, "\(PetitionSignaturesLayer.layerName) needs PETITION=<id> of a petition open for signatures or past it",
                       locator: "PETITION")
    }

    // MARK: GetFeatureInfo

    func featureInfo(_ p: WMSParameters, data: MapData) throws(WMSError) -> WMSResponse {
        let version = try Self.version(p)
        let request = try GetMapRequest(p, version: version, settings: settings, catalogue: catalogue, requireFormat: false)
        let queryLayers = try p.required("QUERY_LAYERS").split(separator: ",").map(String.init)
        let mapLayers = Set(request.map.layers.map(\.name))
        for name in queryLayers {
            guard catalogue.layer(named: name) != nil, mapLayers.contains(name) else {
                throw WMSError(.layerNotDefined, "QUERY_LAYERS names '\(name.prefix(80))', which is not among LAYERS", locator: "QUERY_LAYERS")
            }
            guard catalogue.isQueryable(name) else {
                throw WMSError(.layerNotQueryable, "layer \(name) cannot be queried", locator: "QUERY_LAYERS")
            }
        }
        let formatText = try p.required("INFO_FORMAT")
        guard let format = FeatureInfoFormat(mimeType: formatText) else {
            throw WMSError(.invalidFormat, "INFO_FORMAT '\(formatText.prefix(60))' is not offered; use \(FeatureInfoFormat.allCases.map(\.rawValue).joined(separator: ", "))", locator: "INFO_FORMAT")
        }
        let (xName, yName) = version == .v130 ? ("I", "J") : ("X", "Y")
        func coordinate(_ name: String, below limit: Int) throws(WMSError) -> Int {
            let text = try p.required(name)
            guard let n = Int(text), n >= 0, n < limit else {
                throw WMSError(.invalidPoint, "\(name) must be a pixel from 0 to \(limit - 1), got '\(text.prefix(20))'", locator: name)
            }
            return n
        }
        let x = try coordinate(xName, below: request.map.viewport.width)
        let y = try coordinate(yName, below: request.map.viewport.height)
        var count = 1
        if let text = p["FEATURE_COUNT"], !text.isEmpty {
            guard let n = Int(text), n >= 1 else { throw WMSError(.invalidParameterValue, "FEATURE_COUNT must be a whole number from 1", locator: "FEATURE_COUNT") }
            count = min(n, 1000)
        }
        try Self.requirePetition(queryLayers, data: data)
        let features = try renderer.features(request.map, layers: queryLayers, x: x, y: y, limit: count, data: data)
        return WMSResponse(contentType: format.contentType, body: format.encode(features, layers: queryLayers))
    }

    // MARK: GetLegendGraphic (SLD 1.1.0 WMS profile)

    func legend(_ p: WMSParameters, data: MapData, version: WMSVersion) throws(WMSError) -> WMSResponse {
        let name = try p.required("LAYER")
        guard let layer = catalogue.layer(named: name) else {
            throw WMSError(.layerNotDefined, "no layer named '\(name.prefix(80))'", locator: "LAYER")
        }
        let formatText = try p.required("FORMAT")
        guard let format = ImageFormat(mimeType: formatText) else {
            throw WMSError(.invalidFormat, "FORMAT '\(formatText.prefix(60))' is not offered", locator: "FORMAT")
        }
        if let sld = p["SLD_VERSION"], !sld.isEmpty, sld != "1.1.0" {
            throw WMSError(.invalidParameterValue, "SLD_VERSION must be 1.1.0", locator: "SLD_VERSION")
        }
        let style = p["STYLE"] ?? ""
        guard layer.style(named: style) != nil else {
            throw WMSError(.styleNotDefined, "layer \(name) has no style '\(style.prefix(80))'", locator: "STYLE")
        }
        var symbol = 16
        if let text = p["HEIGHT"] ?? p["WIDTH"], !text.isEmpty {
            guard let n = Int(text), (8...64).contains(n) else { throw WMSError(.invalidParameterValue, "WIDTH and HEIGHT (the symbol size) must be 8 to 64", locator: "WIDTH") }
            symbol = n
        }
        var query = ReportQuery(serviceCodes: GetMapRequest.list(p["SERVICE_CODE"]), statuses: GetMapRequest.list(p["STATUS"]))
        if let time = p["TIME"] { query.time = try TimeWindow.parse(time) }
        query = try query.validated()
        guard let body = renderer.legend(layer: name, style: style, query: query, data: data, format: format, symbolSize: symbol,
                                         transparent: p["TRANSPARENT"]?.uppercased() == "TRUE") else {
            throw WMSError(.layerNotDefined, "no layer named '\(name.prefix(80))'", locator: "LAYER")
        }
        return WMSResponse(contentType: format.mimeType, body: body)
    }
}
