import Archive
import Foundation
import Workflow

/// What Docket knows about one open submission when it decides whom to write to.
public struct NotifiableItem: Sendable {
    public var reference: String
    public var title: String
    public var series: String?
    /// The state and what a person calls it.
    public var state: String
    public var stateName: String
    /// The event that entered the state (0: the submission's creation), when, and by whom.
    public var enteredBy: Int
    public var enteredAt: Date
    public var enteredActor: String?
    /// The state's deadline, if it has one.
    public var deadline: CalendarDate?
    /// The roles whose step comes next (transitions out of the state that need no comment:
    /// the way forward, not a withdrawal or a return).
    public var actingRoles: Set<Role>
    /// For a submission sent back (a transition that needed a comment): who should take it up
    /// again (the one who last moved it on from here) and the comment.
    public var sentBack: (user: String, comment: String?)?
    /// An exempt item or a document above OFFICIAL: never described in a mail.
    public var isSensitive: Bool
    /// Where the item is in the web app, from the base address (`/submissions/REF`).
    public var path: String = ""
    /// What a person calls it, when not its reference (a meeting's id for its agenda).
    public var shownAs: String?
    /// Working days before the deadline that "due soon" goes, when the state sets its own.
    public var reminderWorkingDays: Int?
    /// The one person who must act (an action's owner), instead of the acting roles' holders.
    public var owner: String?

}

/// One reason to write to one person about one item.
public struct NotificationReason: Sendable, Hashable {
    public var kind: MessageKind
    public var reference: String
    /// The event number that entered the state the reason is about: with the kind, the
    /// reason's identity (a state entered again is a new deadline, a new reason).
    public var stateEntry: Int
    public var recipient: String

    /// `kind.REF.N.user`: how the reason is named inside a Message-ID.
    public var key: String { "\(kind.rawValue).\(reference).\(stateEntry).\(recipient)" }
}

/// The rules of when to write, as pure functions of the items, the people, the calendar and
/// the day: nothing here reads the archive or the clock.
public struct NotificationPlan: Sendable {
    /// Working days before a deadline that "due soon" is sent.
    public var dueSoonWorkingDays = 2
    /// Working days overdue before the escalation contact is written to.
    public var escalateAfterWorkingDays = 3
    /// A reason whose day came more than this many working days ago is not sent: a first run
    /// on an old archive must not write about last year's events, and a scheduler that was
    /// down for a day still sends what that day should have.
    public var freshForWorkingDays = 5

    public init() {}

    /// Every reason to write today about `item`, to whom: `holders(role)` gives the users who
    /// hold a role now (delegates included); `contact(series)` the escalation contact.
    public func reasons(
        for item: NotifiableItem, today: CalendarDate, calendar: WorkingCalendar,
        holders: (Role) -> [String], contact: (String?) -> String?
    ) -> [NotificationReason] {
        guard calendar.isWorkingDay(today) else { return [] }
        var result: [NotificationReason] = []
        func add(_ kind: MessageKind, _ people: [String]) {
            for person in Set(people).sorted() {
                result.append(
                    NotificationReason(
                        kind: kind, reference: item.reference, stateEntry: item.enteredBy, recipient: person))
            }
        }
        let actors: [String] =
            if let back = item.sentBack {
                [back.user]
            } else if let owner = item.owner {
                [owner]
            } else {
                item.actingRoles.sorted().flatMap(holders).filter { $0 != item.enteredActor }
            }
        func fresh(since day: CalendarDate) -> Bool {
            today >= day && calendar.workingDays(from: day, to: today) <= freshForWorkingDays
        }
        // Only an event someone fired asks for action; a Board deadline only reminds.
        if item.enteredBy > 0, item.enteredActor != nil, fresh(since: calendar.londonDate(of: item.enteredAt)) {
            add(.actionNeeded, actors)
        }
        guard let deadline = item.deadline else { return result }
        let dueSoonFrom = calendar.subtracting(
            workingDays: item.reminderWorkingDays ?? dueSoonWorkingDays, from: deadline)
        let overdueFrom = calendar.adding(workingDays: 1, to: deadline)
        let escalateFrom = calendar.adding(workingDays: escalateAfterWorkingDays, to: deadline)
        // Only the latest stage that applies: after a scheduler was down for days, a reminder
        // that the deadline is near would be wrong.
        if today >= escalateFrom {
            if fresh(since: escalateFrom), let lead = contact(item.series) { add(.escalation, [lead]) }
        } else if today >= overdueFrom {
            if fresh(since: overdueFrom) { add(.overdue, actors) }
        } else if fresh(since: dueSoonFrom) {
            add(.dueSoon, actors)
        }
        return result
    }
}
