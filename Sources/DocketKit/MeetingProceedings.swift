import Archive
import Foundation

/// What a meeting's log records of the meeting held: attendance, declarations of interest,
/// decisions and their actions. A pure fold over the log's records, like `MeetingAgenda`.
public struct MeetingProceedings: Sendable, Hashable {
    /// The latest attendance recorded (a correction replaces it), nil before any.
    public private(set) var attendance: MeetingAttendance?
    /// In the order declared.
    public private(set) var declarations: [InterestDeclaration] = []
    /// In the order recorded; one per item.
    public private(set) var decisions: [BoardDecision] = []
    /// The latest update of each action that has one, by action id (board format 3).
    public private(set) var actionUpdates: [String: ActionUpdate] = [:]
    /// The submission carrying the meeting's minutes, once started (board format 3).
    public private(set) var minutesReference: String?

    /// Every action of every decision, in the order recorded.
    public var actions: [DecisionAction] { decisions.flatMap(\.actions) }

    /// Whether anything of the meeting held is recorded yet.
    public var isEmpty: Bool { attendance == nil && declarations.isEmpty && decisions.isEmpty }

    /// Folds a meeting's log.
    public init(log: some Sequence<BoardRecord>) {
        for record in log { apply(record) }
    }

    /// Folds in one more record of the log.
    public mutating func apply(_ record: BoardRecord) {
        switch record {
        case .attendance(let recorded): attendance = recorded
        case .declaration(let declaration): declarations.append(declaration)
        case .decision(let decision): decisions.append(decision)
        case .actionUpdate(let update): actionUpdates[update.action] = update
        case .minutes(let reference): minutesReference = reference
        case .seriesDefined, .sectionDefault, .meetingDefined, .agendaOrder, .itemExempt, .itemOpen,
            .agendaPublished, .sectionText:
            // The agenda's records (see `MeetingAgenda`), or another kind of log's.
            break
        }
    }

    /// Whether an action is done (marked done and not reopened since).
    public func isDone(_ action: String) -> Bool {
        actionUpdates[action]?.status == .done
    }

    /// The proceedings without anything about the items numbered `exempt`: their decisions
    /// (with their actions and action updates) and declarations on them.
    public func leavingOut(items exempt: Set<Int>) -> MeetingProceedings {
        var kept = self
        kept.decisions = decisions.filter { !exempt.contains($0.item) }
        kept.declarations = declarations.filter { declaration in declaration.item.map { !exempt.contains($0) } ?? true }
        let actions = Set(kept.actions.map(\.id))
        kept.actionUpdates = actionUpdates.filter { actions.contains($0.key) }
        return kept
    }

    /// The decision recorded for an agenda item, if any.
    public func decision(forItem number: Int) -> BoardDecision? {
        decisions.first { $0.item == number }
    }
}
