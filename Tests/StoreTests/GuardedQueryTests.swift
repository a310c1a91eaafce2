import Foundation
import Logging
import Synchronization
import PostgresNIO
import Testing
import TestSupport
@testable import Store

/// Statements sent as PostgreSQL ends the connection must fail, not wait forever (postgres-nio
/// 1.33 drops a query written to a channel that has just closed; `guardedQuery` answers it).
@Suite struct GuardedQueryTests {
    @Test func statementsOnAConnectionTheServerEndedFailWithinSeconds() async throws {
        guard let url = try await TestStores.databaseURL() else { return }
        let parsed = try #require(try PostgresURL(parsing: url))
        let logger = Logger(label: "miestas.test")
        let connection = try await PostgresConnection.connect(configuration: parsed.connectionConfiguration(applicationName: "miestas-guard"),
                                                              id: 7, logger: logger)
        let pid = try #require(try await connection.guardedQuery("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(Int.self))
        // Another connection ends this one's backend while statements keep going out on it, one
        // after another without a pause, so some are written in the instant the channel closes.
        // They run in a task of their own, watched from here: a statement that never comes back
        // then fails this test after a minute instead of hanging the whole run (a loaded machine
        // may take seconds over each of them; never that long).
        let outcome = Mutex<(failures: Int, slowest: Duration, done: Bool)>((0, .zero, false))
        let statements = Task {
            for _ in 0..<2_000 where outcome.withLock({ $0.failures }) < 20 {
                let started = ContinuousClock.now
                var failed = false
                do { try await connection.guardedQuery("SELECT 1", logger: logger) } catch { failed = true }
                outcome.withLock { $0.slowest = max($0.slowest, ContinuousClock.now - started); if failed { $0.failures += 1 } }
            }
            outcome.withLock { $0.done = true }
        }
        #expect(try await TestStores.execute(url, "SELECT pg_terminate_backend(\(pid))::int") == 1)
        let deadline = ContinuousClock.now + .seconds(60)
        while !outcome.withLock({ $0.done }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let (failures, slowest, done) = outcome.withLock { $0 }
        #expect(done, "a statement sent as the connection ended never came back")
        guard done else { return }  // (the lost statement's task is left behind)
        _ = await statements.value
        #expect(failures == 20, "the statements after the end all fail")
        #expect(slowest < .seconds(30), "none waits long (the slowest took \(slowest))")
        await #expect(throws: StoreError.self) { try await connection.guardedQuery("SELECT 1", logger: logger) }
        try? await connection.close()
    }
}
