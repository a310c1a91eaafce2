import Foundation
import Geo

/// How a failed GetMap answers: XML (default), the message drawn in an image, or a blank image.
public enum ExceptionStyle: Sendable {
    case xml, inImage, blank

    init(_ text: String?) throws(WMSError) {
        switch text?.uppercased() {
        case nil, "", "XML", "TEXT/XML", "APPLICATION/VND.OGC.SE_XML": self = .xml
        case "INIMAGE", "APPLICATION/VND.OGC.SE_INIMAGE": self = .inImage
        case "BLANK", "APPLICATION/VND.OGC.SE_BLANK": self = .blank
        default: throw WMSError(.invalidParameterValue, "EXCEPTIONS must be XML, INIMAGE or BLANK", locator: "EXCEPTIONS")
        }
    }
}

/// A parsed and checked GetMap (also the map part of GetFeatureInfo).
struct GetMapRequest {
    var version: WMSVersion
    var map: MapRequest
    var exceptions: ExceptionStyle

    /// The parts an image exception needs, read leniently before the full parse may fail.
    struct ImageFallback {
        var format: ImageFormat, width: Int, height: Int, transparent: Bool, background: Colour
    }

    static func fallback(_ p: WMSParameters, settings: WMSSettings) -> ImageFallback? {
        guard let format = p["FORMAT"].flatMap(ImageFormat.init(mimeType:)),
              let w = p["WIDTH"].flatMap(Int.init), let h = p["HEIGHT"].flatMap(Int.init),
              (1...settings.maxWidth).contains(w), (1...settings.maxHeight).contains(h) else { return nil }
        return ImageFallback(format: format, width: w, height: h, transparent: p["TRANSPARENT"]?.uppercased() == "TRUE",
                             background: p["BGCOLOR"].flatMap(Colour.init(hex:)) ?? .white)
    }

    /// Parses the GetMap parameters. `requireFormat` is false for GetFeatureInfo, whose map part
    /// clients often send without FORMAT.
    init(_ p: WMSParameters, version: WMSVersion, settings: WMSSettings, catalogue: LayerCatalogue, requireFormat: Bool = true) throws(WMSError) {
        self.version = version
        exceptions = try ExceptionStyle(p["EXCEPTIONS"])

        // LAYERS and STYLES.
        let layerNames = try p.required("LAYERS").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard layerNames.count <= settings.layerLimit else {
            throw WMSError(.invalidParameterValue, "at most \(settings.layerLimit) layers per request (LayerLimit); got \(layerNames.count)", locator: "LAYERS")
        }
        let styleNames = (p["STYLES"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if !styleNames.allSatisfy(\.isEmpty), styleNames.count != layerNames.count {
            throw WMSError(.styleNotDefined, "STYLES must name one style per layer (or be empty for the defaults): \(layerNames.count) layers, \(styleNames.count) styles", locator: "STYLES")
        }
        var choices: [MapRequest.LayerChoice] = []
        for (i, name) in layerNames.enumerated() {
            guard let layer = catalogue.layer(named: name) else {
                throw WMSError(.layerNotDefined, "no layer named '\(name.prefix(80))'; layers: \(catalogue.names.joined(separator: ", "))", locator: "LAYERS")
            }
            let style = i < styleNames.count ? styleNames[i] : ""
            guard layer.style(named: style) != nil else {
                throw WMSError(.styleNotDefined, "layer \(name) has no style '\(style.prefix(80))'; styles: \(layer.styles.map(\.name).joined(separator: ", "))", locator: "STYLES")
            }
            choices.append(.init(name: name, style: style))
        }

        // CRS (SRS in 1.1.1) and BBOX in its axis order.
        let crsName = version == .v130 ? "CRS" : "SRS"
        let crsText = try p.required(crsName)
        guard let advertised = settings.crsIdentifiers.first(where: { $0.caseInsensitiveCompare(crsText) == .orderedSame }),
              let crs = try? MapCRS(advertised) else {
            throw WMSError(.invalidCRS, "\(crsName) '\(crsText.prefix(80))' is not offered; use one of \(settings.crsIdentifiers.joined(separator: ", "))", locator: crsName)
        }
        let numbers = try p.required("BBOX").split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 4, let a = numbers[0], let b = numbers[1], let c = numbers[2], let d = numbers[3],
              [a, b, c, d].allSatisfy(\.isFinite) else {
            throw WMSError(.invalidParameterValue, "BBOX must be four numbers minx,miny,maxx,maxy", locator: "BBOX")
        }
        guard a < c, b < d else {
            throw WMSError(.invalidParameterValue, "BBOX is degenerate: its minimum must be less than its maximum on both axes", locator: "BBOX")
        }
        // WMS 1.3.0 follows the CRS's own axis order: EPSG:4326 and EPSG:3346 come northing first.
        let box = version == .v130 && crs.northingFirst
            ? BoundingBox(minX: b, minY: a, maxX: d, maxY: c)
            : BoundingBox(minX: a, minY: b, maxX: c, maxY: d)

        // Size and format.
        func size(_ name: String, max limit: Int) throws(WMSError) -> Int {
            let text = try p.required(name)
            guard let n = Int(text), n > 0 else { throw WMSError(.invalidParameterValue, "\(name) must be a whole number of pixels, got '\(text.prefix(20))'", locator: name) }
            guard n <= limit else { throw WMSError(.invalidParameterValue, "\(name) may be at most \(limit) (Max\(name.capitalized))", locator: name) }
            return n
        }
        let width = try size("WIDTH", max: settings.maxWidth), height = try size("HEIGHT", max: settings.maxHeight)
        var format = ImageFormat.png
        if requireFormat || p["FORMAT"] != nil {
            let text = try p.required("FORMAT")
            guard let f = ImageFormat(mimeType: text) else {
                throw WMSError(.invalidFormat, "FORMAT '\(text.prefix(60))' is not offered; use \(ImageFormat.allCases.map(\.mimeType).joined(separator: ", "))", locator: "FORMAT")
            }
            format = f
        }
        var transparent = false
        if let t = p["TRANSPARENT"], !t.isEmpty {
            switch t.uppercased() {
            case "TRUE": transparent = true
            case "FALSE": transparent = false
            default: throw WMSError(.invalidParameterValue, "TRANSPARENT must be TRUE or FALSE", locator: "TRANSPARENT")
            }
        }
        var background = Colour.white
        if let text = p["BGCOLOR"], !text.isEmpty {
            guard let c = Colour(hex: text) else { throw WMSError(.invalidParameterValue, "BGCOLOR must be 0xRRGGBB", locator: "BGCOLOR") }
            background = c
        }

        // Report filters: the vendor parameters and the TIME dimension.
        var query = ReportQuery(serviceCodes: Self.list(p["SERVICE_CODE"]), statuses: Self.list(p["STATUS"]))
        if let time = p["TIME"] { query.time = try TimeWindow.parse(time) }
        query = try query.validated()

        map = MapRequest(viewport: Viewport(crs: crs, box: box, width: width, height: height), layers: choices, query: query,
                         format: format, transparent: transparent, background: background)
    }

    static func list(_ text: String?) -> [String]? {
        guard let text, !text.isEmpty else { return nil }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
