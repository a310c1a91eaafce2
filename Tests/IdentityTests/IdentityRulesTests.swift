import Foundation
@testable import Identity
import Testing

@Suite struct IdentityRulesTests {
    @Test func levelsAreOrderedAndOperationsHaveDefaults() {
        #expect(AssuranceLevel.low < .substantial && AssuranceLevel.substantial < .high)
        let settings = IdentitySettings(providers: [], redirectURI: "https://miestas.example/signin/callback", requiredLevels: [.report: .high])
        #expect(settings.requiredLevel(for: .report) == .high)
        #expect(settings.requiredLevel(for: .account) == .low)
        #expect(settings.requiredLevel(for: .petitionSign) == .substantial)
        #expect(settings.requiredLevel(for: IdentityOperation(rawValue: "anything-else")) == nil)
    }

    @Test func acrValuesAskForTheLevelOrTheLowestAboveIt() {
        let p = ProviderSettings(id: "p", issuer: "https://id.example", clientID: "c", clientSecret: "s",
                                 acrLevels: ["idporten-loa-substantial": .substantial, "idporten-loa-high": .high, "Level3": .substantial])
        #expect(p.acrValues(for: .substantial) == ["Level3", "idporten-loa-substantial"])
        #expect(p.acrValues(for: .low) == ["Level3", "idporten-loa-substantial"])
        #expect(p.acrValues(for: .high) == ["idporten-loa-high"])
        #expect(p.level(acr: "idporten-loa-high") == .high && p.level(acr: nil) == .low && p.level(acr: "unknown") == .low)
        #expect(ProviderSettings(id: "q", issuer: "https://x", clientID: "c", clientSecret: "s").acrValues(for: .high).isEmpty)
    }

    @Test func thePersonalCodeIsKeptOnlyAsAKeyedDigest() {
        let a = PersonalCodeDigest(secret: String(repeating: "a", count: 32))
        let b = PersonalCodeDigest(secret: String(repeating: "b", count: 32))
        #expect(a.digest("39001010000") == a.digest(" 3900-101-0000 "))
        #expect(a.digest("lt39001010000") == a.digest("LT 39001010000"))
        #expect(a.digest("39001010000") != b.digest("39001010000"), "another secret, another digest")
        #expect(a.digest("39001010000") != a.digest("39001010001"))
        #expect(a.digest("39001010000").count == 64 && !a.digest("39001010000").contains("39001010000"))
    }

    @Test func settingsProblemsAreNamed() {
        let good = ProviderSettings(id: "viisp", issuer: "https://broker.example/realms/viisp", clientID: "c", clientSecret: "s", personalCodeClaim: "pid")
        var settings = IdentitySettings(providers: [good], redirectURI: "https://miestas.example/signin/callback",
                                        personalCodeSecret: String(repeating: "x", count: 32))
        #expect(settings.problems().isEmpty)
        settings.personalCodeSecret = "short"
        #expect(settings.problems().contains { $0.contains("personal_code_secret") })
        settings.personalCodeSecret = String(repeating: "x", count: 32)
        settings.redirectURI = "http://miestas.example/signin/callback"
        #expect(settings.problems().contains { $0.contains("redirect_uri") })
        settings.redirectURI = "https://miestas.example/signin/callback"
        var plain = good
        plain.issuer = "http://broker.example"
        settings.providers = [plain, good]
        #expect(settings.problems().contains { $0.contains("issuer") } && settings.problems().contains { $0.contains("used twice") })
        settings.providers = [good]
        settings.staff = [.init(provider: "nowhere", subject: "x", username: "y", role: .admin)]
        #expect(settings.problems().contains { $0.contains("nowhere") })
    }

    @Test func idTokenClaimChecksFollowTheSpec() throws {
        let p = ProviderSettings(id: "p", issuer: "https://id.example", clientID: "miestas", clientSecret: "s", personalCodeClaim: "pid",
                                 acrLevels: ["sub": .substantial])
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let check = IDTokenCheck(settings: p, nonce: "n-1", requiredLevel: .low, accessToken: "at-1", now: now)
        let base: [String: ClaimValue] = [
            "iss": .string("https://id.example"), "aud": .string("miestas"), "sub": .string("u1"), "nonce": .string("n-1"),
            "exp": .number(2_000_000_100), "iat": .number(1_999_999_990), "acr": .string("sub"), "pid": .number(39001010000),
            "given_name": .string("Ona"), "family_name": .string("Onaitė"), "at_hash": .string(IDTokenCheck.atHash("at-1")),
        ]
        let claims = try check.check(base)
        #expect(claims == VerifiedClaims(subject: "u1", level: .substantial, acr: "sub", personalCode: "39001010000", name: "Ona Onaitė", email: nil))
        func refused(_ change: [String: ClaimValue?]) -> Bool {
            var c = base
            for (k, v) in change { c[k] = v }
            return (try? check.check(c)) == nil
        }
        #expect(refused(["exp": .number(2_000_000_000 - 61)]) && !refused(["exp": .number(2_000_000_000 - 59)]))
        #expect(refused(["iat": .number(2_000_000_000 + 61)]) && !refused(["iat": .number(2_000_000_000 + 59)]))
        #expect(refused(["aud": .array([.string("a"), .string("b")])]) && refused(["iss": .string("https://id.example/")]))
        #expect(refused(["at_hash": .string("AAAAAAAAAAAAAAAAAAAAAA")]) && !refused(["at_hash": nil]))
        #expect(refused(["nonce": .string("n-2")]) && refused(["sub": nil]))
    }

    @Test func theResidenceIsReadFromTheConfiguredClaimOnly() throws {
        var p = ProviderSettings(id: "p", issuer: "https://id.example", clientID: "miestas", clientSecret: "s")
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let claims: [String: ClaimValue] = [
            "iss": .string("https://id.example"), "aud": .string("miestas"), "sub": .string("u1"), "nonce": .string("n-1"),
            "exp": .number(2_000_000_100), "iat": .number(1_999_999_990), "seniunija": .string("D7"),
        ]
        func residence(_ value: ClaimValue? = nil) throws -> String? {
            var c = claims
            if let value { c["seniunija"] = value }
            return try IDTokenCheck(settings: p, nonce: "n-1", requiredLevel: .low, accessToken: nil, now: now).check(c).residence
        }
        #expect(try residence() == nil, "no residence_claim configured: nothing is read")
        p.residenceClaim = "seniunija"
        #expect(try residence() == "D7")
        #expect(try residence(.number(13)) == "13", "a numeric code")
        #expect(try residence(.string(String(repeating: "x", count: 101))) == nil && (try residence(.string(""))) == nil, "nonsense is not a residence")
    }
}
