import Foundation
import Staff
import Store
import Testing

@Suite struct SignInThrottleTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func fiveFailuresAreFreeThenThePauseDoublesUpToItsLongest() {
        let throttle = SignInThrottle()
        for i in 0..<4 {
            #expect(throttle.failed("ona", at: start.addingTimeInterval(Double(i))) == nil)
            #expect(throttle.wait(for: "ona", at: start.addingTimeInterval(Double(i))) == nil)
        }
        #expect(throttle.failed("ona", at: start) == 30)
        #expect(throttle.wait(for: "ona", at: start.addingTimeInterval(10)) == 20)
        #expect(throttle.wait(for: "ona", at: start.addingTimeInterval(30)) == nil)
        #expect(throttle.failed("ona", at: start.addingTimeInterval(31)) == 60)
        #expect(throttle.failed("ona", at: start.addingTimeInterval(92)) == 120)
        var at = start.addingTimeInterval(300)
        var pause: TimeInterval? = 0
        for _ in 0..<10 { pause = throttle.failed("ona", at: at); at = at.addingTimeInterval(1_000) }
        #expect(pause == 15.0 * 60)
        // Other usernames are untouched; case and spaces do not make a new one.
        #expect(throttle.wait(for: "jonas", at: at) == nil)
        #expect(throttle.wait(for: " ONA", at: at.addingTimeInterval(-999)) != nil)
    }

    @Test func successClearsAndOldFailuresAreForgotten() {
        let throttle = SignInThrottle()
        for _ in 0..<4 { throttle.failed("ona", at: start) }
        throttle.succeeded("ona")
        for _ in 0..<4 { #expect(throttle.failed("ona", at: start) == nil) }
        // A day later the four failures no longer count.
        #expect(throttle.failed("ona", at: start.addingTimeInterval(24 * 3600 + 1)) == nil)
    }

    @Test func aFloodOfUsernamesKeepsTheTableBounded() {
        var policy = SignInThrottle.Policy()
        policy.capacity = 100
        let throttle = SignInThrottle(policy: policy)
        for _ in 0..<5 { throttle.failed("target", at: start) }
        for i in 0..<1_000 { throttle.failed("guess\(i)", at: start.addingTimeInterval(Double(i) / 100)) }
        // The paused username survives the flood of unpaused ones.
        #expect(throttle.wait(for: "target", at: start.addingTimeInterval(1)) != nil)
        #expect(throttle.wait(for: "guess999", at: start) == nil)
    }
}

@Suite struct StaffAccountsTests {
    @Test func repeatedWrongPasswordsPauseTheUsernameEvenForTheRightOne() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-staff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SpatiaLiteStore(path: directory.appendingPathComponent("db.sqlite").path)
        var accounts = StaffAccounts(store: store)
        accounts.cost = 4
        _ = try await accounts.add(username: "ona", role: .planner, password: "correct horse battery")
        let now = Date()
        for _ in 0..<5 {
            await #expect(throws: StaffError.badCredentials) { try await accounts.signIn(username: "ona", password: "wrong password!", at: now) }
        }
        await #expect(throws: StaffError.throttled(retryAfter: 30)) {
            try await accounts.signIn(username: "ona", password: "correct horse battery", at: now)
        }
        // An unknown username is counted the same way (nothing tells them apart).
        for _ in 0..<5 { _ = try? await accounts.signIn(username: "nobody", password: "whatever it is", at: now) }
        await #expect(throws: StaffError.throttled(retryAfter: 30)) { try await accounts.signIn(username: "nobody", password: "x", at: now) }
        // After the pause the right password works, and clears the count.
        let session = try await accounts.signIn(username: "ona", password: "correct horse battery", at: now.addingTimeInterval(31))
        #expect(session.user.username == "ona")
        await #expect(throws: StaffError.badCredentials) {
            try await accounts.signIn(username: "ona", password: "wrong password!", at: now.addingTimeInterval(32))
        }
    }
}
