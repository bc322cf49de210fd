import DocketKit
import Foundation

/// A meeting named on a page, with its link.
struct MeetingLink: Sendable {
    var id: String
    var label: String

    init(_ meeting: MeetingView) {
        id = meeting.id
        label = "\(meeting.definition.board), \(Wording.longDate(meeting.definition.date))"
    }
}

/// One meeting's consideration of a submission as its page shows it: the item, the decision,
/// its actions and the minutes that record it.
struct ConsiderationRow: Sendable {
    struct ActionRow: Sendable {
        var id: String
        var text: String
        var owner: String
        var due: String
        var done: Bool
        var note: String?
    }

    var meeting: String
    var heading: String
    var withheld: Bool
    var hasDecision: Bool
    var decision: String?
    var resolution: [String]
    var vote: String?
    var actions: [ActionRow]
    var minutes: String?
    var minutesState: String?
    var approvedAt: String?
    var signed: String?

    init(_ consideration: BoardConsideration) {
        meeting = consideration.meeting
        var heading = "\(consideration.board), \(Wording.longDate(consideration.date))"
        if let item = consideration.item { heading += ", item \(item): \(consideration.itemTitle ?? "")" }
        self.heading = heading + (consideration.isExempt ? " (exempt)" : "")
        withheld = consideration.isWithheld
        hasDecision = consideration.decision != nil
        decision = consideration.decision.map { DocketArchive.decisionWords($0.type) }
        resolution = consideration.decision.map { DocketArchive.resolutionParagraphs($0.resolution) } ?? []
        vote = consideration.decision?.vote.map(DocketArchive.voteWords)
        actions = consideration.actions.map {
            ActionRow(
                id: $0.action.id, text: $0.action.text, owner: $0.action.owner,
                due: Wording.longDate($0.action.due), done: $0.isDone, note: $0.note)
        }
        minutes = consideration.minutes?.reference
        minutesState = consideration.minutes?.stateLabel
        approvedAt = consideration.minutes?.approvedAt
        signed = consideration.minutes.flatMap { status in
            guard let by = status.signedBy, let when = status.signed else { return nil }
            return "\(by), \(Wording.londonTime(when))"
        }
    }
}
