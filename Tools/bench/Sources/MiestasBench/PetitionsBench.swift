import ArgumentParser
import Foundation
import Petitions
import Store

/// Signing throughput: `--signers` residents sign one open petition through `Petitions.sign`
/// (validation, the state and closing-time check, the unique signer key, one durable transaction
/// each), `--concurrency` at a time, on a SpatiaLite file (or `--database` PostgreSQL URL). Then the
/// count and the district map are checked against what was signed.
struct PetitionsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "petitions", abstract: "Petition signatures per second, durable, with exact counts.")
    @Option(help: "Signatures to make.") var signers = 20_000
    @Option(help: "Signatures in flight at once (like concurrent HTTP requests).") var concurrency = 64
    @Option(help: "A PostgreSQL URL; default: a SpatiaLite file in a temporary folder.") var database: String?

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-bench-petitions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await openStore(database ?? directory.appendingPathComponent("bench.sqlite").path,
                                        options: StoreOptions(mediaDirectory: directory.appendingPathComponent("media")))
        var settings = PetitionSettings()
        settings.sponsorsNeeded = 0
        let petitions = Petitions(store: store, settings: settings)
        let now = Date()
        let author = try await store.signInResident(issuer: "bench", subject: "author", personalCodeDigest: nil, at: now)
        let authorActor = PetitionActor.resident(id: author.id, signerKey: "resident:\(author.id)")
        let p = try await petitions.create(PetitionText(title: "Bench", change: "Change", reason: "Reason", act: "Act"), by: authorActor, at: now)
        _ = try await petitions.submit(id: p.id, by: authorActor, at: now)
        _ = try await petitions.approve(id: p.id, by: .moderator(username: "bench"), at: now)
        let districts = (0..<11).map { "D\($0)" }
        let residentId = author.id
        let start = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let i = next
                next += 1
                group.addTask {
                    let actor = PetitionActor.resident(id: residentId, signerKey: "pc:bench-\(i)")
                    try await petitions.sign(id: p.id, by: actor, district: i % 12 == 11 ? nil : districts[i % 12], publicName: nil)
                }
            }
            for _ in 0..<min(concurrency, signers) { add() }
            while try await group.next() != nil { if next < signers { add() } }
        }
        let seconds = Date().timeIntervalSince(start)
        let counts = try await store.signatureCounts(petitionId: p.id)
        var expected: [String: Int] = [:]
        for i in 0..<signers where i % 12 != 11 { expected[districts[i % 12], default: 0] += 1 }
        let exact = counts.total == signers && counts.byDistrict == expected && counts.withoutDistrict == signers - expected.values.reduce(0, +)
        print("| backend | signatures | concurrency | seconds | signatures/s | count and district map exact |")
        print("|---|---:|---:|---:|---:|---|")
        print("| \(store.backend.rawValue) | \(signers) | \(concurrency) | \(String(format: "%.2f", seconds)) | \(String(format: "%.0f", Double(signers) / seconds)) | \(exact ? "yes" : "NO: \(counts)") |")
        await store.close()
        if !exact { throw ExitCode.failure }
    }
}
