import Archive
import DocketKit
import Foundation

// Rows shown on more than one page, each with the one mapping from the library's value.

/// A submission in a list (dashboard, submissions page).
struct SubmissionRow: Sendable {
    var reference: String
    var title: String
    var state: String
    var stateLabel: String
    var deadline: String?
    var overdue: Bool
    /// Who sent it back to its state, and why ("morgan, return-for-redraft: …"), when a list knows.
    var returned: String?
}

extension SubmissionRow {
    /// The one mapping from the library's summary to a list row.
    init(_ summary: SubmissionSummary) {
        self.init(
            reference: summary.reference, title: summary.title, state: summary.state,
            stateLabel: summary.stateLabel, deadline: summary.deadline?.description, overdue: summary.isOverdue,
            returned: summary.returnNote.map { "Sent back by \($0.user) (\($0.event)): “\($0.comment)”" })
    }
}

/// Something due soon: a deadline, a report, a meeting's publication.
struct DueRow: Sendable {
    var date: String
    var what: String
    var subject: String
    var who: String
    var overdue: Bool
}

extension DueRow {
    /// The one mapping from a due item to a row.
    init(_ due: DueItem) {
        self.init(
            date: due.date.description, what: due.what, subject: due.subject, who: due.who.joined(separator: ", "),
            overdue: due.isOverdue)
    }
}

struct MeetingRow: Sendable {
    var id: String
    var board: String
    var date: String
    var published: Bool
    var items: Int
}

extension MeetingRow {
    /// The one mapping from a meeting to a row of a list of meetings.
    init(_ meeting: MeetingView) {
        self.init(
            id: meeting.id, board: meeting.definition.board, date: Wording.longDate(meeting.definition.date),
            published: meeting.publications > 0, items: meeting.items.filter { $0.kind == .submission }.count)
    }
}

struct SeriesRow: Sendable {
    var id: String
    var title: String
    var nextDue: String
    var nextNumber: String
    var overdue: Bool
}

extension SeriesRow {
    /// The one mapping from a series to a row of a list of series.
    init(_ series: SeriesView) {
        self.init(
            id: series.id, title: series.definition.title, nextDue: series.nextDue.date.description,
            nextNumber: Wording.ordinal(series.nextDue.number), overdue: series.isOverdue)
    }
}

extension DocumentMetadata {
    /// The addressees as one line (`A; B`), or nil when there are none.
    var addresseesLine: String? {
        addressees.isEmpty ? nil : addressees.map(\.description).joined(separator: "; ")
    }
}
