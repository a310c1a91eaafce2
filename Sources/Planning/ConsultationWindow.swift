import Foundation
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
        guard end > start else { throw PlanningError.invalid("the consultation must end after it starts") }
        guard days + 1e-9 >= minimumDays else {
            throw PlanningError.invalid(String(format: "the consultation must last at least %g days; this one lasts %.2f", minimumDays, days))
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
    public func commentRefusal(at now: Date) -> String? {
        let iso = ISO8601DateFormatter()
        switch stage {
        case .draft: return "the plan is a draft: its consultation has not been opened, so no comments are accepted yet"
        case .consultation:
            guard let window else { return "the consultation has no start and end" }
            switch window.state(at: now) {
            case .upcoming: return "the consultation opens at \(iso.string(from: window.start)); no comments are accepted before then"
            case .closed: return "the consultation closed at \(iso.string(from: window.end)); no more comments are accepted"
            case .open: return nil
            }
        default: return "the consultation is over: the plan is in the \(stage.rawValue) stage, where no comments are accepted"
        }
    }
}
