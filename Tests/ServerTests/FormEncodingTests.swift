import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Server
import Testing

@Suite struct FormEncodingTests {
    func decode(_ s: String) throws -> [String] { try FormEncoding.decode(Array(s.utf8)).map { "\($0.0)=\($0.1)" } }

    @Test func decodesPairsPlusesAndEscapes() throws {
        #expect(try decode("a=1&b=two+words&c=%C5%BEal%C4%AF&attribute%5Bdepth%5D=12") == ["a=1", "b=two words", "c=žalį", "attribute[depth]=12"])
        #expect(try decode("a=&=x&&flag&d=%2B%26%3d") == ["a=", "=x", "flag=", "d=+&="])
        #expect(try decode("") == [])
        #expect(try decode("e=a%3Db=c") == ["e=a=b=c"])
    }

    @Test func refusesBrokenEscapesAndNonUTF8() {
        for bad in ["a=%", "a=%4", "a=%zz", "a=%%41", "a=%C5", "%FF=1"] {
            #expect(throws: Open311Error.self, "\(bad)") { try decode(bad) }
        }
    }
}

@Suite struct Open311RenderingTests {
    static let tricky = "a\"b\\c\nd\re\tf\u{1}g<h>&i'j ž 🚧"

    @Test func jsonEscapesAndRoundTrips() throws {
        let bytes = Open311Format.json.render(root: "x", .list(item: "r", [.object([("t", .text(Self.tricky)), ("n", .number(54.9)), ("i", .integer(7))])]), time: .utc)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(parsed.first?["t"] as? String == Self.tricky)
        #expect(parsed.first?["n"] as? Double == 54.9 && parsed.first?["i"] as? Int == 7)
    }

    @Test func xmlEscapesAndDropsForbiddenCharacters() throws {
        let bytes = Open311Format.xml.render(root: "requests", .list(item: "request", [.object([("t", .text(Self.tricky))])]), time: .utc)
        let doc = try XMLDocument(data: Data(bytes))
        #expect(try doc.nodes(forXPath: "/requests/request/t").first?.stringValue == Self.tricky.replacingOccurrences(of: "\u{1}", with: ""))
    }
}
