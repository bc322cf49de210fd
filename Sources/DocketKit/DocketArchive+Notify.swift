import Archive
import Foundation
import Index
import Mail
import Workflow

/// How Docket's mail goes out: who it is from, where its links point, and the MTA.
public struct MailSetup: Sendable {
    /// The sender, e.g. `Docket <docket@council.gov.uk>`.
    public var from: Mailbox
    /// The web app's address, for links (`https://docket.council.gov.uk`).
    public var baseURL: String
    /// The right-hand side of Message-IDs and of the List-Id (defaults to the sender's domain).
    public var domain: String
    public var transport: SendmailTransport
    /// The London hour from which the day's digests are sent (8: from 08:00).
    public var digestHour: Int

    public init(
        from: Mailbox, baseURL: String, domain: String? = nil, transport: SendmailTransport, digestHour: Int = 8
    ) {
        self.from = from
        self.digestHour = digestHour
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.domain = domain ?? String(from.address.split(separator: "@").last ?? "localhost")
        self.transport = transport
    }
}

/// What one notify pass did.
public struct NotifyReport: Sendable {
    /// Messages decided in this pass (in a dry run: those it would decide).
    public var decided: [DecidedMessage] = []
    /// Messages the MTA accepted in this pass (decided now or earlier).
    public var handedOver: [String] = []
    /// Messages the MTA did not take: id, reason, and whether it will be tried again.
    public var failed: [(messageID: String, reason: String, willRetry: Bool)] = []
    /// Why nothing was decided or sent, when that is so (a weekend, a bank holiday).
    public var quietReason: String?
}

/// A message of the outbox as its logs say it stands.
public struct OutboxMessage: Sendable {
    public var day: String
    public var decided: DecidedMessage
    public var decidedAt: Date
    public var attempts: Int
    public var handedOverAt: Date?
    public var lastFailure: String?
    /// When it will be tried again; nil when it was handed over or given up.
    public var retryAfter: Date?

    /// Whether it still waits for the MTA to take it.
    public var isPending: Bool { handedOverAt == nil && (attempts == 0 || retryAfter != nil) }
    /// Whether Docket stopped trying.
    public var gaveUp: Bool { handedOverAt == nil && attempts > 0 && retryAfter == nil }
}

extension DocketArchive {
    /// How many hand-overs a message gets before Docket stops trying.
    public static let mailAttempts = 5
    /// Calendar days of outbox logs a pass reads: longer than any reason stays fresh.
    static let outboxWindowDays = 21

    /// One notify pass at `now`: decides what is due today (once per reason, recorded in the
    /// outbox before anything is sent), then hands every pending message to the MTA, recording
    /// each outcome. Nothing is decided or sent on a weekend or bank holiday.
    ///
    /// Two passes at once (cron and the web app) are safe: the outbox's lock is held for the
    /// whole pass, and each pass re-reads the outbox under it.
    public func notify(
        at now: Date, setup: MailSetup, plan: NotificationPlan = NotificationPlan(), dryRun: Bool = false
    ) throws(DocketError) -> NotifyReport {
        var report = NotifyReport()
        let today = calendar.londonDate(of: now)
        guard calendar.isWorkingDay(today) else {
            report.quietReason = "\(today) is not a working day: nothing is decided or sent"
            return report
        }
        // Reading every open submission is the slow part: done before the outbox is locked.
        let reasons = try todaysReasons(today: today, plan: plan)
        let lock = try archive { () throws(ArchiveError) in try store.lockOutbox() }
        defer { lock.release() }
        var outbox = try outboxMessages(since: today.adding(days: -Self.outboxWindowDays))
        var tails = OutboxTails()
        let decidedKeys = Set(outbox.flatMap { Self.reasonKeys(ofMessageID: $0.decided.messageID) })
        let wanted =
            try wantedMessages(
                reasons.map { ($0.item, $0.reasons.filter { !decidedKeys.contains($0.key) }) }, setup: setup, now: now)
            + digestMessages(today: today, now: now, setup: setup, decidedKeys: decidedKeys)
        for message in wanted {
            report.decided.append(message.decided)
            guard !dryRun else { continue }
            try archive { () throws(ArchiveError) in
                try store.storeOutboxMessage(message.bytes, day: today.description)
                try appendOutbox(.decided(message.decided), day: today.description, at: now, tails: &tails)
            }
            outbox.append(
                OutboxMessage(
                    day: today.description, decided: message.decided, decidedAt: now, attempts: 0))
        }
        guard !dryRun else { return report }
        for message in outbox where message.isPending && (message.retryAfter ?? now) <= now {
            try handOver(message, at: now, setup: setup, report: &report, tails: &tails)
        }
        return report
    }

    /// Hands one message to the MTA and records what happened (under the outbox's lock).
    private func handOver(
        _ message: OutboxMessage, at now: Date, setup: MailSetup, report: inout NotifyReport,
        tails: inout OutboxTails
    ) throws(DocketError) {
        let bytes = try archive { () throws(ArchiveError) in
            try store.outboxMessage(message.decided.messageSHA256, day: message.day)
        }
        let attempt = message.attempts + 1
        switch setup.transport.send(bytes) {
        case .accepted:
            // The one window no design closes: killed here, the message goes again next run,
            // with the same Message-ID. One durable write keeps it short.
            try archive { () throws(ArchiveError) in
                try appendOutbox(
                    .handedOver(messageID: message.decided.messageID, attempt: attempt), day: message.day, at: now,
                    tails: &tails)
            }
            report.handedOver.append(message.decided.messageID)
            observer?.notification(.handedOver)
        case .failed(let reason):
            let retry: Date? =
                attempt < Self.mailAttempts ? now.addingTimeInterval(300 * pow(4, Double(attempt - 1))) : nil
            try archive { () throws(ArchiveError) in
                try appendOutbox(
                    .failed(messageID: message.decided.messageID, attempt: attempt, reason: reason, retryAfter: retry),
                    day: message.day, at: now, tails: &tails)
            }
            report.failed.append((message.decided.messageID, reason, retry != nil))
            observer?.notification(retry != nil ? .failed : .gaveUp)
        }
    }

    /// The last entry of each day's log this pass wrote to: its number and file's SHA-256.
    typealias OutboxTails = [String: (count: Int, sha256: String)]

    /// Appends to a day's outbox log. The caller holds the outbox's lock, so the log's tail,
    /// read once per pass, stays true: re-reading the log for every entry made a pass of 200
    /// messages quadratic.
    private func appendOutbox(_ record: MailRecord, day: String, at now: Date, tails: inout OutboxTails)
        throws(ArchiveError)
    {
        if tails[day] == nil {
            let entries = try store.mailEntries(.outbox(day: day))
            tails[day] = (entries.count, entries.last?.fileSHA256 ?? String(repeating: "0", count: 64))
        }
        let tail = tails[day]!
        let entry = MailEntry(
            sequence: tail.count + 1, time: now, by: systemUser, previous: tail.sha256, record: record)
        tails[day] = (tail.count + 1, try store.appendMailEntry(entry, to: .outbox(day: day)))
    }

    /// Every message decided on `since` or later, as its day's log says it stands.
    public func outboxMessages(since: CalendarDate? = nil) throws(DocketError) -> [OutboxMessage] {
        var result: [OutboxMessage] = []
        for day in store.outboxDays() where since.map({ day >= $0.description }) ?? true {
            var byID: [String: Int] = [:]
            for read in try archive({ () throws(ArchiveError) in try store.mailEntries(.outbox(day: day)) }) {
                switch read.entry.record {
                case .decided(let decided):
                    byID[decided.messageID] = result.count
                    result.append(OutboxMessage(day: day, decided: decided, decidedAt: read.entry.time, attempts: 0))
                case .handedOver(let id, let attempt):
                    guard let index = byID[id] else { continue }
                    result[index].attempts = attempt
                    result[index].handedOverAt = read.entry.time
                    result[index].retryAfter = nil
                case .failed(let id, let attempt, let reason, let retryAfter):
                    guard let index = byID[id] else { continue }
                    result[index].attempts = attempt
                    result[index].lastFailure = reason
                    result[index].retryAfter = retryAfter
                case .escalationContact:
                    continue
                }
            }
        }
        return result
    }

    // MARK: - Deciding

    /// A message decided in memory: its outbox record, its bytes, and the reasons it covers.
    struct WantedMessage {
        var decided: DecidedMessage
        var bytes: [UInt8]
        var keys: [String]
    }

    /// The longest "due soon" lead time any current workflow's state sets.
    func longestReminder() throws(DocketError) -> Int {
        try workflows().flatMap(\.states).compactMap(\.reminderWorkingDays).max() ?? 0
    }

    /// Every open submission with today's reasons to write about it.
    func todaysReasons(today: CalendarDate, plan: NotificationPlan) throws(DocketError) -> [(
        item: NotifiableItem, reasons: [NotificationReason]
    )] {
        let users = try self.users()
        let contacts = try escalationContacts()
        var holdersByRole: [Role: [String]] = [:]
        for role in Role.allCases {
            holdersByRole[role] = users.map(\.name).filter { holds(role, $0) }
        }
        // The index narrows 125,000 submissions to those with something possibly due; only
        // those are read (and replayed) from the archive.
        let index = try index()
        let earliestDeadline = calendar.subtracting(
            workingDays: plan.escalateAfterWorkingDays + plan.freshForWorkingDays + 1, from: today)
        let reminderReach = max(plan.dueSoonWorkingDays, try longestReminder())
        let candidates = try indexCall { () throws(IndexError) in
            try index.notificationCandidates(
                activeSince: calendar.startOfLondonDay(
                    calendar.subtracting(workingDays: plan.freshForWorkingDays + 1, from: today)),
                activeUntil: calendar.startOfLondonDay(today.adding(days: 1)),
                deadlineFrom: earliestDeadline.description,
                deadlineThrough: calendar.adding(workingDays: reminderReach, to: today).description)
        }
        // Open submissions the index named, then the Board's own deadlines: one set of rules.
        var items: [NotifiableItem] = []
        for reference in candidates {
            if let item = try notifiableItem(reference) { items.append(item) }
        }
        items += try boardDeadlineItems(today: today, plan: plan)
        var result: [(item: NotifiableItem, reasons: [NotificationReason])] = []
        for item in items {
            let reasons = plan.reasons(
                for: item, today: today, calendar: calendar, holders: { holdersByRole[$0] ?? [] },
                contact: { series in series.flatMap { contacts[$0] } ?? contacts[""] })
            if !reasons.isEmpty { result.append((item, reasons)) }
        }
        return result
    }

    /// The Board's deadlines as mail items: a report due for a meeting, an agenda to publish,
    /// a series' next update, an open action (the same list `docket due` shows). Each is named by what it is
    /// about and the deadline's date, so a moved deadline is a new reason.
    func boardDeadlineItems(today: CalendarDate, plan: NotificationPlan) throws(DocketError) -> [NotifiableItem] {
        let horizon = calendar.adding(workingDays: plan.dueSoonWorkingDays, to: today)
        var items: [NotifiableItem] = []
        for due in try computeDue(today: today, within: horizon.dayNumber - today.dayNumber, limit: nil)
        where due.kind != .state {
            if due.kind == .action {
                items.append(actionItem(due))
                continue
            }
            let (about, path, roles): (String, String, Set<Role>) =
                switch due.kind {
                case .report: ("\(due.subject).report", "/submissions/\(due.subject)/report", [.officer])
                case .publication: ("\(due.subject).agenda", "/meetings/\(due.subject)", [.clerk])
                case .series, .state, .action: ("\(due.subject).update", "/series/\(due.subject)", [.officer])
                }
            let series = due.kind == .series ? due.subject : nil
            let exempt =
                due.kind == .report
                && ((try? submission(due.subject)).flatMap { (try? boardSchedule(of: $0)) ?? nil }?.item?
                    .exemptParagraph
                    != nil)
            items.append(
                NotifiableItem(
                    reference: about, title: due.what, series: series, state: due.kind.rawValue, stateName: due.what,
                    enteredBy: due.date.year * 10_000 + due.date.month * 100 + due.date.day,
                    enteredAt: Date.distantPast, enteredActor: nil, deadline: due.date, actingRoles: roles,
                    sentBack: nil, isSensitive: exempt, path: path, shownAs: due.subject))
        }
        return items
    }

    /// The messages reasons not yet written about call for: one per person and item, however
    /// many reasons; none for someone without an address or who chose otherwise.
    func wantedMessages(_ reasons: [(NotifiableItem, [NotificationReason])], setup: MailSetup, now: Date)
        throws(DocketError) -> [WantedMessage]
    {
        let byName = Dictionary(uniqueKeysWithValues: try users().map { ($0.name, $0) })
        var result: [WantedMessage] = []
        for (item, itemReasons) in reasons {
            for (recipient, mine) in Dictionary(grouping: itemReasons, by: \.recipient).sorted(by: { $0.key < $1.key })
            {
                guard let user = byName[recipient], let address = user.email, (user.notify ?? .immediate) == .immediate
                else { continue }
                result.append(composeMessage(mine, about: item, to: user, address: address, setup: setup, now: now))
            }
        }
        return result
    }

    /// What the mail rules need to know of one open submission; nil for a closed one.
    func notifiableItem(_ reference: String) throws(DocketError) -> NotifiableItem? {
        let view = try submission(reference)
        guard !view.isFinal, let state = view.workflow.state(view.state) else { return nil }
        var entry: (sequence: Int, time: Date, actor: String?, transition: StoredEvent.TransitionBody?) = (
            0, view.record.created, view.record.createdBy.user, nil
        )
        for event in view.events {
            if case .transition(let transition) = event.body, transition.to == view.state {
                entry = (event.sequence, event.time, event.actor.user, transition)
            }
        }
        var sentBack: (user: String, comment: String?)?
        if let transition = entry.transition,
            view.workflow.transition(from: transition.from, on: transition.name)?.commentRequired == true
        {
            // Back to the one who last moved it on from this state, with why.
            let mover = view.events.last { event in
                guard event.sequence < entry.sequence, case .transition(let earlier) = event.body else { return false }
                return earlier.from == view.state
            }
            if let mover { sentBack = (mover.actor.onBehalfOf ?? mover.actor.user, transition.comment) }
        }
        let exempt = ((try? boardSchedule(of: view)) ?? nil)?.item?.exemptParagraph != nil
        return NotifiableItem(
            reference: reference, title: view.record.title, series: view.record.series, state: view.state,
            stateName: view.workflow.stateLabel(view.state), enteredBy: entry.sequence, enteredAt: entry.time,
            enteredActor: entry.actor,
            deadline: view.deadline,
            actingRoles: Set(state.transitions.filter { !$0.commentRequired }.flatMap(\.roles)),
            sentBack: sentBack,
            isSensitive: exempt || view.documents.contains { $0.protectiveMarking.uppercased() != "OFFICIAL" },
            path: "/submissions/\(reference)", reminderWorkingDays: state.reminderWorkingDays)
    }

    /// The reasons named in a Message-ID's left part: `kind_kind+REF+N+user`.
    static func reasonKeys(ofMessageID id: String) -> [String] {
        let local = id.split(separator: "@").first.map(String.init) ?? id
        let parts = local.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 else { return [] }
        return parts[0].split(separator: "_").map { "\($0).\(parts[1]).\(parts[2]).\(parts[3])" }
    }

    // MARK: - Escalation contacts

    /// Series id → the user escalations go to; "" is the governance lead.
    public func escalationContacts() throws(DocketError) -> [String: String] {
        var contacts: [String: String] = [:]
        for read in try archive({ () throws(ArchiveError) in try store.mailEntries(.settings) }) {
            if case .escalationContact(let series, let user) = read.entry.record {
                contacts[series ?? ""] = user
            }
        }
        return contacts
    }

    /// Names the user who receives escalations for a series (nil: the governance lead, for
    /// every series without one); a nil user removes the contact.
    public func setEscalationContact(series: String?, user: String?) throws(DocketError) {
        if let user { _ = try archive { () throws(ArchiveError) in try store.user(user) } }
        if let series { _ = try seriesDefinition(series) }
        try archive { () throws(ArchiveError) in
            let lock = try store.lockOutbox()
            defer { lock.release() }
            let entries = try store.mailEntries(.settings)
            try store.appendMailEntry(
                MailEntry(
                    sequence: entries.count + 1, time: now(), by: systemUser,
                    previous: entries.last?.fileSHA256 ?? String(repeating: "0", count: 64),
                    record: .escalationContact(series: series, user: user)), to: .settings)
        }
    }
}

extension DocketArchive {
    /// Checks the mail logs: each file valid against the mail schema, in sequence and chained;
    /// every decided message's bytes present and matching their SHA-256; every hand-over or
    /// failure naming a message decided in the same day's log.
    func verifyMailLogs() -> [VerificationFinding] {
        var findings: [VerificationFinding] = []
        func problem(_ path: String, _ message: String) {
            let relative = path.hasPrefix(store.root + "/") ? String(path.dropFirst(store.root.count + 1)) : path
            findings.append(VerificationFinding(severity: .problem, path: relative, message: message))
        }
        func read(_ log: MailLog) -> [ArchiveStore.ReadMailEntry] {
            do {
                return try store.mailEntries(log)
            } catch .damaged(let path, let reason) {
                problem(path, reason)
            } catch {
                problem(log.directory, "\(error)")
            }
            return []
        }
        _ = read(.settings)
        let outbox = "\(store.root)/mail/outbox"
        for name in DurableFile.list(outbox) where !name.hasPrefix(".") && !store.outboxDays().contains(name) {
            problem("\(outbox)/\(name)", "not an outbox day (YYYY-MM-DD)")
        }
        for day in store.outboxDays() {
            var decided: Set<String> = []
            for entry in read(.outbox(day: day)) {
                switch entry.entry.record {
                case .decided(let message):
                    decided.insert(message.messageID)
                    do {
                        _ = try store.outboxMessage(message.messageSHA256, day: day)
                    } catch {
                        problem(
                            entry.path, "the message it decided (\(message.messageSHA256).eml) is missing or changed")
                    }
                case .handedOver(let id, _), .failed(let id, _, _, _):
                    if !decided.contains(id) {
                        problem(entry.path, "names <\(id)>, which this day's log never decided")
                    }
                case .escalationContact:
                    problem(entry.path, "an escalation contact belongs in mail/settings, not the outbox")
                }
            }
        }
        return findings
    }
}
