import Foundation
import Testing
@testable import CSV

@Suite struct CSVTests {
    @Test func readsQuotedFieldsAndLineEndings() throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",\n\n3,,z"
        let t = try CSV.read(Data(text.utf8))
        #expect(t.header == ["a", "b", "c"])
        #expect(t.rows == [["1", "x, y", "say \"hi\""], ["2", "two\nlines", ""], ["3", "", "z"]])
    }

    @Test func writesWhatItReads() throws {
        let t = CSVTable(header: ["name", "note"], rows: [["Šančiai", "a, b"], ["x", "\"q\""], ["", "line\nbreak"]])
        #expect(try CSV.read(CSV.write(t)) == t)
        #expect(CSV.line(["a", "b,c"]) == "a,\"b,c\"\r\n")
    }

    @Test func readsARecordAtATime() throws {
        let text = "a,b\r\n1,\"x\ny\"\n\n2,\n3,z"
        var reader = try CSVReader(Data(text.utf8))
        #expect(reader.header == ["a", "b"])
        #expect(try reader.next(2) == [["1", "x\ny"], ["2", ""]])
        #expect(reader.fractionRead < 1)
        #expect(try reader.next() == ["3", "z"])
        #expect(reader.fractionRead == 1)
        #expect(try reader.next() == nil && reader.next(5).isEmpty)
        #expect(try CSV.read(Data(text.utf8)).rows == [["1", "x\ny"], ["2", ""], ["3", "z"]])
    }

    @Test func errors() {
        #expect(throws: CSVError.empty) { try CSV.read(Data()) }
        #expect(throws: CSVError.unterminatedQuote(line: 2)) { try CSV.read(Data("a\n\"open\n".utf8)) }
    }
}
