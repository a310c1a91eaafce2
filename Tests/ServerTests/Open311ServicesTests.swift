import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Hummingbird
import HummingbirdTesting
import Testing

/// The read side of GeoReport v2 (discovery, services, service definitions) in both formats,
/// checked against the spec's element names and content types.
@Suite struct Open311ServicesTests {
    func json(_ response: TestResponse) throws -> Any { try JSONSerialization.jsonObject(with: Data(buffer: response.body)) }

    func xml(_ response: TestResponse) throws -> XMLDocument { try XMLDocument(data: Data(buffer: response.body)) }

    func texts(_ doc: XMLDocument, _ path: String) throws -> [String] { try doc.nodes(forXPath: path).compactMap(\.stringValue) }

    @Test func discoveryInBothFormats() async throws {
        try await ServerTests.withApp { client in
            try await client.execute(uri: "/open311/v2/discovery.json", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/json; charset=utf-8")
                let d = try #require(try json(r) as? [String: Any])
                for key in ["changeset", "contact", "key_service", "endpoints"] { #expect(d[key] != nil, "\(key)") }
                let endpoint = try #require((d["endpoints"] as? [[String: Any]])?.first)
                #expect(endpoint["specification"] as? String == "http://wiki.open311.org/GeoReport_v2")
                #expect(endpoint["formats"] as? [String] == ["text/xml", "application/json"])
                #expect((endpoint["changeset"] as? String)?.range(of: #"[+-]\d\d:\d\d$"#, options: .regularExpression) != nil)
            }
            try await client.execute(uri: "/open311/v2/discovery.xml", method: .get) { r in
                #expect(r.headers[.contentType] == "text/xml; charset=utf-8")
                let doc = try xml(r)
                #expect(try texts(doc, "/discovery/endpoints/endpoint/formats/format") == ["text/xml", "application/json"])
                #expect(try texts(doc, "/discovery/endpoints/endpoint/type") == ["production"])
            }
        }
    }

    @Test func serviceListIsAnArrayInJSONAndNamedElementsInXML() async throws {
        try await ServerTests.withApp { client in
            try await client.execute(uri: "/open311/v2/services.json", method: .get) { r in
                let list = try #require(try json(r) as? [[String: Any]])
                #expect(list.count == 8)
                let pothole = try #require(list.first { $0["service_code"] as? String == "pothole" })
                #expect(pothole["service_name"] as? String == "Duobė kelyje")  // Lithuanian by default
                #expect(pothole["metadata"] as? Bool == true)
                #expect(pothole["type"] as? String == "realtime")
                #expect((pothole["keywords"] as? String)?.contains("duobė,") == true)
                #expect(Set(pothole.keys) == ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"])
                let other = try #require(list.first { $0["service_code"] as? String == "other" })
                #expect(other["metadata"] as? Bool == false)
            }
            try await client.execute(uri: "/open311/v2/services.json?locale=en", method: .get) { r in
                let list = try #require(try json(r) as? [[String: Any]])
                #expect(list.first { $0["service_code"] as? String == "pothole" }?["service_name"] as? String == "Pothole")
            }
            try await client.execute(uri: "/open311/v2/services.xml", method: .get) { r in
                let doc = try xml(r)
                #expect(try doc.nodes(forXPath: "/services/service").count == 8)
                #expect(try texts(doc, "/services/service[service_code='fallen_tree']/service_name") == ["Nuvirtęs medis"])
                #expect(try texts(doc, "/services/service[service_code='fallen_tree']/metadata") == ["true"])
            }
        }
    }

    @Test func serviceDefinitionListsAttributesInOrder() async throws {
        try await ServerTests.withApp { client in
            try await client.execute(uri: "/open311/v2/services/unsafe_facade.json?locale=en", method: .get) { r in
                #expect(r.status == .ok)
                let d = try #require(try json(r) as? [String: Any])
                #expect(d["service_code"] as? String == "unsafe_facade")
                let attributes = try #require(d["attributes"] as? [[String: Any]])
                #expect(attributes.map { $0["order"] as? Int } == [1, 2, 3])
                let danger = attributes[0]
                #expect(danger["code"] as? String == "people_in_danger")
                #expect(danger["datatype"] as? String == "singlevaluelist")
                #expect(danger["required"] as? Bool == true)
                #expect(danger["variable"] as? Bool == true)
                #expect(danger["description"] as? String == "Are people in danger?")
                #expect((danger["values"] as? [[String: String]])?.first == ["key": "yes", "name": "Yes"])
                #expect(Set(danger.keys) == ["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"])
            }
            try await client.execute(uri: "/open311/v2/services/unsafe_facade.xml", method: .get) { r in
                let doc = try xml(r)
                #expect(try texts(doc, "/service_definition/attributes/attribute/code") == ["people_in_danger", "elements", "building_note"])
                #expect(try texts(doc, "/service_definition/attributes/attribute[code='elements']/values/value/key") == ["plaster", "balcony", "cornice", "roof"])
            }
        }
    }

    @Test func errorsFollowTheSpec() async throws {
        try await ServerTests.withApp { client in
            try await client.execute(uri: "/open311/v2/services/nope.json", method: .get) { r in
                #expect(r.status == .notFound)
                let errors = try #require(try json(r) as? [[String: Any]])
                #expect(errors.first?["code"] as? Int == 404)
                #expect((errors.first?["description"] as? String)?.contains("nope") == true)
            }
            try await client.execute(uri: "/open311/v2/services/nope.xml", method: .get) { r in
                #expect(r.status == .notFound)
                let doc = try xml(r)
                #expect(try texts(doc, "/errors/error/code") == ["404"])
            }
            try await client.execute(uri: "/open311/v2/services.html", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(String(buffer: r.body).contains("We support .xml and .json"))
            }
            try await client.execute(uri: "/open311/v2/services.json?jurisdiction_id=vilnius.lt", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(String(buffer: r.body).contains("jurisdiction"))
            }
            try await client.execute(uri: "/open311/v2/services.json?jurisdiction_id=kaunas.lt", method: .get) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/open311/v2/services.json?jurisdiction_id=", method: .get) { r in
                #expect(r.status == .ok)  // an empty parameter means the same as an absent one
            }
        }
    }
}
