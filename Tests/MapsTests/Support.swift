import CCairo
import Clusters
import Foundation
import class FoundationXML.XMLParser
import protocol FoundationXML.XMLParserDelegate
import Geo
@testable import Maps

/// A small made-up city near Kaunas: two square districts with Lithuanian names and 300 reports
/// on a fixed pseudo-random pattern (no randomness between runs).
enum Fixture {
    static let services = ["pothole", "streetlight", "graffiti", "tree", "trash", "sign", "bench"]

    static func square(_ west: Double, _ south: Double, _ size: Double) -> Geometry {
        .multiPolygon([Polygon(shell: [Coordinate(west, south), Coordinate(west + size, south), Coordinate(west + size, south + size),
                                       Coordinate(west, south + size), Coordinate(west, south)])])
    }

    static let districts = [
        MapDistrict(code: "SAN", name: "Šančiai", geometry: square(23.90, 54.88, 0.02), areaSquareMetres: 2.86e6),
        MapDistrict(code: "ZAL", name: "Žaliakalnis", geometry: square(23.92, 54.88, 0.02), areaSquareMetres: 2.86e6),
    ]

    /// Reports: 2015-01-01 plus i hours; status cycles, service cycles; positions from a
    /// linear congruential sequence inside the two districts.
    static let points: [ClusterPoint] = {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let start: Int64 = 1_420_070_400_000  // 2015-01-01T00:00:00Z
        return (0..<300).map { i in
            let lon = 23.90 + 0.04 * next(), lat = 54.88 + 0.02 * next()
            return ClusterPoint(id: Int64(i + 1), lon: lon, lat: lat, service: UInt16(i % services.count), status: UInt8(i % 4),
                                requestedAt: start + Int64(i) * 3_600_000, district: lon < 23.92 ? 0 : 1)
        }
    }()

    static let data: MapData = MapData(districts: districts, reports: try! StaticReportSource(points: points, services: services))

    static let service = WMSService()

    static func handle(_ query: String, updateSequence: Int = 7) -> WMSResponse {
        service.handle(WMSParameters(query: query), data: data, updateSequence: updateSequence, onlineResource: "http://example.test/wms?")
    }

    /// The GetMap query for the whole fixture city in 1.3.0 / EPSG:4326 (lat first).
    static let bbox130 = "54.875,23.895,54.905,23.945"
    static let bbox111 = "23.895,54.875,23.945,54.905"
}

/// Decoded pixels of an image, as straight RGBA bytes.
struct Pixels: Equatable {
    let width: Int, height: Int
    let rgba: [UInt8]

    /// Decodes a PNG with Cairo; nil when it is not one.
    init?(png: Data) {
        final class Reader { var data: Data; var offset = 0; init(_ d: Data) { data = d } }
        let reader = Reader(png)
        // The reader must outlive the C call: ARC may otherwise free it after its last Swift use.
        let surface = withExtendedLifetime(reader) { cairo_image_surface_create_from_png_stream({ closure, buffer, length in
            let r = Unmanaged<Reader>.fromOpaque(closure!).takeUnretainedValue()
            guard r.offset + Int(length) <= r.data.count else { return CAIRO_STATUS_READ_ERROR }
            r.data.copyBytes(to: buffer!, from: r.offset..<(r.offset + Int(length)))
            r.offset += Int(length)
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(reader).toOpaque()) }
        guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            if let surface { cairo_surface_destroy(surface) }
            return nil
        }
        defer { cairo_surface_destroy(surface) }
        width = Int(cairo_image_surface_get_width(surface)); height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let base = cairo_image_surface_get_data(surface)!
        var out = [UInt8](repeating: 0, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let p = base.advanced(by: y * stride + x * 4).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
                let a = UInt8(p >> 24)
                func un(_ c: UInt32) -> UInt8 { a == 0 ? 0 : UInt8(min(255, (Double(c & 0xFF) * 255 / Double(a)).rounded())) }
                let i = (y * width + x) * 4
                out[i] = un(p >> 16); out[i + 1] = un(p >> 8); out[i + 2] = un(p); out[i + 3] = a
            }
        }
        rgba = out
    }

    func pixel(_ x: Int, _ y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        let i = (y * width + x) * 4
        return (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3])
    }

    /// The share of pixels whose channels differ by more than `tolerance` from `other`'s.
    func differingShare(from other: Pixels, tolerance: Int = 24) -> Double {
        guard width == other.width, height == other.height else { return 1 }
        var differing = 0
        for i in stride(from: 0, to: rgba.count, by: 4) {
            for k in 0..<4 where abs(Int(rgba[i + k]) - Int(other.rgba[i + k])) > tolerance { differing += 1; break }
        }
        return Double(differing) / Double(width * height)
    }

    var opaquePixelCount: Int { stride(from: 3, to: rgba.count, by: 4).filter { rgba[$0] > 0 }.count }
}

/// A small XML tree read with XMLParser (FoundationXML's XMLDocument loses attributes of
/// namespaced elements on Linux). Names are local names; `uri` is the namespace.
final class XMLElement {
    let name: String
    let uri: String?
    let attributes: [String: String]
    var elements: [XMLElement] = []
    var text = ""

    init(name: String, uri: String?, attributes: [String: String]) { self.name = name; self.uri = uri; self.attributes = attributes }

    var localName: String { name }
    var children: [XMLElement]? { elements }
    /// The text of the element and everything in it.
    var stringValue: String? { text + elements.compactMap(\.stringValue).joined() }

    struct Attribute { let stringValue: String? }
    func attribute(forName key: String) -> Attribute? {
        if let v = attributes[key] { return Attribute(stringValue: v) }
        let local = key.split(separator: ":").last.map(String.init) ?? key
        return attributes.first { $0.key.split(separator: ":").last.map(String.init) == local }.map { Attribute(stringValue: $0.value) }
    }

    /// Elements named `name` at any depth below.
    func all(_ name: String) -> [XMLElement] {
        elements.flatMap { ($0.name == name ? [$0] : []) + $0.all(name) }
    }

    func first(_ name: String) -> XMLElement? { all(name).first }
}

struct XMLTree {
    let root: XMLElement?
    func rootElement() -> XMLElement? { root }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLElement] = []
    var root: XMLElement?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes: [String: String] = [:]) {
        let e = XMLElement(name: elementName, uri: namespaceURI, attributes: attributes)
        if let parent = stack.last { parent.elements.append(e) } else { root = e }
        stack.append(e)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) { stack.removeLast() }
    func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
}

struct XMLError: Error { let message: String }

/// Parses XML text; fails on anything not well-formed.
func xml(_ data: Data) throws -> XMLTree {
    let parser = XMLParser(data: data)
    parser.shouldProcessNamespaces = true
    let builder = TreeBuilder()
    parser.delegate = builder
    guard parser.parse() else { throw XMLError(message: parser.parserError.map { "\($0)" } ?? "not XML") }
    return XMLTree(root: builder.root)
}

enum Paths {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
}
