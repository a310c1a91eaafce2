import Districts
import Foundation
import Geo
import Messages
import Store
import Testing
@testable import Reports

/// Intake against a real store: the demo districts and the shipped catalogue.
final class IntakeWorkspace {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-intake-\(UUID().uuidString)")
    let store: SpatiaLiteStore
    let intake: Intake

    init() async throws {
        store = try SpatiaLiteStore(path: directory.appendingPathComponent("db.sqlite").path)
        _ = try await DistrictImporter(store: store).importFile(Self.repository.appendingPathComponent("Data/demo/kaunas-seniunijos.geojson").path)
        let services = try ServiceCatalogue.load(path: Self.repository.appendingPathComponent("Data/services.json").path)
        intake = Intake(services: services, locator: try DistrictLocator(districts: try await store.districts()), store: store)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

private func tree(lat: String = "54.9", long: String = "23.93", blocking: String = "yes") -> Submission {
    Submission(serviceCode: "fallen_tree", lat: lat, long: long, description: "Medis ant kelio", attributes: ["blocking_road": [blocking]])
}

@Suite struct IntakeTests {
    @Test func formFieldsBecomeASubmission() {
        let s = Submission(fields: [("service_code", "unsafe_facade"), ("lat", "54.9"), ("long", ""), ("attribute[people_in_danger]", "yes"),
                                    ("attribute[elements][]", "plaster"), ("attribute[elements][]", "roof"), ("attribute[bad]x", "?"),
                                    ("api_key", "k"), ("email", "a@b.lt")])
        #expect(s.serviceCode == "unsafe_facade" && s.lat == "54.9" && s.long == nil)
        #expect(s.attributes == ["people_in_danger": ["yes"], "elements": ["plaster", "roof"]])
        #expect(s.email == "a@b.lt")
    }

    @Test func validReportsAreLocatedAndStored() async throws {
        let w = try await IntakeWorkspace()
        let receipt = try await w.intake.submit(tree())
        #expect(receipt.report.details.districtCode == "zaliakalnis")
        #expect(receipt.similarId == nil)
        #expect(try await w.store.report(id: receipt.report.id)?.details.attributes == ["blocking_road": ["yes"]])
    }

    @Test func datatypesAreChecked() async throws {
        let w = try await IntakeWorkspace()
        var s = tree()
        s.attributes["fell_at"] = ["2026-11-20T18:00:00+02:00"]
        _ = try await w.intake.submit(s)
        s.attributes["fell_at"] = ["yesterday evening"]
        await #expect(throws: IntakeError.invalidAttribute(code: "fell_at", reason: Message(IntakeText.notADateTime))) {
            try await w.intake.submit(s)
        }
        s.attributes["fell_at"] = ["2026-11-20T18:00:00"]  // no offset
        await #expect(throws: IntakeError.self) { try await w.intake.submit(s) }
        await #expect(throws: IntakeError.invalidAttribute(code: "blocking_road", reason: Message(IntakeText.oneValueOnly, ["count": .number(2)]))) {
            try await w.intake.submit(Submission(serviceCode: "fallen_tree", lat: "54.9", long: "23.93", attributes: ["blocking_road": ["yes", "no"]]))
        }
        await #expect(throws: IntakeError.invalidAttribute(code: "elements", reason: Message(IntakeText.repeatsValue))) {
            try await w.intake.submit(Submission(serviceCode: "unsafe_facade", lat: "54.9", long: "23.93",
                                                 attributes: ["people_in_danger": ["no"], "elements": ["roof", "roof"]]))
        }
        await #expect(throws: IntakeError.missingAttribute(code: "blocking_road", question: "Is the tree blocking the road?")) {
            try await w.intake.submit(Submission(serviceCode: "fallen_tree", lat: "54.9", long: "23.93", attributes: ["blocking_road": ["  "]]))
        }
        #expect(try await w.store.reportCount() == 1)
    }

    @Test func similarReportsAreTheNearestOpenOneOfTheSameService() async throws {
        let w = try await IntakeWorkspace()
        let first = try await w.intake.submit(tree(lat: "54.90000"))
        let second = try await w.intake.submit(tree(lat: "54.90020"))  // 22 m north: similar to the first
        #expect(second.similarId == first.report.id)
        let third = try await w.intake.submit(tree(lat: "54.90025"))   // 5.6 m from the second, 28 m from the first
        #expect(third.similarId == second.report.id)
        // Another service at the same place is not a duplicate; nor is one further than 30 m.
        let graffiti = try await w.intake.submit(Submission(serviceCode: "graffiti", lat: "54.9", long: "23.93"))
        #expect(graffiti.similarId == nil)
        #expect(try await w.intake.submit(tree(lat: "54.90060")).similarId == nil)  // 34 m from the third
        // Reports older than the window do not count.
        let later = Date().addingTimeInterval(31 * 24 * 3600)
        #expect(try await w.intake.submit(tree(lat: "54.90000"), at: later).similarId == nil)
    }

    @Test func closedReportsStopCountingAndARestartRemembersOpenOnes() async throws {
        let w = try await IntakeWorkspace()
        let first = try await w.intake.submit(tree()).report.id
        // A fresh intake over the same store (a restarted server) knows the open report.
        let restarted = Intake(services: Array(w.intake.services.values), locator: w.intake.locator, store: w.store)
        try await restarted.loadOpenReports()
        #expect(try await restarted.submit(tree()).similarId == first)
        // Closing both through the workflow takes them out of the search.
        for id in [first, first + 1] {
            _ = try await Workflow.move(id, to: .closed, resolution: .fixed, note: "Removed", by: nil, store: w.store, openReports: restarted.openReports)
        }
        #expect(try await restarted.submit(tree()).similarId == nil)
        #expect(restarted.openReports.count == 1)
    }

    @Test func theDistanceIsGreatCircleMetres() {
        // One thousandth of a degree of latitude is about 111 m.
        #expect(abs(Intake.metres(Coordinate(23.93, 54.9), Coordinate(23.93, 54.901)) - 111.2) < 0.5)
        #expect(Intake.looksLikeEmail("vardas.pavarde@kaunas.lt"))
        for bad in ["vardas", "@kaunas.lt", "a@b", "a b@c.lt", "a@.lt", "a@b.lt."] { #expect(!Intake.looksLikeEmail(bad), "\(bad)") }
    }

    @Test func concurrentSubmissionsCommitInGroups() async throws {
        let w = try await IntakeWorkspace()
        let count = 400
        let intake = w.intake
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<count {
                group.addTask {
                    try await intake.submit(Submission(serviceCode: "graffiti", lat: String(54.89 + Double(i % 20) * 0.001),
                                                         long: String(23.92 + Double(i / 20) * 0.001))).report.id
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(Set(ids).count == count)
        #expect(try await w.store.reportCount() == count)
    }
}

/// The batches a committer wrote, in order.
final class BatchLog: @unchecked Sendable {
    private let lock = NSLock()
    private var written: [[Int]] = []
    var batches: [[Int]] { lock.withLock { written } }
    func add(_ b: [Int]) { lock.withLock { written.append(b) } }
}

@Suite struct GroupCommitterTests {
    @Test func waitingItemsShareATransactionAndFailuresStayTheirOwn() async throws {
        let log = BatchLog()
        let committer = GroupCommitter<Int, Int>(maximumBatch: 50) { batch in
            log.add(batch)
            Thread.sleep(forTimeInterval: 0.005)  // a slow disk: items pile up meanwhile
            return batch.map { $0 % 7 == 0 ? .failure(.database("item \($0) refused")) : .success($0 * 2) }
        }
        let results = await withTaskGroup(of: (Int, Result<Int, Error>).self) { group in
            for i in 1...200 {
                group.addTask {
                    do { return (i, .success(try await committer.submit(i))) } catch { return (i, .failure(error)) }
                }
            }
            return await group.reduce(into: [Int: Result<Int, Error>]()) { $0[$1.0] = $1.1 }
        }
        for i in 1...200 {
            switch results[i] {
            case .success(let v)?: #expect(i % 7 != 0 && v == i * 2)
            case .failure(let e)?: #expect(i % 7 == 0 && "\(e)".contains("item \(i) refused"))
            case nil: Issue.record("no result for \(i)")
            }
        }
        let batches = log.batches
        #expect(batches.flatMap { $0 }.sorted() == Array(1...200))
        #expect(batches.count < 200, "no grouping happened: \(batches.count) transactions")
        #expect(batches.allSatisfy { $0.count <= 50 })
        #expect(committer.totals.items == 200)
        #expect(committer.totals.batches == batches.count)
        #expect(committer.queueDepth == 0)
    }
}

