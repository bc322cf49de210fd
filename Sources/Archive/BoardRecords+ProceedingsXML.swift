import Foundation
import Workflow
import XML

/// What is recorded at a meeting, in board format 2 (`urn:docket:board:2`).
extension BoardXML {
    static func person(_ name: String, _ person: MeetingPerson) -> XMLElement {
        XMLElement(
            name, namespace: namespace2, attributes: person.user.map { [XMLAttribute("user", value: $0)] } ?? [],
            text: person.name)
    }

    static func attendance(_ attendance: MeetingAttendance) -> XMLElement {
        XMLElement(
            "attendance", namespace: namespace2,
            elements: attendance.present.map { person("present", $0) }
                + attendance.apologies.map { person("apologies", $0) }
                + attendance.officers.map { person("officer", $0) })
    }

    static func declaration(_ declaration: InterestDeclaration) -> XMLElement {
        var attributes: [XMLAttribute] = []
        if let item = declaration.item { attributes.append(XMLAttribute("item", value: "\(item)")) }
        if let reference = declaration.reference { attributes.append(XMLAttribute("reference", value: reference)) }
        return XMLElement(
            "declaration", namespace: namespace2, attributes: attributes,
            elements: [
                person("member", declaration.member),
                XMLElement("interest", namespace: namespace2, text: declaration.interest),
            ])
    }

    static func decision(_ decision: BoardDecision) -> XMLElement {
        var attributes = [XMLAttribute("item", value: "\(decision.item)")]
        if let reference = decision.reference { attributes.append(XMLAttribute("reference", value: reference)) }
        var parts = [
            XMLElement("type", namespace: namespace2, text: decision.type.rawValue),
            XMLElement("resolution", namespace: namespace2, text: decision.resolution),
        ]
        if let vote = decision.vote {
            parts.append(
                XMLElement(
                    "vote", namespace: namespace2,
                    attributes: [
                        XMLAttribute("for", value: "\(vote.inFavour)"),
                        XMLAttribute("against", value: "\(vote.against)"),
                        XMLAttribute("abstentions", value: "\(vote.abstentions)"),
                    ]))
        }
        if let event = decision.submissionEvent {
            parts.append(
                XMLElement(
                    "submission-event", namespace: namespace2,
                    attributes: [
                        XMLAttribute("sequence", value: "\(event.sequence)"),
                        XMLAttribute("sha256", value: event.sha256),
                    ]))
        }
        for action in decision.actions {
            parts.append(
                XMLElement(
                    "action", namespace: namespace2,
                    attributes: [
                        XMLAttribute("id", value: action.id), XMLAttribute("item", value: "\(action.item)"),
                        XMLAttribute("owner", value: action.owner), XMLAttribute("due", value: action.due.description),
                    ], text: action.text))
        }
        return XMLElement("decision", namespace: namespace2, attributes: attributes, elements: parts)
    }

    // MARK: - Reading

    /// The record of a format-2 entry (already valid against `docket-board-2.xsd`).
    static func proceedings(_ reader: ElementReader) throws(ArchiveError) -> BoardRecord {
        func number(_ text: String?, _ what: String) throws(ArchiveError) -> Int? {
            guard let text else { return nil }
            guard let value = Int(text) else { throw .damaged(path: reader.path, reason: "\(what) is not a number") }
            return value
        }
        func people(_ element: ElementReader, _ name: String) -> [MeetingPerson] {
            element.children(name).map { MeetingPerson(name: $0.text, user: $0.attribute("user")) }
        }
        if let attendance = try? reader.child("attendance") {
            return .attendance(
                MeetingAttendance(
                    present: people(attendance, "present"), apologies: people(attendance, "apologies"),
                    officers: people(attendance, "officer")))
        }
        if let declaration = try? reader.child("declaration") {
            guard let member = people(declaration, "member").first else {
                throw .damaged(path: reader.path, reason: "missing <member>")
            }
            return .declaration(
                InterestDeclaration(
                    member: member, item: try number(declaration.node.attribute("item"), "the item"),
                    reference: declaration.node.attribute("reference"), interest: try declaration.text("interest")))
        }
        let decision = try reader.child("decision")
        let item = try number(try decision.attribute("item"), "the item") ?? 0
        var vote: DecisionVote?
        if let node = decision.children("vote").first {
            let element = ElementReader(node: node, path: reader.path, namespace: reader.namespace)
            vote = DecisionVote(
                inFavour: try number(try element.attribute("for"), "a vote") ?? 0,
                against: try number(try element.attribute("against"), "a vote") ?? 0,
                abstentions: try number(try element.attribute("abstentions"), "a vote") ?? 0)
        }
        var event: SubmissionEventCitation?
        if let node = decision.children("submission-event").first {
            let element = ElementReader(node: node, path: reader.path, namespace: reader.namespace)
            event = SubmissionEventCitation(
                sequence: try number(try element.attribute("sequence"), "the event's sequence") ?? 0,
                sha256: try element.attribute("sha256"))
        }
        var actions: [DecisionAction] = []
        for node in decision.children("action") {
            let element = ElementReader(node: node, path: reader.path, namespace: reader.namespace)
            let dueText = try element.attribute("due")
            guard let due = CalendarDate(iso: dueText) else {
                throw .damaged(path: reader.path, reason: "an action's due date is not a date: \(dueText)")
            }
            actions.append(
                DecisionAction(
                    id: try element.attribute("id"), item: try number(try element.attribute("item"), "the item") ?? 0,
                    text: node.text, owner: try element.attribute("owner"), due: due))
        }
        return .decision(
            BoardDecision(
                item: item, reference: decision.node.attribute("reference"),
                type: try decision.enumeration(try decision.text("type"), as: DecisionType.self),
                resolution: try decision.text("resolution"), vote: vote, submissionEvent: event, actions: actions))
    }
}

/// What follows a meeting, in board format 3 (`urn:docket:board:3`).
extension BoardXML {
    /// The record of a format-3 entry (already valid against `docket-board-3.xsd`).
    static func afterTheMeeting(_ reader: ElementReader) throws(ArchiveError) -> BoardRecord {
        if let update = try? reader.child("action-update") {
            return .actionUpdate(
                ActionUpdate(
                    action: try update.attribute("action"),
                    status: try update.enumeration(try update.attribute("status"), as: ActionUpdate.Status.self),
                    note: update.node.text))
        }
        return .minutes(reference: try reader.child("minutes").attribute("reference"))
    }
}
