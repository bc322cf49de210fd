import Archive
import Foundation
import Index
import Workflow

/// A state and how many submissions are in it (a Sendable pair for the view cache).
private struct StateCount: Sendable {
    var state: String
    var count: Int
}

extension DocketArchive {
    /// Submissions whose current state has an event this user's roles may fire: what is
    /// waiting for them. From the index (no replay), most recently active first; the
    /// submission page then checks the event itself against the pinned workflow. One sent back
    /// to its state with a comment carries that comment (read from its events).
    public func waiting(for user: String, limit: Int = 50) throws(DocketError) -> [SubmissionSummary] {
        let actor = try actor(user)
        let held = Set(actor.grants.map(\.role))
        var keys: Set<String> = []
        var states: Set<String> = []
        let definitions = try workflows()
        let labels = StateLabels(definitions)
        // Only a submission in a state it can be sent back to may carry a note: the rest are
        // answered from the index alone.
        var returnedTo: Set<String> = []
        for definition in definitions {
            returnedTo.formUnion(definition.statesReturnedTo.map { "\(definition.name)/\($0)" })
            for state in definition.states where !state.isFinal {
                if state.transitions.contains(where: { !$0.roles.isDisjoint(with: held) }) {
                    keys.insert("\(definition.name)/\(state.id)")
                    states.insert(state.id)
                }
            }
        }
        let index = try index()
        let lines = try indexCall { () throws(IndexError) in
            try index.submissionLines(inStates: states.sorted(), limit: limit * 4)
        }
        let today = self.today()
        var summaries: [SubmissionSummary] = []
        for line in lines where keys.contains("\(line.workflow)/\(line.state)") {
            guard summaries.count < limit else { break }
            var summary = SubmissionSummary(indexed: line, today: today, labels: labels)
            if returnedTo.contains("\(line.workflow)/\(line.state)") {
                // A note is an aid: a submission that cannot be read shows without one here, and
                // its own page says what is wrong.
                if let current = try? readSubmission(line.reference) {
                    summary.returnNote = SubmissionView.returnNote(current.events.map(\.event), in: current.definition)
                }
            }
            summaries.append(summary)
        }
        return summaries
    }

    /// Submissions by state, from the index (counted again only after the archive changed:
    /// counting reads every submission's index entry, 14 ms at 125,000).
    public func stateCounts() throws(DocketError) -> [(state: String, count: Int)] {
        let index = try index()
        let counts = try derived("state-counts") { () throws(DocketError) in
            try indexCall { () throws(IndexError) in try index.stateCounts() }.map {
                StateCount(state: $0.state, count: $0.count)
            }
        }
        return counts.map { ($0.state, $0.count) }
    }

    /// A page of submissions, optionally in one state, most recently active first.
    public func submissionLines(inState state: String? = nil, limit: Int = 50, offset: Int = 0) throws(DocketError)
        -> [SubmissionSummary]
    {
        let index = try index()
        let today = self.today()
        let labels = try stateLabels()
        return try indexCall { () throws(IndexError) in
            try index.submissionLines(inStates: state.map { [$0] }, limit: limit, offset: offset)
        }.map { SubmissionSummary(indexed: $0, today: today, labels: labels) }
    }

    /// Today's date in London by the archive's clock (what deadlines are compared with).
    public func today() -> CalendarDate {
        calendar.today(now())
    }

    /// Meetings on or after today (by the archive's clock), soonest first.
    public func upcomingMeetings() throws(DocketError) -> [MeetingView] {
        let today = self.today()
        var upcoming: [MeetingView] = []
        for id in meetingIDs() {
            let meeting = try meeting(id)
            if meeting.definition.date >= today { upcoming.append(meeting) }
        }
        return upcoming.sorted { ($0.definition.date, $0.id) < ($1.definition.date, $1.id) }
    }

}

extension SubmissionSummary {
    /// A summary from the index's line, overdue when its deadline is before `today`.
    init(indexed line: SearchIndex.SubmissionLine, today: CalendarDate, labels: StateLabels) {
        let deadline = line.deadline.flatMap(CalendarDate.init(iso:))
        self.init(
            reference: line.reference, title: line.title, workflow: line.workflow, state: line.state,
            stateLabel: labels.label(of: line.state, in: line.workflow), deadline: deadline,
            isOverdue: !line.isFinal && deadline.map { today > $0 } == true,
            lastActivity: line.lastActivity)
    }
}
