import Foundation
import Workflow

/// How a series numbers its submissions, as a pure function of what each submission's
/// history says: no archive, no clock, so the rules are tested as plain values.
///
/// Numbers follow the order updates were sent, then (for those not sent yet) the order they
/// were started: a number, once an update has gone, never changes, whatever happens to drafts
/// started before it. Withdrawn drafts take no number.
public struct SeriesNumbering: Sendable {
    /// What numbering needs to know of one submission of the series.
    public struct Facts: Sendable, Hashable {
        public var reference: String
        public var title: String
        public var state: String
        public var created: Date
        /// The business date it was sent (the last `dispatched-on` recorded), once dispatched.
        public var dispatchedOn: CalendarDate?
        /// When the transition recording `dispatched-on` was made: orders two sent the same day.
        public var dispatchRecordedAt: Date?
        /// The business date the response arrived (the last `received-on` recorded).
        public var receivedOn: CalendarDate?

        public init(
            reference: String, title: String, state: String, created: Date, dispatchedOn: CalendarDate? = nil,
            dispatchRecordedAt: Date? = nil, receivedOn: CalendarDate? = nil
        ) {
            self.reference = reference
            self.title = title
            self.state = state
            self.created = created
            self.dispatchedOn = dispatchedOn
            self.dispatchRecordedAt = dispatchRecordedAt
            self.receivedOn = receivedOn
        }
    }

    public var cadence: Cadence
    /// When the first update was due.
    public var firstDue: CalendarDate

    public init(cadence: Cadence, firstDue: CalendarDate) {
        self.cadence = cadence
        self.firstDue = firstDue
    }

    /// The members in number order (withdrawn drafts where their start puts them, unnumbered),
    /// each with its number and the date it was due.
    public func members(_ facts: [Facts]) -> [SeriesMember] {
        let sorted = facts.sorted { lhs, rhs in
            switch (lhs.dispatchedOn, rhs.dispatchedOn) {
            case (let left?, let right?):
                let leftTime = lhs.dispatchRecordedAt ?? lhs.created
                let rightTime = rhs.dispatchRecordedAt ?? rhs.created
                return (left, leftTime, lhs.reference) < (right, rightTime, rhs.reference)
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return (lhs.created, lhs.reference) < (rhs.created, rhs.reference)
            }
        }
        var number = 0
        return sorted.map { facts in
            var member = SeriesMember(
                number: nil, reference: facts.reference, title: facts.title, state: facts.state,
                created: facts.created, dispatchedOn: facts.dispatchedOn, receivedOn: facts.receivedOn, due: nil)
            if facts.state != WorkflowField.withdrawnState {
                number += 1
                member.number = number
                member.due = cadence.date(number - 1, periodsAfter: firstDue)
            }
            return member
        }
    }

    /// The next update due: the first numbered member not yet dispatched, else the one after
    /// the last; with the date it is (or was) due.
    public func nextDue(after members: [SeriesMember]) -> (number: Int, date: CalendarDate) {
        let last = members.compactMap(\.number).max() ?? 0
        let pending = members.first { $0.number != nil && $0.dispatchedOn == nil }?.number ?? (last + 1)
        return (pending, cadence.date(pending - 1, periodsAfter: firstDue))
    }
}
