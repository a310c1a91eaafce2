import Foundation
import Testing
@testable import RateLimits

@Suite struct RateTests {
    @Test func readsRatesAsPeopleWriteThem() throws {
        #expect(try Rate.parse("30/hour") == Rate(count: 30, period: 3600))
        #expect(try Rate.parse(" 5 / minute ") == Rate(count: 5, period: 60))
        #expect(try Rate.parse("20/10min") == Rate(count: 20, period: 600))
        #expect(try Rate.parse("1000/day") == Rate(count: 1000, period: 86_400))
        #expect(try Rate.parse("2/s") == Rate(count: 2, period: 1))
        #expect(try Rate.parse("off") == nil)
        #expect(try Rate.parse("0") == nil)
        for bad in ["30", "30/fortnight", "-1/hour", "x/hour", "30/0min", ""] {
            #expect(throws: RateParseError.self, "\(bad)") { try Rate.parse(bad) }
        }
        #expect(Rate(count: 20, period: 600).description == "20/10min")
        #expect(Rate(count: 30, period: 3600).description == "30/hour")
    }
}

@Suite struct RateLimiterTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func allowsABurstThenTheRateAndSaysHowLongToWait() {
        let limiter = RateLimiter(rate: Rate(count: 3, period: 60))
        for _ in 0..<3 { #expect(limiter.take("a", at: t0) == nil) }
        let wait = limiter.take("a", at: t0)
        #expect(wait.map { abs($0 - 20) < 0.001 } == true, "one token per 20 s: \(String(describing: wait))")
        // Another client is not affected.
        #expect(limiter.take("b", at: t0) == nil)
        // 20 s later exactly one more is allowed.
        #expect(limiter.take("a", at: t0.addingTimeInterval(20)) == nil)
        #expect(limiter.take("a", at: t0.addingTimeInterval(20)) != nil)
        // A refused attempt does not use a token: after a full period the burst is back.
        for _ in 0..<10 { _ = limiter.take("a", at: t0.addingTimeInterval(21)) }
        for _ in 0..<3 { #expect(limiter.take("a", at: t0.addingTimeInterval(200)) == nil) }
    }

    @Test func aFloodOfClientsStaysWithinTheBoundAndNeverTightensALimit() {
        let limiter = RateLimiter(rate: Rate(count: 2, period: 3600), capacity: 160)
        // A client that has used its burst stays limited while strangers flood in...
        #expect(limiter.take("busy", at: t0) == nil)
        #expect(limiter.take("busy", at: t0) == nil)
        for i in 0..<5_000 { _ = limiter.take("client-\(i)", at: t0) }
        #expect(limiter.trackedClients <= 160)
        // ...unless it was forgotten, which can only give it more room, never less: a forgotten
        // bucket starts full. Either way, never a wait longer than the rate allows.
        if let wait = limiter.take("busy", at: t0) { #expect(wait <= 1800 + 0.001) }
    }
}

@Suite struct ClientAddressTests {
    @Test func forwardedForIsBelievedOnlyFromATrustedProxy() throws {
        let resolver = ClientAddressResolver(trustedProxies: [try #require(IPRange("10.0.0.0/8")), try #require(IPRange("::1"))])
        // No proxy in front: the header is the client's own word and is ignored.
        #expect(resolver.client(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9")
        // From our proxy: the rightmost address the proxy did not add itself.
        #expect(resolver.client(peer: "10.1.2.3", forwardedFor: ["198.51.100.1"]) == "198.51.100.1")
        // A client forging a first entry does not escape: the proxy appended the real one.
        #expect(resolver.client(peer: "10.1.2.3", forwardedFor: ["1.2.3.4, 198.51.100.7"]) == "198.51.100.7")
        // Two of our proxies in a row, across two headers.
        #expect(resolver.client(peer: "::1", forwardedFor: ["198.51.100.7", "10.9.9.9"]) == "198.51.100.7")
        // Garbage from the proxy's side: the proxy itself is the client we can name.
        #expect(resolver.client(peer: "10.1.2.3", forwardedFor: ["unknown"]) == "10.1.2.3")
        // IPv4-mapped IPv6 peers count as their IPv4 address.
        #expect(resolver.client(peer: "::ffff:10.0.0.5", forwardedFor: ["198.51.100.2"]) == "198.51.100.2")
        #expect(resolver.client(peer: nil, forwardedFor: []) == "unknown")
    }

    @Test func rangesParseAndMatch() throws {
        #expect(IPRange("192.168.0.0/16")?.contains("192.168.44.1") == true)
        #expect(IPRange("192.168.0.0/16")?.contains("192.169.0.1") == false)
        #expect(IPRange("2001:db8::/32")?.contains("2001:db8:1::5") == true)
        #expect(IPRange("2001:db8::/32")?.contains("2001:db9::5") == false)
        #expect(IPRange("127.0.0.1")?.contains("127.0.0.1") == true)
        #expect(IPRange("127.0.0.1")?.contains("127.0.0.2") == false)
        #expect(IPRange("0.0.0.0/0")?.contains("8.8.8.8") == true)
        #expect(IPRange("0.0.0.0/0")?.contains("::1") == false)
        for bad in ["10.0.0.0/33", "localhost", "10.0.0", "", "::1/129"] { #expect(IPRange(bad) == nil, "\(bad)") }
    }

    @Test func limitsPerKeyAndPerAddressAreSeparate() {
        var settings = RateLimitSettings()
        settings.reportsPerAddress = Rate(count: 2, period: 60)
        settings.reportsPerAPIKey = Rate(count: 3, period: 60)
        let limits = ClientLimits(settings: settings)
        let now = Date()
        // One app key, many residents behind it: the key's limit applies across addresses.
        #expect(limits.admit(.report, client: "a", apiKey: "app", at: now) == nil)
        #expect(limits.admit(.report, client: "b", apiKey: "app", at: now) == nil)
        #expect(limits.admit(.report, client: "c", apiKey: "app", at: now) == nil)
        #expect(limits.admit(.report, client: "d", apiKey: "app", at: now) != nil)
        // The web form has no key: the address's limit.
        #expect(limits.admit(.report, client: "e", at: now) == nil)
        #expect(limits.admit(.report, client: "e", at: now) == nil)
        #expect(limits.admit(.report, client: "e", at: now) != nil)
        // Comments are counted apart from reports.
        #expect(limits.admit(.comment, client: "e", at: now) == nil)
        #expect(ClientLimits.unlimited.admit(.report, client: "e", apiKey: "x", at: now) == nil)
    }
}
