import Messages
import Testing

@Suite struct MessageTests {
    enum Text: String, MessageCatalogue {
        static let prefix = "msg.test."
        case moved = "a plan in the {from} stage cannot move to {to}; it can move to: {options}"
        case tooLong = "{field} is {length} characters long"
        case field = "{name} {reason}"
        case lasts = "this one lasts {days} days"
        case json = "send JSON like {\"to\": \"{stage}\"}"
    }

    enum Stage: String, MessageTerm, CaseIterable {
        static let vocabulary = "stage_"
        case draft, consultation, hearing
    }

    let lithuanian: [String: String] = [
        "msg.test.moved": "Plano iš etapo „{from}“ negalima perkelti į etapą „{to}“; galimi etapai: {options}.",
        "msg.test.field": "Laukas „{name}“: {reason}.",
        "msg.test.tooLong": "per ilgas: simbolių – {length}",
        "msg.test.lasts": "šis trunka {days} d.",
        "stage_draft": "rengiamas", "stage_consultation": "viešas svarstymas", "stage_hearing": "viešas susirinkimas",
        "msg.field.media": "nuotrauka",
        "msg.decimal_separator": ",",
    ]

    @Test func theKeyIsThePrefixAndTheCaseName() {
        #expect(Text.moved.key == "msg.test.moved")
        #expect(Message(Text.tooLong).key == "msg.test.tooLong")
        #expect(Message(Text.tooLong).template == Text.tooLong.rawValue)
    }

    @Test func englishFillsTheArgumentsWithTermsAsRawWords() {
        let m = Message(Text.moved, ["from": .term(Stage.draft), "to": .term(Stage.hearing), "options": .terms([Stage.consultation])])
        #expect(m.description == "a plan in the draft stage cannot move to hearing; it can move to: consultation")
        #expect(Message(Text.tooLong, ["field": .text("text"), "length": .number(5001)]).description == "text is 5001 characters long")
    }

    @Test func anotherLanguageTranslatesTheTemplateTheTermsAndNestedMessages() {
        let m = Message(Text.moved, ["from": .term(Stage.draft), "to": .term(Stage.hearing), "options": .terms([Stage.consultation, .hearing])])
        #expect(m.rendered { lithuanian[$0] } == "Plano iš etapo „rengiamas“ negalima perkelti į etapą „viešas susirinkimas“; galimi etapai: viešas svarstymas, viešas susirinkimas.")
        let nested = Message(Text.field, ["name": .field("media"), "reason": .message(Message(Text.tooLong, ["length": .number(12)]))])
        #expect(nested.rendered { lithuanian[$0] } == "Laukas „nuotrauka“: per ilgas: simbolių – 12.")
        #expect(nested.description == "media {field} is 12 characters long", "a missing argument stays visible")
    }

    @Test func aMissingTranslationFallsBackToEnglish() {
        let m = Message(Text.json, ["stage": .term(Stage.draft)])
        #expect(m.rendered { lithuanian[$0] } == #"send JSON like {"to": "rengiamas"}"#)
        #expect(m.rendered { _ in nil } == m.description)
    }

    @Test func numbersUseTheLanguagesDecimalSeparator() {
        let m = Message(Text.lasts, ["days": .decimal(3.5)])
        #expect(m.description == "this one lasts 3.50 days")
        #expect(m.rendered { lithuanian[$0] } == "šis trunka 3,50 d.")
        #expect(Message(Text.lasts, ["days": .decimal(14.0)]).description == "this one lasts 14 days")
        #expect(Message(Text.lasts, ["days": .decimal(-0.25)]).description == "this one lasts -0.25 days")
        #expect(Message(Text.lasts, ["days": .decimal(2.999)]).description == "this one lasts 3 days")
        // Ids and counts exactly, however large (a fuzzer's id of Int64.max once crashed the server
        // here, converting hundredths to Int64); measures beyond 1e15 as Swift writes them.
        #expect(Message(Text.lasts, ["days": .number(Int64.max)]).description == "this one lasts 9223372036854775807 days")
        #expect(Message(Text.lasts, ["days": .number(Int64.min)]).description == "this one lasts -9223372036854775808 days")
        #expect(Message(Text.lasts, ["days": .decimal(1e300)]).description == "this one lasts 1e+300 days")
        #expect(Message(Text.lasts, ["days": .decimal(Double.infinity)]).description == "this one lasts inf days")
    }

    @Test func placeholdersAreNamesInBracesOnly() {
        #expect(Message.placeholders(Text.moved.rawValue) == ["from", "to", "options"])
        #expect(Message.placeholders(Text.json.rawValue) == ["stage"], "a JSON example's braces are text")
        #expect(Message.placeholders("{a} {bad name} {} {b_2}") == ["a", "b_2"])
    }
}
