import Config
import Districts
import Foundation
import Logging
import Reports
@testable import Server
import Store
import Testing
import TestSupport

/// Two servers on one PostgreSQL database, in one process (each its own store, pool and
/// listening connection): what one accepts shows in the other's memory through the change
/// feed, also when the doorbell is lost or a transaction commits late. Skipped (with a reason)
/// without a test PostgreSQL, outside CI.
@Suite(.serialized) struct SharedDatabaseTests {
    final class Pair: @unchecked Sendable {
        let url: String
        let a: AppServices, b: AppServices
        let followers: [Task<Void, Never>]
        let folder: URL

        init?() async throws {
            guard let url = try await TestStores.databaseURL() else { return nil }
            self.url = url
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-shared-\(UUID().uuidString)")
            let options = StoreOptions(mediaDirectory: folder.appendingPathComponent("media"), poolSize: 4)
            let first = try await openStore(url, options: options)
            _ = try await DistrictImporter(store: first).importFile(ServerTests.repository.appendingPathComponent("Data/demo/kaunas-seniunijos.geojson").path)
            try await first.replaceServices(try ServiceCatalogue.load(path: ServerTests.repository.appendingPathComponent("Data/services.json").path))
            let settings = try Settings.demo(tiles: folder) { $0.storage.changeFeedPoll = 0.5 }
            a = try await AppServices.load(store: first, settings: settings)
            b = try await AppServices.load(store: try await openStore(url, options: options), settings: settings)
            var logger = Logger(label: "shared-test")
            logger.logLevel = .error
            followers = [a, b].map { services in Task { [logger] in await services.changes.run(logger: logger) } }
        }

        deinit {
            followers.forEach { $0.cancel() }
            try? FileManager.default.removeItem(at: folder)
        }

        func submit(_ via: AppServices, _ i: Int) async throws -> Report {
            let s = Submission(serviceCode: "pothole", lat: String(54.89 + Double(i % 50) * 1e-4), long: String(23.90 + Double(i / 50) * 1e-4),
                               description: "Duobė \(i)", attributes: ["lane": ["roadway"]])
            return try await via.intake.submit(s).report
        }

        /// Waits (at most `limit`) until `services` holds report `id` in its clusters; the time it took.
        func seen(_ id: Int64, by services: AppServices, limit: Duration = .seconds(5)) async -> Duration? {
            let clock = ContinuousClock(), start = clock.now
            while clock.now - start < limit {
                if services.clusters.knows(id) { return clock.now - start }
                try? await Task.sleep(for: .milliseconds(2))
            }
            return nil
        }
    }

    @Test func aReportAcceptedByOneServerShowsInTheOther() async throws {
        guard let pair = try await Pair() else { return }
        var delays: [Double] = []
        for i in 0..<40 {
            let report = try await pair.submit(i % 2 == 0 ? pair.a : pair.b, i)
            let other = i % 2 == 0 ? pair.b : pair.a
            let delay = try #require(await pair.seen(report.id, by: other), "report \(report.id) never reached the other server")
            delays.append(Double(delay.components.attoseconds) / 1e15 + Double(delay.components.seconds) * 1000)
            #expect(other.intake.openReports.candidates(serviceCode: "pothole", near: report.details.location, since: .distantPast)
                .contains { $0.id == report.id })
        }
        delays.sort()
        print("cross-server visibility over \(delays.count) reports: p50 \(delays[delays.count / 2]) ms, max \(delays.last!) ms")
        #expect(delays[delays.count / 2] < 250)
        let position = pair.b.changes.position
        #expect(position.applied >= 20 && position.error == nil)
    }

    @Test func nothingIsMissedWhenTheListeningConnectionIsKilled() async throws {
        guard let pair = try await Pair() else { return }
        // Both listening; then B's listener is ended by the server, as a restart or a proxy would.
        try await Task.sleep(for: .milliseconds(300))
        let killed = try await TestStores.execute(pair.url, """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE application_name = 'miestas-listen-\(pair.b.store.origin.prefix(8))'
            """)
        #expect(killed == 1)
        var ids: [Int64] = []
        for i in 0..<20 { ids.append(try await pair.submit(pair.a, i).id) }
        for id in ids { #expect(await pair.seen(id, by: pair.b) != nil) }
    }

    @Test func aLateCommitIsNotSkipped() async throws {
        guard let pair = try await Pair() else { return }
        // A transaction that takes its place in the log first and commits last.
        let held = Task {
            try await TestStores.inTransaction(pair.url, [
                """
                INSERT INTO reports (service_code, status, description, lon, lat, requested_at, updated_at, source)
                VALUES ('pothole', 'open', 'late', 23.95, 54.9, 1700000000000, 1700000000000, 'test')
                """,
                "INSERT INTO change_log (kind, entity_id, origin) SELECT 'report.insert', max(id), 'psql' FROM reports",
            ], holding: .seconds(2))
        }
        try await Task.sleep(for: .milliseconds(300))
        var ids: [Int64] = []
        for i in 0..<20 { ids.append(try await pair.submit(pair.a, i).id) }
        try await held.value
        let late = try #require(try await pair.a.store.reports(ReportQuery(limit: 100)).first { $0.details.description == "late" })
        for id in ids + [late.id] { #expect(await pair.seen(id, by: pair.b) != nil) }
        #expect(await pair.seen(late.id, by: pair.a) != nil)
    }

    @Test func aStatusChangeOnOneServerReachesTheOther() async throws {
        guard let pair = try await Pair() else { return }
        // A form drawn by one server is signed with the key the other checks.
        #expect(pair.a.formKey == pair.b.formKey && pair.a.formKey.count == 32)
        let report = try await pair.submit(pair.a, 1)
        #expect(await pair.seen(report.id, by: pair.b) != nil)
        _ = try await pair.a.store.applyUpdate(reportId: report.id, expected: .open, status: .closed, resolution: .fixed, reopened: false,
                                               note: "", userId: nil, at: Date())
        let clock = ContinuousClock(), start = clock.now
        while pair.b.intake.openReports.candidates(serviceCode: "pothole", near: report.details.location, since: .distantPast)
            .contains(where: { $0.id == report.id }), clock.now - start < .seconds(5) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(!pair.b.intake.openReports.candidates(serviceCode: "pothole", near: report.details.location, since: .distantPast)
            .contains { $0.id == report.id })
    }

    /// Two servers append to one plan's audit chain in turn, and at once: one chain, no fork.
    @Test func theAuditChainStaysWholeUnderTwoWriters() async throws {
        guard let pair = try await Pair() else { return }
        let stores = [pair.a.store, pair.b.store]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<60 {
                group.addTask {
                    try await stores[i % 2].appendAudit([AuditRecord(planId: nil, actor: "system", action: "tick", subject: "\(i)", at: Date())])
                }
            }
            try await group.waitForAll()
        }
        let entries = try await pair.a.store.auditEntries(planId: nil)
        #expect(entries.count == 60)
        #expect(Set(entries.map(\.prevHash)).count == 60)
        #expect(AuditChain.verify(entries) == nil)
    }

    /// Two senders drain one outbox at once: every message is claimed by exactly one of them.
    @Test func twoSendersNeverClaimTheSameMessage() async throws {
        guard let pair = try await Pair() else { return }
        try await TestStores.execute(pair.url, """
            INSERT INTO outbox (recipient, subject, body, created_at, next_attempt_at)
            SELECT 'r' || n || '@example.lt', 'Atsakymas', 'Taip', 0, 0 FROM generate_series(1, 200) AS n
            """)
        let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for store in [pair.a.store, pair.b.store] {
                group.addTask {
                    var mine: [Int64] = []
                    while true {
                        let batch = try await store.claimDueOutbox(at: Date(), limit: 7, lease: 600)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
        }
        #expect(claims[0].count + claims[1].count == 200)
        #expect(Set(claims[0]).isDisjoint(with: Set(claims[1])))
        #expect(Set(claims[0] + claims[1]).count == 200)
    }

    /// The similar-report policy across servers (README): identical reports sent to two servers
    /// at the same moment may both be stored unlinked; once the feed has brought each to the
    /// other, the next one is linked to the earliest of them on either server.
    @Test func simultaneousIdenticalReportsOnTwoServers() async throws {
        guard let pair = try await Pair() else { return }
        for round in 0..<5 {
            let s = Submission(serviceCode: "pothole", lat: String(54.88 + Double(round) * 1e-2), long: "23.91", description: "Ta pati duobė",
                               attributes: ["lane": ["roadway"]])
            async let first = pair.a.intake.submit(s)
            async let second = pair.b.intake.submit(s)
            let (x, y) = try await (first, second)
            // Each, when accepted, could only see what was already in its server's memory.
            #expect(x.similarId == nil || x.similarId == y.report.id)
            #expect(y.similarId == nil || y.similarId == x.report.id)
            let earliest = min(x.report.id, y.report.id)
            let seenByA = await pair.seen(y.report.id, by: pair.a), seenByB = await pair.seen(x.report.id, by: pair.b)
            #expect(seenByA != nil && seenByB != nil)
            let third = try await (round % 2 == 0 ? pair.a : pair.b).intake.submit(s)
            #expect(third.similarId == earliest)
        }
    }
}
