import Foundation
import Mail
import TestSupport
import Testing

@Suite struct MailAddressTests {
    @Test func plainAddressesPassAndAnythingThatCouldInjectIsRefused() throws {
        #expect(try MailAddress("ona@example.lt").domain == "example.lt")
        #expect(try MailAddress("first.last+tag@mail.kaunas.lt").text == "first.last+tag@mail.kaunas.lt")
        for bad in ["", "ona", "@example.lt", "ona@", "ona@@example.lt", "o@na@example.lt", "ona @example.lt",
                    "ona@example.lt>\r\nRCPT TO:<x@y.lt", "ona@example.lt\nBcc: x@y.lt", "<ona@example.lt>", "onà@example.lt",
                    String(repeating: "a", count: 250) + "@x.lt"] {
            #expect(throws: MailError.invalidAddress(bad)) { try MailAddress(bad) }
        }
    }
}

@Suite struct MailMessageTests {
    let message = try! MailMessage(from: MailAddress("miestas@kaunas.lt"), to: MailAddress("ona@example.lt"),
                                   subject: "Atsakymas į jūsų pastabą: Žaliakalnio detalusis planas, gatvių ir aikščių sutvarkymas",
                                   body: "Ona,\n.\nSprendimas: iš dalies priimta.\n" + String(repeating: "ąčęėįšųūž ", count: 40),
                                   date: Date(timeIntervalSince1970: 1_800_000_000), messageID: "outbox-7-1800000000000@kaunas.lt")

    @Test func theTextHasCRLFLinesOfAtMost78CharactersAndEncodedNonASCII() {
        let text = message.text
        let lines = text.components(separatedBy: "\r\n")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(text.utf8.allSatisfy { $0 < 128 })
        #expect(lines.contains("Date: Fri, 15 Jan 2027 08:00:00 +0000"))
        #expect(lines.contains("Message-ID: <outbox-7-1800000000000@kaunas.lt>"))
        #expect(lines.contains { $0.hasPrefix("Subject: =?UTF-8?B?") })
        // The encoded words of the subject decode, whole characters each, back to the subject.
        let subjectLines = lines.drop { !$0.hasPrefix("Subject: ") }.prefix { $0.hasPrefix("Subject: ") || $0.hasPrefix(" ") }
        let decoded = subjectLines.map { line -> String in
            let word = line.replacingOccurrences(of: "Subject: ", with: "").trimmingCharacters(in: .whitespaces)
            #expect(word.count <= 60)
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            return String(decoding: Data(base64Encoded: String(base64))!, as: UTF8.self)
        }.joined()
        #expect(decoded == message.subject)
        #expect(subjectLines.count > 1)
    }

    @Test func anASCIISubjectIsLeftAsItIs() throws {
        var m = message
        m.subject = "Answer to your comment"
        #expect(m.text.contains("\r\nSubject: Answer to your comment\r\n"))
    }
}

@Suite(.serialized) struct SMTPClientTests {
    let from = try! MailAddress("miestas@kaunas.lt")

    func message(to: String, subject: String = "Atsakymas į jūsų pastabą", body: String = "Sprendimas: priimta.\n.\nAčiū.") throws -> MailMessage {
        MailMessage(from: from, to: try MailAddress(to), subject: subject, body: body, date: Date(), messageID: "\(UUID().uuidString)@kaunas.lt")
    }

    @Test func aRealServerReceivesEveryMessageIntactOverOneConnection() async throws {
        let server = try LocalSMTPServer()
        defer { server.stop() }
        // Generous: a loaded test machine can starve this task for a minute (timeouts have their own test).
        let client = SMTPClient(host: "127.0.0.1", port: server.port, heloName: "miestas.test", timeout: .seconds(600))
        let sent = [try message(to: "ona@example.lt"), try message(to: "jonas@example.lt", subject: "Plain subject", body: "Line one\n..two dots")]
        let outcomes = await client.send(sent)
        #expect(outcomes.allSatisfy { if case .success = $0 { true } else { false } }, "\(outcomes)")
        let received = try server.messages()
        #expect(received.count == 2)
        for m in sent {
            let r = try #require(received.first { $0.to == m.to.text })
            #expect(r.from == "miestas@kaunas.lt")
            #expect(r.subject == m.subject)
            // Dot-stuffing undone by the server, CRLF line ends as mail has them.
            #expect(r.body == m.body.replacingOccurrences(of: "\n", with: "\r\n") + (r.body.hasSuffix("\r\n") ? "\r\n" : ""))
            #expect(r.messageID == "<\(m.messageID)>")
            #expect(r.autoSubmitted == "auto-generated")
            #expect(r.contentType == "text/plain")
            #expect(r.longestLine <= 80)
        }
    }

    @Test func aRefusedMessageDoesNotStopTheOthers() async throws {
        // The server takes at most 2,000 bytes: the long message gets a permanent 552.
        let server = try LocalSMTPServer(maxSize: 2_000)
        defer { server.stop() }
        let client = SMTPClient(host: "127.0.0.1", port: server.port, heloName: "miestas.test", timeout: .seconds(60))
        let outcomes = await client.send([try message(to: "a@example.lt"), try message(to: "b@example.lt", body: String(repeating: "ąčę ", count: 800)),
                                          try message(to: "c@example.lt")])
        #expect(outcomes.count == 3)
        guard case .failure(let refusal) = outcomes[1] else { Issue.record("the long message was not refused"); return }
        #expect(!refusal.isTransient)
        #expect(refusal.description.contains("552"))
        #expect(try server.messages().map(\.to).sorted() == ["a@example.lt", "c@example.lt"])
    }

    @Test func noServerIsATransientFailureForEveryMessage() async throws {
        let port = try LocalSMTPServer.freePort()
        let client = SMTPClient(host: "127.0.0.1", port: port, heloName: "miestas.test", timeout: .seconds(5))
        let outcomes = await client.send([try message(to: "a@example.lt"), try message(to: "b@example.lt")])
        #expect(outcomes.count == 2)
        for outcome in outcomes {
            guard case .failure(let error) = outcome else { Issue.record("delivered without a server"); continue }
            #expect(error.isTransient)
            #expect(error.description.contains("cannot connect to the mail server 127.0.0.1:\(port)"))
        }
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        // Listens (the kernel completes the connection) but never says a word.
        let port = try LocalSMTPServer.freePort()
        let silent = Process()
        silent.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        silent.arguments = ["-c", "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', \(port))); s.listen(); time.sleep(60)"]
        try silent.run()
        defer { silent.terminate() }
        try await Task.sleep(for: .milliseconds(500))
        let client = SMTPClient(host: "127.0.0.1", port: port, heloName: "miestas.test", timeout: .seconds(1))
        let started = ContinuousClock.now
        let outcomes = await client.send([try message(to: "a@example.lt")])
        #expect(ContinuousClock.now - started < .seconds(15))
        guard case .failure(let error) = outcomes.first else { Issue.record("no failure"); return }
        #expect(error.isTransient)
        #expect(error.description.contains("did not answer the greeting in time"))
    }
}

/// A relay that wants TLS and a password, as providers' submission ports do.
@Suite(.serialized) struct SecuredSMTPTests {
    let from = try! MailAddress("miestas@example.org")
    static let user = "miestas", password = "s3cret-relay-password"

    func message() throws -> MailMessage {
        MailMessage(from: from, to: try MailAddress("ona@example.lt"), subject: "Per TLS", body: "Sveiki.", date: Date(), messageID: "\(UUID().uuidString)@example.org")
    }

    func client(_ server: LocalSMTPServer, _ security: SMTPClient.Security, password: String = Self.password, trust: Bool = true) -> SMTPClient {
        SMTPClient(host: "localhost", port: server.port, heloName: "miestas.test", timeout: .seconds(60), security: security,
                   credentials: (Self.user, password), trustedCertificates: trust ? server.certificate?.path : nil)
    }

    @Test func startTLSThenAuthDelivers() async throws {
        let server = try LocalSMTPServer(secured: .init(mode: .starttls, username: Self.user, password: Self.password))
        defer { server.stop() }
        let outcomes = await client(server, .starttls).send([try message()])
        #expect(outcomes.allSatisfy { if case .success = $0 { true } else { false } }, "\(outcomes)")
        #expect(try server.messages().map(\.subject) == ["Per TLS"])
    }

    @Test func implicitTLSDelivers() async throws {
        let server = try LocalSMTPServer(secured: .init(mode: .tls, username: Self.user, password: Self.password))
        defer { server.stop() }
        let outcomes = await client(server, .tls).send([try message()])
        #expect(outcomes.allSatisfy { if case .success = $0 { true } else { false } }, "\(outcomes)")
        #expect(try server.messages().count == 1)
    }

    @Test func refusalsSayWhy() async throws {
        let server = try LocalSMTPServer(secured: .init(mode: .starttls, username: Self.user, password: Self.password))
        defer { server.stop() }
        // A wrong password: the relay's 535, final (retrying will not help), and the password is in no message.
        let wrong = await client(server, .starttls, password: "wrong").send([try message()])
        guard case .failure(let e) = wrong.first, case .refused(let command, 535, _) = e else { Issue.record("\(wrong)"); return }
        #expect(command == "AUTH PLAIN" && !e.isTransient && !e.description.contains("wrong"))
        // A certificate nobody vouches for: no conversation at all.
        let untrusted = await client(server, .starttls, trust: false).send([try message()])
        guard case .failure(.connection(let why)) = untrusted.first else { Issue.record("\(untrusted)"); return }
        #expect(why.lowercased().contains("certificate") || why.contains("handshake") || why.contains("TLS"), "\(why)")
        // Without TLS the relay wants STARTTLS first: the client says what the relay said.
        let plain = await SMTPClient(host: "127.0.0.1", port: server.port, heloName: "miestas.test", timeout: .seconds(60)).send([try message()])
        guard case .failure(.refused(_, let code, _)) = plain.first else { Issue.record("\(plain)"); return }
        #expect(code == 530)
        #expect(try server.messages().isEmpty)
    }

    @Test func aPasswordIsNeverSentInTheClearOverTheNetwork() async throws {
        // Not loopback and not TLS: refused before anything is sent (no server needed to prove it).
        let client = SMTPClient(host: "relay.example.invalid", port: 1, heloName: "x", timeout: .seconds(1), credentials: ("u", "p"))
        var settings = SMTPSettings()
        settings.host = client.host; settings.from = "a@example.org"; settings.username = "u"; settings.password = "p"
        #expect(settings.problems().contains { $0.contains("unencrypted") })
        settings.security = .starttls
        #expect(settings.problems().isEmpty)
    }
}
