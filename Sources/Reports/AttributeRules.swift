import Foundation
import JSONText
import Messages
import Synchronization
import Geo
import Store

/// Checks `attribute[CODE]` values against a service definition, by Open311 datatype.
enum AttributeRules {
    static func check(_ given: [String: [String]], against service: Service, settings: IntakeSettings) throws(IntakeError) -> [String: [String]] {
        let known = Dictionary(service.attributes.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for code in given.keys.sorted() where known[code]?.variable != true { throw .unknownAttribute(code) }
        var checked: [String: [String]] = [:]
        for attribute in service.attributes.sorted(by: { $0.order < $1.order }) where attribute.variable {
            let values = (given[attribute.code] ?? []).map(\.trimmingWhitespace).filter { !$0.isEmpty }
            if values.isEmpty {
                if attribute.required { throw .missingAttribute(code: attribute.code, question: attribute.description.text("en")) }
                continue
            }
            checked[attribute.code] = try check(values, attribute, settings)
        }
        return checked
    }

    private static func check(_ values: [String], _ a: ServiceAttribute, _ settings: IntakeSettings) throws(IntakeError) -> [String] {
        let code = a.code
        if a.datatype != .multivaluelist, values.count > 1 {
            throw .invalidAttribute(code: code, reason: .intake(.oneValueOnly, ["count": .number(values.count)]))
        }
        let value = values[0]
        switch a.datatype {
        case .string:
            if value.count > settings.maximumString { throw .invalidAttribute(code: code, reason: .intake(.answerTooLong, ["max": .number(settings.maximumString)])) }
        case .text:
            if value.count > settings.maximumText { throw .invalidAttribute(code: code, reason: .intake(.answerTooLong, ["max": .number(settings.maximumText)])) }
        case .number:
            guard let n = Double(value), n.isFinite else { throw .invalidAttribute(code: code, reason: .intake(.notANumber, ["value": .text(String(value.prefix(40)))])) }
            if let lo = a.minimum, n < lo { throw .invalidAttribute(code: code, reason: .intake(.belowMinimum, ["minimum": .text(WKT.number(lo)), "value": .text(value)])) }
            if let hi = a.maximum, n > hi { throw .invalidAttribute(code: code, reason: .intake(.aboveMaximum, ["maximum": .text(WKT.number(hi)), "value": .text(value)])) }
        case .datetime:
            guard Open311Time.parse(value) != nil else {
                throw .invalidAttribute(code: code, reason: .intake(.notADateTime))
            }
        case .singlevaluelist, .multivaluelist:
            let keys = Set(a.values.map(\.key))
            for v in values where !keys.contains(v) {
                throw .invalidAttribute(code: code, reason: .intake(.notInList, ["value": .text(String(v.prefix(40))), "values": .list(a.values.map { .text($0.key) })]))
            }
            if Set(values).count != values.count { throw .invalidAttribute(code: code, reason: .intake(.repeatsValue)) }
        }
        return values
    }
}
