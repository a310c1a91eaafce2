import Foundation
import Messages
import Store

/// The status workflow of a report:
///
///     open → acknowledged → in_progress → closed (fixed | duplicate | not_responsible | no_further_action)
///     closed → open (reopen)
///
/// A report moves forward (skipping steps is allowed: a pothole fixed on sight goes from open to
/// closed) or is reopened; it never moves back otherwise. Every change needs a note, and closing
/// needs a resolution. The rules live here and nowhere else.
public enum Workflow {
    /// Who may move reports.
    public static let roles: Set<StaffUser.Role> = [.staff, .admin]

    static let rank: [ReportStatus: Int] = [.open: 0, .acknowledged: 1, .inProgress: 2, .closed: 3]

    /// Checks a change; returns whether it reopens the report.
    public static func check(from current: ReportStatus, to target: ReportStatus, resolution: Resolution?, note: String) throws(WorkflowError) -> Bool {
        guard !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .missingNote }
        guard note.count <= 4_000 else { throw .noteTooLong }
        let reopening = current == .closed && target == .open
        guard reopening || rank[target]! > rank[current]! else { throw .invalidTransition(from: current, to: target) }
        if target == .closed, resolution == nil { throw .missingResolution }
        if target != .closed, resolution != nil { throw .unexpectedResolution }
        return reopening
    }

    /// Moves a report, recording the update; the check and the write are one step for the
    /// store (a concurrent change makes it fail with a conflict rather than overwrite).
    public static func move(_ reportId: Int64, to target: ReportStatus, resolution: Resolution?, note: String,
                            by userId: Int64?, store: any ReportStore, openReports: OpenReportIndex? = nil,
                            at now: Date = Date()) async throws(WorkflowError) -> (Report, ReportUpdate) {
        let report: Report
        do {
            guard let found = try await store.report(id: reportId) else { throw WorkflowError.notFound(reportId) }
            report = found
        } catch let e as WorkflowError { throw e } catch { throw .unavailable("\(error)") }
        let reopened = try check(from: report.details.status, to: target, resolution: resolution, note: note)
        do {
            guard let result = try await store.applyUpdate(reportId: reportId, expected: report.details.status, status: target,
                                                           resolution: resolution, reopened: reopened, note: note, userId: userId, at: now) else {
                throw WorkflowError.notFound(reportId)
            }
            openReports?.update(result.0)
            return result
        } catch let e as WorkflowError { throw e } catch let StoreError.conflict(reason) { throw .conflict(reason) } catch {
            throw .unavailable("\(error)")
        }
    }
}

public enum WorkflowError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(Int64)
    case invalidTransition(from: ReportStatus, to: ReportStatus)
    case missingNote
    case noteTooLong
    case missingResolution
    case unexpectedResolution
    case conflict(String)
    case unavailable(String)

    /// The message (templates in `WorkflowText`), to render in a language.
    public var message: Message {
        switch self {
        case .notFound(let id): Message(WorkflowText.reportNotFound, ["id": .number(id)])
        case .invalidTransition(let from, let to):
            from == to ? Message(WorkflowText.alreadyInStatus, ["status": .term(from)])
                : Message(WorkflowText.invalidTransition, ["from": .term(from), "to": .term(to)])
        case .missingNote: Message(WorkflowText.missingNote)
        case .noteTooLong: Message(WorkflowText.noteTooLong)
        case .missingResolution: Message(WorkflowText.missingResolution)
        case .unexpectedResolution: Message(WorkflowText.unexpectedResolution)
        case .conflict(let reason): Message(WorkflowText.changedMeanwhile, ["reason": .text(reason)])
        case .unavailable(let reason): Message(WorkflowText.notSaved, ["reason": .text(reason)])
        }
    }

    /// The message in English.
    public var description: String { message.description }
}
