import Foundation
import Store
import Testing
@testable import Reports

@Suite struct WorkflowTests {
    @Test(arguments: [
        (ReportStatus.open, ReportStatus.acknowledged), (.acknowledged, .inProgress), (.open, .inProgress), (.inProgress, .closed), (.open, .closed),
    ])
    func forwardMovesAreAllowed(from: ReportStatus, to: ReportStatus) throws {
        let reopened = try Workflow.check(from: from, to: to, resolution: to == .closed ? .fixed : nil, note: "checked on site")
        #expect(!reopened)
    }

    @Test(arguments: [
        (ReportStatus.acknowledged, ReportStatus.open), (.inProgress, .acknowledged), (.closed, .inProgress), (.open, .open), (.closed, .closed),
    ])
    func otherMovesAreRefused(from: ReportStatus, to: ReportStatus) {
        #expect(throws: WorkflowError.invalidTransition(from: from, to: to)) {
            try Workflow.check(from: from, to: to, resolution: to == .closed ? .fixed : nil, note: "x")
        }
    }

    @Test func reopeningNotesAndResolutions() throws {
        #expect(try Workflow.check(from: .closed, to: .open, resolution: nil, note: "came back after the frost"))
        #expect(throws: WorkflowError.missingNote) { try Workflow.check(from: .open, to: .acknowledged, resolution: nil, note: "  ") }
        #expect(throws: WorkflowError.missingResolution) { try Workflow.check(from: .open, to: .closed, resolution: nil, note: "done") }
        #expect(throws: WorkflowError.unexpectedResolution) { try Workflow.check(from: .open, to: .inProgress, resolution: .fixed, note: "x") }
    }

    @Test func movesAreRecordedAsHistory() async throws {
        let w = try await IntakeWorkspace()
        let id = try await w.intake.submit(Submission(serviceCode: "graffiti", lat: "54.9", long: "23.93")).report.id
        _ = try await Workflow.move(id, to: .acknowledged, resolution: nil, note: "Seen", by: nil, store: w.store)
        let (closed, update) = try await Workflow.move(id, to: .closed, resolution: .fixed, note: "Painted over", by: nil, store: w.store)
        #expect(closed.details.status == .closed && closed.details.resolution == .fixed && closed.statusNotes == "Painted over")
        #expect(closed.details.closedAt != nil && update.status == .closed)
        let (reopened, last) = try await Workflow.move(id, to: .open, resolution: nil, note: "It is back", by: nil, store: w.store)
        #expect(reopened.details.status == .open && reopened.details.resolution == nil && reopened.details.closedAt == nil)
        #expect(last.reopened)
        #expect(try await w.store.updates(reportId: id).map(\.note) == ["Seen", "Painted over", "It is back"])
        await #expect(throws: WorkflowError.notFound(999)) {
            try await Workflow.move(999, to: .acknowledged, resolution: nil, note: "x", by: nil, store: w.store)
        }
        // A stale view loses to the change made meanwhile.
        await #expect(throws: StoreError.conflict("report \(id) is open now, not in_progress: reload it and try again")) {
            try await w.store.applyUpdate(reportId: id, expected: .inProgress, status: .closed, resolution: .fixed, reopened: false,
                                          note: "x", userId: nil, at: Date())
        }
    }
}
