import Archive
import Foundation
import Mail
import Workflow

extension DocketArchive {
    /// The day's digest for everyone who chose one, once the London clock has reached
    /// `setup.digestHour` on a working day: what waits for them, what is overdue and what is
    /// due this week, in one message (none when there is nothing to say).
    func digestMessages(
        today: CalendarDate, now: Date, setup: MailSetup, decidedKeys: Set<String>
    ) throws(DocketError) -> [WantedMessage] {
        guard Self.londonHour(of: now) >= setup.digestHour else { return [] }
        let readers = try users().filter { $0.notify == .digest && $0.email != nil }
        guard !readers.isEmpty else { return [] }
        let endOfWeek = today.adding(days: 6 - today.weekday)  // Saturday: the working week's end
        var result: [WantedMessage] = []
        for user in readers {
            let key = "digest.\(today).0.\(user.name)"
            guard !decidedKeys.contains(key), let address = user.email else { continue }
            let held = Set(try actor(user.name).grants.map(\.role))
            var waiting: [String] = []
            var overdue: [String] = []
            var dueThisWeek: [String] = []
            for summary in try self.waiting(for: user.name, limit: 200) {
                guard let item = try notifiableItem(summary.reference) else { continue }
                let mine =
                    item.sentBack.map { $0.user == user.name }
                    ?? (!item.actingRoles.isDisjoint(with: held) && item.enteredActor != user.name)
                guard mine else { continue }
                let line =
                    item.isSensitive
                    ? "\(item.reference): an exempt item (details are not sent by e-mail)"
                    : "\(item.reference) \(item.title) — \(item.stateName)"
                        + (item.deadline.map { ", deadline \(Wording.longDate($0))" } ?? "")
                if let deadline = item.deadline, deadline < today {
                    overdue.append(line)
                } else if let deadline = item.deadline, deadline <= endOfWeek {
                    dueThisWeek.append(line)
                } else {
                    waiting.append(line)
                }
            }
            for (line, due) in try actionDigestLines(for: user.name) {
                if due < today { overdue.append(line) } else if due <= endOfWeek { dueThisWeek.append(line) }
            }
            guard !(waiting.isEmpty && overdue.isEmpty && dueThisWeek.isEmpty) else { continue }
            var paragraphs: [String] = []
            for (heading, lines) in [
                ("Overdue", overdue), ("Due this week", dueThisWeek), ("Waiting for you", waiting),
            ]
            where !lines.isEmpty {
                paragraphs.append("\(heading):")
                paragraphs += lines.map { "- \($0)" }
            }
            let name = user.fullName ?? user.name
            let link = "\(setup.baseURL)/"
            let text =
                (["Dear \(name),", "", "Your Docket digest for \(Wording.longDate(today)).", ""] + paragraphs
                + ["", "Open Docket: \(link)"]).joined(separator: "\n")
            let subject =
                "Docket digest, \(Wording.longDate(today)): \(overdue.count) overdue, \(dueThisWeek.count) due this "
                + "week, \(waiting.count) waiting"
            let messageID = "digest+\(today)+0+\(user.name)@\(setup.domain)"
            let message = MailMessage(
                from: setup.from, to: [Mailbox(name: user.fullName, address: address)], subject: subject,
                messageID: messageID, date: now, listID: "notifications.\(setup.domain)",
                listName: "Docket notifications", text: text,
                html: Self.mailHTML(paragraphs: ["Dear \(name),"] + paragraphs, link: link, linkText: "Open Docket"))
            let bytes = message.bytes
            result.append(
                WantedMessage(
                    decided: DecidedMessage(
                        messageID: messageID, kind: .digest, about: nil, recipient: user.name, address: address,
                        subject: subject, messageSHA256: ArchiveStore.sha256(bytes)),
                    bytes: bytes, keys: [key]))
        }
        return result
    }

    /// The hour of the day in London at `instant`.
    static func londonHour(of instant: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        return calendar.component(.hour, from: instant)
    }
}
