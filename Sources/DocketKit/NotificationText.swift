import Archive
import Foundation
import Mail
import Workflow
import XML

extension DocketArchive {
    /// One message to one person about one item, saying every reason of the pass: the
    /// subject takes the most pressing. An exempt or sensitive item is named by its reference
    /// and link only.
    func composeMessage(
        _ reasons: [NotificationReason], about item: NotifiableItem, to user: UserRecord, address: String,
        setup: MailSetup, now: Date
    ) -> WantedMessage {
        let kinds = Self.mailOrder.filter { kind in reasons.contains { $0.kind == kind } }
        let shown = item.shownAs ?? item.reference
        let link = setup.baseURL + (item.path.isEmpty ? "/submissions/\(shown)" : item.path)
        let deadline = item.deadline.map(Wording.longDate)
        var lines: [String] = []
        for kind in kinds {
            switch kind {
            case .actionNeeded:
                if let back = item.sentBack {
                    lines.append("\(shown) was sent back to you to take up again.")
                    if let comment = back.comment, !item.isSensitive { lines.append("The comment: “\(comment)”") }
                } else {
                    lines.append("\(shown) waits for you: it is now “\(item.stateName)”.")
                }
            case .dueSoon:
                lines.append("Its deadline is \(deadline ?? "near").")
            case .overdue:
                lines.append("It is overdue: the deadline was \(deadline ?? "passed").")
            case .escalation:
                lines.append(
                    "It is overdue since \(deadline ?? "its deadline") and nobody has acted: "
                        + "you are the escalation contact.")
            case .digest:
                break
            }
        }
        // A delegate is told whose role they act in.
        if !kinds.contains(.escalation), let grant = (try? actor(user.name))?.grant(for: item.actingRoles),
            let principal = grant.onBehalfOf
        {
            lines.append("You receive this as \(grant.role.rawValue) on behalf of \(principal), by delegation.")
        }
        let subject: String
        if item.isSensitive {
            subject = "An exempt item needs your action (\(shown))"
            lines = ["An exempt item needs your action. Its details are not sent by e-mail."]
        } else {
            let lead: String =
                switch kinds.first {
                case .escalation: "Escalation: overdue"
                case .overdue: "Overdue"
                case .dueSoon: "Due \(deadline ?? "soon")"
                case .actionNeeded where item.sentBack != nil: "Sent back to you"
                default: "Waiting for you"
                }
            subject = "\(lead): \(shown) \(item.title)"
            lines.insert(item.title, at: 0)
        }
        let name = user.fullName ?? user.name
        let text =
            (["Dear \(name),", ""] + lines + [
                "", "Open it in Docket: \(link)", "",
                "Docket sends this because of your role. Your mail choice is on your notifications page.",
            ])
            .joined(separator: "\n")
        let html = Self.mailHTML(
            paragraphs: ["Dear \(name),"] + lines, link: link, linkText: "Open \(shown) in Docket")
        let messageID =
            kinds.map(\.rawValue).joined(separator: "_") + "+\(item.reference)+\(item.enteredBy)+\(user.name)"
            + "@\(setup.domain)"
        let message = MailMessage(
            from: setup.from, to: [Mailbox(name: user.fullName, address: address)], subject: subject,
            messageID: messageID, date: now, listID: "notifications.\(setup.domain)", listName: "Docket notifications",
            text: text, html: html)
        let bytes = message.bytes
        return WantedMessage(
            decided: DecidedMessage(
                messageID: messageID, kind: kinds.first ?? .actionNeeded, about: item.reference,
                recipient: user.name, address: address, subject: subject,
                messageSHA256: ArchiveStore.sha256(bytes)),
            bytes: bytes, keys: reasons.map(\.key))
    }

    /// A message's HTML part, built as a tree and written by libxml2 (never pasted strings).
    static func mailHTML(paragraphs: [String], link: String, linkText: String) -> String {
        let body =
            paragraphs.map { XMLElement("p", text: $0) } + [
                XMLElement(
                    "p", elements: [XMLElement("a", attributes: [XMLAttribute("href", value: link)], text: linkText)])
            ]
        let root = XMLElement(
            "html", attributes: [XMLAttribute("lang", value: "en")],
            elements: [
                XMLElement(
                    "head",
                    elements: [
                        XMLElement("meta", attributes: [XMLAttribute("charset", value: "utf-8")]),
                        XMLElement("title", text: "Docket"),
                    ]),
                XMLElement("body", elements: body),
            ])
        guard let document = try? XMLDocument(root: root), let bytes = try? document.serializedWithoutDeclaration()
        else { return "" }
        return "<!DOCTYPE html>\n" + String(decoding: bytes, as: UTF8.self)
    }

    /// The most pressing first: a subject names the first.
    static let mailOrder: [MessageKind] = [.escalation, .overdue, .dueSoon, .actionNeeded]
}
