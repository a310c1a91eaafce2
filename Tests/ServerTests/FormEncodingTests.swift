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
