import Archive
import DocketKit
import Foundation
import Index
import Workflow

/// The stable JSON form of `submission show`.
struct SubmissionJSON: Encodable {
    var reference: String
    var title: String
    var series: String?
    var service: String?
    var workflow: String
    var workflowDigest: String
    var state: String
    var final: Bool
    var sequence: Int
    var deadline: String?
    var overdue: Bool
    var allowedNow: [String]
    var documents: [Document]
    /// Documents that left the pack (still archived).
    var departed: [Departed]
    var events: [Event]
    /// Each meeting that considered it: item, decision, actions, minutes.
    var board: [Consideration] = []

    struct Consideration: Encodable {
        var meeting: String
        var board: String
        var date: String
        var item: Int?
        var exempt: Bool
        var withheld: Bool
        var decision: String?
        var resolution: String?
        var actions: [Action]
        var minutes: String?
        var minutesState: String?
        var approvedAt: String?
        var signedBy: String?

        struct Action: Encodable {
            var id: String
            var text: String
            var owner: String
            var due: String
            var done: Bool
        }

        init(_ consideration: BoardConsideration) {
            meeting = consideration.meeting
            board = consideration.board
            date = consideration.date.description
            item = consideration.item
            exempt = consideration.isExempt
            withheld = consideration.isWithheld
            decision = consideration.decision?.type.rawValue
            resolution = consideration.decision?.resolution
            actions = consideration.actions.map {
                Action(
                    id: $0.action.id, text: $0.action.text, owner: $0.action.owner, due: $0.action.due.description,
                    done: $0.isDone)
            }
            minutes = consideration.minutes?.reference
            minutesState = consideration.minutes?.state
            approvedAt = consideration.minutes?.approvedAt
            signedBy = consideration.minutes?.signedBy
        }
    }

    struct Departed: Encodable {
        var sha256: String
        var kind: String
        var title: String
        /// The event that took it out.
        var sequence: Int
        var reason: String?
        var replacedBy: String?
    }

    struct Document: Encodable {
        var sha256: String
        var kind: String
        var title: String
        var annex: String?
        var date: String?
        var from: String?
        var to: [String]
        var direction: String
        var format: String
        var size: Int
        var originalFileName: String
    }

    struct Event: Encodable {
        var sequence: Int
        var time: Date
        var actor: String
        var onBehalfOf: String?
        var role: String?
        var systemUser: String
        var kind: String
        var event: String?
        var from: String?
        var to: String?
        var comment: String?
        var fields: [String: String]?
        var document: String?
        /// The document an addition replaced (it left the pack).
        var replaces: String?
    }

    init(_ view: SubmissionView) {
        reference = view.record.reference
        title = view.record.title
        series = view.record.series
        service = view.record.service
        workflow = view.record.workflowName
        workflowDigest = view.record.workflowDigest
        state = view.state
        final = view.isFinal
        sequence = view.sequence
        deadline = view.deadline?.description
        overdue = view.isOverdue
        allowedNow = view.allowedNow
        documents = view.documents.map {
            Document(
                sha256: $0.sha256, kind: $0.kind.rawValue, title: $0.title, annex: $0.annex,
                date: $0.date?.description, from: $0.creator?.description, to: $0.addressees.map(\.description),
                direction: $0.direction.rawValue, format: $0.format, size: $0.size,
                originalFileName: $0.originalFileName)
        }
        departed = view.departedDocuments.map {
            Departed(
                sha256: $0.metadata.sha256, kind: $0.metadata.kind.rawValue, title: $0.metadata.title,
                sequence: $0.departure.sequence, reason: $0.departure.reason, replacedBy: $0.departure.replacedBy)
        }
        events = view.events.map { event in
            var row = Event(
                sequence: event.sequence, time: event.time, actor: event.actor.user,
                onBehalfOf: event.actor.onBehalfOf, role: event.actor.role?.rawValue,
                systemUser: event.actor.systemUser, kind: "transition")
            switch event.body {
            case .transition(let transition):
                row.event = transition.name
                row.from = transition.from
                row.to = transition.to
                row.comment = transition.comment
                row.fields = transition.fields
            case .documentAdded(let document, _, let replaced):
                row.kind = "document-added"
                row.document = document.sha256
                row.replaces = replaced
            case .documentRemoved(let document, let reason):
                row.kind = "document-removed"
                row.document = document.sha256
                row.comment = reason
            case .correspondenceFiled(let filing):
                row.kind = "correspondence-filed"
                row.document = filing.message
                row.comment = filing.rule.wording
            case .recordsDisposed(let disposal):
                row.kind = disposal.action == .destroy ? "records-destroyed" : "records-transferred"
                row.comment = disposal.summary
            }
            return row
        }
    }
}

/// The text form of `submission show`.
enum SubmissionText {
    static func render(
        _ view: SubmissionView, board: (meeting: MeetingView, item: AgendaItem?, reportDue: CalendarDate?)? = nil,
        considerations: [BoardConsideration] = []
    ) -> String {
        var lines = ["\(view.record.reference): \(view.record.title)"]
        if let service = view.record.service { lines.append("Service:   \(service)") }
        if let series = view.record.series { lines.append("Series:    \(series)") }
        lines.append("Workflow:  \(view.record.workflowName) (\(view.record.workflowDigest.prefix(12)))")
        // The label for the reader, the id for the next command they type.
        var state = "State:     \(view.workflow.stateLabel(view.state)) (\(view.state))"
        if let deadline = view.deadline {
            state += "  (deadline \(deadline)\(view.isOverdue ? ", OVERDUE" : ""))"
        }
        lines.append(state)
        if let board {
            let definition = board.meeting.definition
            var line = "Board:     \(board.meeting.id), \(definition.board), \(Wording.longDate(definition.date))"
            if let item = board.item, item.isPublished { line += ", item \(item.number)" }
            if let due = board.reportDue { line += "; report due \(due)" }
            lines.append(line)
        }
        for (index, event) in view.allowedNow.enumerated() {
            lines.append(
                (index == 0 ? "You may:   " : "           ")
                    + "\(event)  (\(view.workflow.eventLabel(event, from: view.state)))")
        }
        lines.append("\nDocuments")
        if view.documents.isEmpty { lines.append("  (none)") }
        for document in view.documents {
            let annex = document.annex.map { " [Annex \($0)]" } ?? ""
            lines.append("  \(document.sha256.prefix(12))  \(document.kind.rawValue)\(annex)  \(document.title)")
        }
        if !view.departedDocuments.isEmpty {
            lines.append("\nLeft the pack (still archived)")
            for departed in view.departedDocuments {
                let how = departed.departure.replacedBy.map { "replaced by \($0.prefix(12))" } ?? "removed"
                lines.append(
                    "  \(departed.metadata.sha256.prefix(12))  \(departed.metadata.kind.rawValue)  "
                        + "\(departed.metadata.title)  (\(how), event \(departed.departure.sequence))")
            }
        }
        lines.append("\nHistory")
        for event in view.events {
            let who = event.actor.user + (event.actor.onBehalfOf.map { " for \($0)" } ?? "")
            let when = Wording.londonTime(event.time)
            switch event.body {
            case .transition(let transition):
                let workflow = view.workflow
                var line =
                    "  \(event.sequence). \(when)  \(who)  \(workflow.eventLabel(transition.name, from: transition.from)): "
                    + "\(workflow.stateLabel(transition.from)) → \(workflow.stateLabel(transition.to))"
                if !transition.fields.isEmpty {
                    line +=
                        "  "
                        + transition.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                        .joined(separator: " ")
                }
                lines.append(line)
                if let comment = transition.comment { lines.append("       “\(comment)”") }
            case .documentAdded(let document, _, let replaced):
                lines.append(
                    "  \(event.sequence). \(when)  \(who)  added \(document.kind.rawValue) '\(document.name)'"
                        + (replaced.map { ", replacing \($0.prefix(12))" } ?? ""))
            case .documentRemoved(let document, let reason):
                lines.append(
                    "  \(event.sequence). \(when)  \(who)  removed \(document.kind.rawValue) '\(document.name)' "
                        + "from the pack")
                lines.append("       “\(reason)”")
            case .correspondenceFiled(let filing):
                lines.append(
                    "  \(event.sequence). \(when)  \(who)  filed the email '\(filing.documents.first?.document.name ?? "")' "
                        + "(\(filing.rule.wording); outside the pack)")
            case .recordsDisposed(let disposal):
                lines.append("  \(event.sequence). \(when)  \(who)  \(disposal.summary)")
            }
        }
        lines += considerationLines(considerations)
        return lines.joined(separator: "\n")
    }

    /// The end of the thread: each meeting's item, decision, actions and minutes.
    static func considerationLines(_ considerations: [BoardConsideration]) -> [String] {
        guard !considerations.isEmpty else { return [] }
        var lines = ["\nBoard consideration"]
        for consideration in considerations {
            var line =
                "  \(consideration.meeting), \(consideration.board), \(Wording.longDate(consideration.date))"
            if let item = consideration.item { line += ", item \(item): \(consideration.itemTitle ?? "")" }
            lines.append(line + (consideration.isExempt ? " (exempt)" : ""))
            if consideration.isWithheld {
                lines.append("    Decision: exempt, in the confidential part of the minutes")
            } else if let decision = consideration.decision {
                lines.append("    Decision: \(decision.type.words)")
                for paragraph in DocketArchive.resolutionParagraphs(decision.resolution) {
                    lines.append("      \(paragraph)")
                }
                if let vote = decision.vote { lines.append("    Vote: \(DocketArchive.voteWords(vote))") }
            } else if consideration.item != nil {
                lines.append("    Decision: not recorded yet")
            }
            for considered in consideration.actions {
                let action = considered.action
                lines.append(
                    "    Action \(action.id): \(action.text) (\(action.owner), due \(action.due)) "
                        + (considered.isDone ? "done" : "open") + (considered.note.map { ": \($0)" } ?? ""))
            }
            if let minutes = consideration.minutes {
                lines.append("    Minutes: \(minutes.reference), \(minutes.stateLabel.lowercased())")
                lines += MinutesCommand.approvalLines(minutes).map { "      \($0)" }
            }
        }
        return lines
    }

    /// An instant as Europe/London wall-clock time.
}

/// The text form of `submission show --thread`.
enum ThreadText {
    static func render(_ entries: [DocumentHit], of reference: String) -> String {
        guard !entries.isEmpty else { return "\(reference): no documents yet" }
        let titles = Dictionary(entries.map { ($0.sha256, $0.title) }, uniquingKeysWith: { first, _ in first })
        var rows = [["DATE", "KIND", "SUBMISSION", "TITLE", "FROM", "LINK"]]
        for entry in entries {
            let link = entry.relations.first.map { relation in
                "\(relation.kind) \(titles[relation.target] ?? String(relation.target.prefix(12)))"
            }
            rows.append([
                entry.date ?? "undated", entry.kind, entry.reference,
                entry.annex.map { "Annex \($0): \(entry.title)" } ?? entry.title, entry.creator ?? "", link ?? "",
            ])
        }
        return table(rows)
    }
}
