import Foundation
import Messages
import Store

/// The consultation's start and end. Whether comments are accepted is derived from the clock
/// every time, so a comment sent a second after `end` is refused even if nothing ran at `end`.
public struct ConsultationWindow: Sendable, Hashable {
    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) { self.start = start; self.end = end }

    /// Before `start`: upcoming; from `start` until just before `end`: open; from `end`: closed.
    public func state(at now: Date) -> WindowState {
        if now < start { return .upcoming }
        if now < end { return .open }
        return .closed
    }

    public var days: Double { end.timeIntervalSince(start) / 86_400 }

    /// Refuses a window that ends before it starts or is shorter than `minimumDays`.
    public func validate(minimumDays: Double) throws {
        guard end > start else { throw PlanningError.invalid(.windowEndsBeforeStart) }
        guard days + 1e-9 >= minimumDays else {
            throw PlanningError.invalid(.windowTooShort, ["minimum": .decimal(minimumDays), "days": .decimal(days)])
        }
    }
}

extension Plan {
    public var window: ConsultationWindow? {
        guard let start = consultationStart, let end = consultationEnd else { return nil }
        return ConsultationWindow(start: start, end: end)
    }

    /// True when a comment may be made now: the plan is in `consultation` and its window is open.
    public func acceptsComments(at now: Date) -> Bool {
        stage == .consultation && window?.state(at: now) == .open
    }

    /// Why a comment is refused at `now`, or nil when it is accepted.
    public func commentRefusal(at now: Date) -> Message? {
        let iso = ISO8601DateFormatter()
        switch stage {
        case .draft: return Message(PlanningText.draftNoComments)
        case .consultation:
            guard let window else { return Message(PlanningText.consultationNoWindow) }
            switch window.state(at: now) {
            case .upcoming: return Message(PlanningText.consultationUpcoming, ["start": .text(iso.string(from: window.start))])
            case .closed: return Message(PlanningText.consultationClosed, ["end": .text(iso.string(from: window.end))])
            case .open: return nil
            }
        default: return Message(PlanningText.consultationOver, ["stage": .term(stage)])
        }
    }
}
