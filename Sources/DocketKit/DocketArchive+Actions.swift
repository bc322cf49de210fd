import Archive
import Foundation
import Reports
import Workflow

/// One action of a Board decision as the register of actions shows it: where it comes from,
/// whose it is, when it is due, and whether it is done.
public struct ActionLine: Sendable, Hashable {
    /// Where an action stands.
    public enum Status: Sendable, Hashable {
        /// Not done yet; `reopened` carries the last reopening, when there was one.
        case open(reopened: ActionMark?)
        /// Marked done (and not reopened since).
        case done(ActionMark)

        /// The same status with its note taken out (for a reader not cleared for the item).
        var withoutNote: Status {
            func blank(_ mark: ActionMark) -> ActionMark {
                var mark = mark
                mark.note = ""
                return mark
            }
            switch self {
            case .open(let reopened): return .open(reopened: reopened.map(blank))
            case .done(let mark): return .done(blank(mark))
            }
        }
    }

    public var meeting: String
    public var meetingDate: CalendarDate
    public var board: String
    /// The agenda item number of the decision.
    public var item: Int
    /// The decision's submission, when the item is one.
    public var reference: String?
    /// The action's id in its meeting (`A4.1`).
    public var id: String
    /// What must be done; `ActionLine.withheldText` for a reader not cleared for an exempt item.
    public var text: String
    /// A Docket user name.
    public var owner: String
    public var due: CalendarDate
    public var status: Status
    /// Open and due before today (by the archive's clock).
    public var isOverdue: Bool
    /// The decision is on an item exempt from publication: its text is restricted material.
    public var isExempt: Bool
    /// The text is withheld from the reader.
    public var isWithheld: Bool
    /// How many entries the meeting's log had when this was read: pass it back as
    /// `expectedLogSequence` so that a change made meanwhile is refused.
    public var logLength: Int

    public var isDone: Bool {
        if case .done = status { return true }
        return false
    }

    /// What stands for an exempt item's action text for a reader not cleared for it.
    public static let withheldText = "(withheld: an action of an item exempt from publication)"
}

/// Who marked an action done or reopened it, when, and the note they gave.
public struct ActionMark: Sendable, Hashable {
    public var user: String
    public var onBehalfOf: String?
    public var time: Date
    public var note: String
}

extension Permissions {
    /// Mark anyone's action done or reopen it, and see everyone's (an owner marks their own).
    public var mayUpdateAnyAction: Bool { !roles.isDisjoint(with: DocketArchive.actionRoles) }
}

/// Tracking the actions of the Board's decisions to done (board format 3): marking them done
/// or reopened in their meeting's log, and the register of actions across every meeting.
extension DocketArchive {
    /// Who may mark anyone's action done or reopen it (an action's owner may mark their own).
    public static let actionRoles: Set<Role> = [.clerk, .admin]

    /// Marks an action of a meeting's decision done.
    ///
    /// - Parameters:
    ///   - note: what was done; may be empty.
    ///   - expectedLogSequence: refuse unless the meeting's log still ends at this entry (the
    ///     view the user acted on).
    /// - Returns: the action as it now stands.
    /// - Throws: `notPermitted` for anyone but the action's owner, a clerk or an administrator;
    ///   `invalidInput` for an unknown action (listing the meeting's actions) or one already
    ///   done; `boardLogChanged` for a stale view or a writer who got there first.
    @discardableResult
    public func completeAction(
        meeting id: String, action: String, note: String = "", as user: String, expectedLogSequence: Int? = nil
    ) throws(DocketError) -> ActionLine {
        try updateAction(
            meeting: id, action: action, to: .done, note: note, as: user, expectedLogSequence: expectedLogSequence)
    }

    /// Reopens an action marked done, saying why.
    ///
    /// - Throws: as `completeAction`; `invalidInput` for an action that is not done or a blank note.
    @discardableResult
    public func reopenAction(
        meeting id: String, action: String, note: String, as user: String, expectedLogSequence: Int? = nil
    ) throws(DocketError) -> ActionLine {
        try updateAction(
            meeting: id, action: action, to: .reopened, note: note, as: user, expectedLogSequence: expectedLogSequence)
    }

    /// The register of actions across every meeting, soonest due first.
    ///
    /// An exempt item's action is restricted material: its text is withheld from a reader not
    /// cleared for exempt items (and from the public register), and each one a cleared reader
    /// is shown is recorded in the access log as a view, as the decisions register does.
    ///
    /// - Parameters:
    ///   - owner: only this user's actions.
    ///   - includeDone: done actions too (otherwise only open ones).
    ///   - meeting: only this meeting's actions.
    ///   - reader: who reads the register; nil for the public register (exempt items' action
    ///     text withheld, nothing recorded).
    ///   - address: where the reader is (the web app's client), for the access log.
    /// - Throws: `notFound` for an unknown meeting; what recording a view throws (a restricted
    ///   view that cannot be recorded is not shown).
    public func actions(
        owner: String? = nil, includeDone: Bool = false, meeting: String? = nil, for reader: String? = nil,
        from address: String? = nil
    ) throws(DocketError) -> [ActionLine] {
        if let meeting { try requireMeeting(meeting) }
        let readerPermissions = try reader.map { (user: String) throws(DocketError) in try permissions(for: user) }
        let cleared = readerPermissions?.isCleared ?? false
        let today = self.today()
        let lines = try actionRegister().compactMap { line -> ActionLine? in
            guard owner.map({ $0 == line.owner }) ?? true, meeting.map({ $0 == line.meeting }) ?? true,
                includeDone || !line.isDone
            else { return nil }
            var line = line
            line.isOverdue = !line.isDone && today > line.due
            if line.isExempt, !cleared {
                line.text = ActionLine.withheldText
                line.isWithheld = true
                // What was done (or why it was reopened) can say as much as the action's text.
                line.status = line.status.withoutNote
            }
            return line
        }
        if let readerPermissions, cleared {
            try recordExemptViews(lines.filter(\.isExempt), by: readerPermissions, from: address)
        }
        return lines
    }

    /// Records a cleared reader's view of each exempt item's action shown to them.
    func recordExemptViews(_ lines: [ActionLine], by permissions: Permissions, from address: String?)
        throws(DocketError)
    {
        guard !lines.isEmpty else { return }
        let exempt = try exemptSubmissions()
        for line in lines {
            guard let reference = line.reference, let found = exempt[reference] else { continue }
            try recordRestricted(
                .view, by: permissions, item: reference, what: "action \(line.id) of \(line.meeting)",
                withholding: .exempt(meeting: found.meeting, paragraph: found.paragraph), from: address)
        }
    }

    // MARK: - Writing

    private func updateAction(
        meeting id: String, action: String, to status: ActionUpdate.Status, note: String, as user: String,
        expectedLogSequence: Int?
    ) throws(DocketError) -> ActionLine {
        try requireMeeting(id)
        let entries = try boardLog(.meeting, id)
        if let expectedLogSequence, expectedLogSequence != entries.count {
            throw .boardLogChanged(kind: "meeting", id: id, expected: expectedLogSequence, actual: entries.count)
        }
        let proceedings = MeetingProceedings(log: entries.map(\.entry.record))
        guard let found = proceedings.actions.first(where: { $0.id == action }) else {
            let known = proceedings.actions.map(\.id)
            throw .invalidInput(
                "\(id) has no action \(action) ("
                    + (known.isEmpty
                        ? "no decision of it has actions" : "its actions: " + known.joined(separator: ", "))
                    + ")")
        }
        let verb = status == .done ? "mark action \(action) of \(id) done" : "reopen action \(action) of \(id)"
        let grant = try actionGrant(of: user, owner: found.owner, to: verb)
        try requireActionSchema()
        let isDone = proceedings.isDone(action)
        switch status {
        case .done where isDone:
            throw .invalidInput("action \(action) of \(id) is already done; reopen it first to change what was done")
        case .reopened where !isDone:
            throw .invalidInput("action \(action) of \(id) is open, not done: only a done action can be reopened")
        case .reopened where note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
            throw .invalidInput("say why action \(action) of \(id) is reopened (a note)")
        case .done, .reopened:
            break
        }
        // The length the checks above were made on: a writer who got there first makes this
        // one fail (`boardLogChanged`), so an action is never marked done twice.
        try appendBoard(
            .meeting, id,
            .actionUpdate(
                ActionUpdate(
                    action: action, status: status, note: note.trimmingCharacters(in: .whitespacesAndNewlines))),
            user: user, grant: grant, expectedLength: entries.count)
        let exempt = try exemptSubmissions()
        let lines = Self.actionLines(of: id, in: try boardLog(.meeting, id)) { exempt[$0] != nil }
        guard var line = lines.first(where: { $0.id == action }) else {
            fatalError("action \(action) of \(id) was found before the update and is gone after it")
        }
        line.isOverdue = !line.isDone && today() > line.due
        return line
    }

    /// The grant `user` marks an action with: a clerk's or an administrator's, else, for the
    /// action's owner, their own role.
    private func actionGrant(of user: String, owner: String, to verb: String) throws(DocketError) -> Actor.Grant {
        let actor = try actor(user)
        if let grant = actor.grant(for: Self.actionRoles) { return grant }
        if user == owner, let grant = actor.grants.first(where: { $0.onBehalfOf == nil }) ?? actor.grants.first {
            return grant
        }
        throw .notPermitted(
            user: user, action: "\(verb) (it is \(owner)'s: only its owner may)", roles: [.clerk, .admin])
    }

    /// Refuses, before anything is written, an archive without `docket-board-3.xsd`.
    private func requireActionSchema() throws(DocketError) {
        try archive { () throws(ArchiveError) in try store.requireSchema(.board3) }
    }

    // MARK: - The register

    /// Every action of every meeting, as recorded (nothing withheld, not overdue): cached until
    /// anything in the archive changes.
    private func actionRegister() throws(DocketError) -> [ActionLine] {
        try derived("action-register") { () throws(DocketError) -> [ActionLine] in
            let exempt = try exemptSubmissions()
            var lines: [ActionLine] = []
            for id in meetingIDs() {
                lines += Self.actionLines(of: id, in: try boardLog(.meeting, id)) { reference in
                    exempt[reference] != nil
                }
            }
            return lines.sorted { ($0.due, $0.meeting, $0.id) < ($1.due, $1.meeting, $1.id) }
        }
    }

    /// A meeting's actions from its log: each with its latest mark, its time and who made it.
    static func actionLines(
        of id: String, in entries: [ArchiveStore.ReadBoardEntry], isExempt: (String) -> Bool
    ) -> [ActionLine] {
        guard let first = entries.first, case .meetingDefined(let definition) = first.entry.record else { return [] }
        var marks: [String: (status: ActionUpdate.Status, mark: ActionMark)] = [:]
        var reopenings: [String: ActionMark] = [:]
        for read in entries {
            guard case .actionUpdate(let update) = read.entry.record else { continue }
            let mark = ActionMark(
                user: read.entry.actor.user, onBehalfOf: read.entry.actor.onBehalfOf, time: read.entry.time,
                note: update.note)
            marks[update.action] = (update.status, mark)
            if update.status == .reopened { reopenings[update.action] = mark }
        }
        let proceedings = MeetingProceedings(log: entries.map(\.entry.record))
        return proceedings.decisions.flatMap { decision in
            decision.actions.map { action in
                let status: ActionLine.Status =
                    if let latest = marks[action.id], latest.status == .done {
                        .done(latest.mark)
                    } else {
                        .open(reopened: reopenings[action.id])
                    }
                return ActionLine(
                    meeting: id, meetingDate: definition.date, board: definition.board, item: decision.item,
                    reference: decision.reference, id: action.id, text: action.text, owner: action.owner,
                    due: action.due, status: status, isOverdue: false,
                    isExempt: decision.reference.map(isExempt) ?? false, isWithheld: false, logLength: entries.count)
            }
        }
    }
}

// MARK: - What is due, and the calendar

extension DocketArchive {
    /// Every open action as something due, by its owner. What is due is a summary anyone may
    /// see (the dashboard, `docket due`, the calendar): an exempt item's action text is withheld
    /// in it; a cleared reader reads it in the register (`actions(for:)`), which records the view.
    func actionDueItems(today: CalendarDate) throws(DocketError) -> [DueItem] {
        try actionRegister().filter { !$0.isDone }.map { line in
            DueItem(
                kind: .action, date: line.due, subject: line.meeting,
                what: "action \(line.id): " + (line.isExempt ? ActionLine.withheldText : line.text), who: [line.owner],
                isOverdue: today > line.due, workingDaysLeft: calendar.workingDays(from: today, to: line.due),
                beyondHolidayList: calendar.coveredYears != nil && !calendar.covers(line.due), action: line.id,
                isExempt: line.isExempt)
        }
    }

    /// Every action, open or done, as a to-do of the calendar feed (which anyone may be given:
    /// an exempt item's action text is withheld).
    func actionTasks() throws(DocketError) -> [CalendarTask] {
        try actionRegister().map { line in
            let completed: Date? =
                switch line.status {
                case .done(let mark): mark.time
                case .open: nil
                }
            var description =
                "\(line.board), \(Wording.longDate(line.meetingDate)) (\(line.meeting)), item \(line.item)"
            if let reference = line.reference { description += " (\(reference))" }
            description += "; owner \(line.owner)"
            return CalendarTask(
                uid: "action-\(line.meeting)-\(line.id)@docket",
                due: (line.due.year, line.due.month, line.due.day),
                summary: "Action \(line.id): " + (line.isExempt ? ActionLine.withheldText : line.text),
                description: description, completed: completed, categories: ["Action"])
        }
    }
}

// MARK: - Chasing

extension DocketArchive {
    /// An open action as a mail item: reminded to its owner before it is due, overdue after,
    /// then escalated to the governance lead. It is named by the meeting, the action and the due
    /// date (in its Message-IDs), so a reason is written about once, and a new due date is a new
    /// reason. A done action is not due, so it is never chased.
    func actionItem(_ due: DueItem) -> NotifiableItem {
        let action = due.action ?? ""
        var item = NotifiableItem(
            reference: "\(due.subject).\(action).action", title: due.what, series: nil, state: due.kind.rawValue,
            stateName: due.what, enteredBy: due.date.year * 10_000 + due.date.month * 100 + due.date.day,
            enteredAt: Date.distantPast, enteredActor: nil, deadline: due.date, actingRoles: [], sentBack: nil,
            isSensitive: due.isExempt, path: "/actions?meeting=\(due.subject)", shownAs: due.subject)
        item.owner = due.who.first
        return item
    }
}

extension DocketArchive {
    /// A digest's lines for `user`'s open actions, with their due dates: an exempt item's
    /// action is named by its meeting and id only.
    func actionDigestLines(for user: String) throws(DocketError) -> [(line: String, due: CalendarDate)] {
        try actions(owner: user).map { action in
            let what =
                action.isExempt
                ? "an action of an exempt item (details are not sent by e-mail)" : action.text
            return ("\(action.meeting) action \(action.id): \(what), due \(Wording.longDate(action.due))", action.due)
        }
    }
}
