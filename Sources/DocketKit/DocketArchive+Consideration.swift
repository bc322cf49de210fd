import Archive
import Foundation
import Workflow

/// An action of a Board decision with where it stands.
public struct ConsideredAction: Sendable, Hashable {
    public var action: DecisionAction
    public var isDone: Bool
    /// What was done (or why it was reopened), when an update gave a note.
    public var note: String?
}

/// One meeting's consideration of a submission: its agenda item, the Board's decision and its
/// actions, and the minutes that record them. The end of a submission's thread.
public struct BoardConsideration: Sendable, Hashable {
    public var meeting: String
    public var board: String
    public var date: CalendarDate
    /// Its number and title on the published agenda, once published.
    public var item: Int?
    public var itemTitle: String?
    /// The item is exempt (Schedule 12A) at this meeting.
    public var isExempt: Bool
    /// The asking user may not see exempt items: the decision and actions are left out.
    public var isWithheld: Bool
    /// The decision, once recorded (nil when withheld).
    public var decision: BoardDecision?
    public var actions: [ConsideredAction]
    /// The meeting's minutes, once drafted.
    public var minutes: MinutesStatus?
}

extension DocketArchive {
    /// Every meeting a submission was scheduled for, in order, with what each decided and the
    /// minutes that record it, as `user` may see it (nil: everything, for the command line's
    /// archive owner).
    public func boardConsiderations(of reference: String, for user: String? = nil) throws(DocketError)
        -> [BoardConsideration]
    {
        let view = try submission(reference)
        var meetings: [String] = []
        for event in view.events {
            guard case .transition(let transition) = event.body,
                let meeting = transition.fields[WorkflowField.meeting], !meetings.contains(meeting)
            else { continue }
            meetings.append(meeting)
        }
        let maySeeExempt =
            try user.map { (name: String) throws(DocketError) in
                try permissions(for: name).maySeeExemptItems
            } ?? true
        var considerations: [BoardConsideration] = []
        for id in meetings where store.boardLogExists(.meeting, id) {
            let meeting = try self.meeting(id)
            let proceedings = try proceedings(of: id)
            let item = meeting.items.first { $0.reference == reference && $0.isPublished }
            let isExempt = item?.exemptParagraph != nil
            let isWithheld = isExempt && !maySeeExempt
            let decision = isWithheld ? nil : item.flatMap { proceedings.decision(forItem: $0.number) }
            considerations.append(
                BoardConsideration(
                    meeting: id, board: meeting.definition.board, date: meeting.definition.date, item: item?.number,
                    itemTitle: item?.title, isExempt: isExempt, isWithheld: isWithheld, decision: decision,
                    actions: (decision?.actions ?? []).map { action in
                        let update = proceedings.actionUpdates[action.id]
                        return ConsideredAction(
                            action: action, isDone: update?.status == .done,
                            note: update.flatMap { $0.note.isEmpty ? nil : $0.note })
                    },
                    minutes: try minutesStatus(of: id, for: user)))
        }
        return considerations
    }
}
