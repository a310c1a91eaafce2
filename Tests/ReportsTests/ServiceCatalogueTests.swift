import Foundation
import Store
import Testing
@testable import Reports

@Suite struct ServiceCatalogueTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theShippedCatalogueIsValidAndComplete() throws {
        let services = try ServiceCatalogue.load(path: Self.repository.appendingPathComponent("Data/services.json").path)
        let codes = Set(services.map(\.code))
        for required in ["pothole", "fallen_tree", "unsafe_facade", "street_light", "graffiti", "illegal_dumping", "damaged_sidewalk", "other"] {
            #expect(codes.contains(required))
        }
        // Every service is named in Lithuanian and English, and every Open311 datatype is used.
        #expect(services.allSatisfy { $0.name.values["lt"] != nil && $0.name.values["en"] != nil })
        #expect(Set(services.flatMap(\.attributes).map(\.datatype)) == Set(ServiceAttribute.Datatype.allCases))
        let tree = try #require(services.first { $0.code == "fallen_tree" })
        #expect(tree.attributes.contains { $0.code == "blocking_road" && $0.required })
    }

    @Test func checkFindsEveryProblem() {
        let bad = [
            Service(code: "a b", name: .init([:]), attributes: [
                ServiceAttribute(code: "x", datatype: .singlevaluelist, order: 1, description: "X"),
                ServiceAttribute(code: "x", datatype: .number, order: 1, description: "Y", values: [.init(key: "k", name: "K")],
                                 minimum: 5, maximum: 1),
            ]),
            Service(code: "dup", name: "Dup"), Service(code: "dup", name: "Dup"),
        ]
        let problems = ServiceCatalogue.check(bad)
        for expected in ["letters, digits", "has no name", "'x' appears twice", "order 1 is used twice", "needs values",
                         "only list attributes have values", "minimum is above maximum", "'dup' appears twice"] {
            #expect(problems.contains { $0.contains(expected) }, "\(expected) in \(problems)")
        }
        #expect(ServiceCatalogue.check([]).contains("the catalogue has no services"))
    }

    @Test func unreadableFilesSayWhy() throws {
        #expect(throws: CatalogueError.unreadable(path: "/nonexistent.json", reason: "no such file")) {
            try ServiceCatalogue.load(path: "/nonexistent.json")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(#"{"services":[{"service_code":"a","name":"A","attributes":[{"code":"q","datatype":"colour","order":1,"description":"Q"}]}]}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        #expect {
            try ServiceCatalogue.load(path: path)
        } throws: { error in
            "\(error)".contains("services[0].attributes[0].datatype")
        }
    }

    @Test func storeRoundTripKeepsOrderAndTranslations() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-services-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SpatiaLiteStore(path: dir.appendingPathComponent("db.sqlite").path)
        let services = try ServiceCatalogue.load(path: Self.repository.appendingPathComponent("Data/services.json").path)
        try await store.replaceServices(services)
        #expect(try await store.services() == services)
        try await store.replaceServices(Array(services.reversed().prefix(2)))
        #expect(try await store.services().map(\.code) == Array(services.reversed().prefix(2)).map(\.code))
    }
}
