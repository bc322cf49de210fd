import Foundation
import Workflow
import XML

/// The board vocabulary (`urn:docket:board:1`, `schema/docket-board-1.xsd`; what is recorded at
/// a meeting is `urn:docket:board:2`, `schema/docket-board-2.xsd`).
enum BoardXML {
    static let namespace = XMLNamespace(uri: "urn:docket:board:1")
    static let namespace2 = XMLNamespace(uri: "urn:docket:board:2")
    static let namespace3 = XMLNamespace(uri: "urn:docket:board:3")

    /// The namespace of board format `format`.
    static func namespace(format: Int) -> XMLNamespace {
        switch format {
        case 1: namespace
        case 2: namespace2
        default: namespace3
        }
    }

    static func element(_ name: String, _ text: String) -> XMLElement {
        XMLElement(name, namespace: namespace, text: text)
    }

    static func section(_ name: String, _ section: ReportSectionName, _ text: String) -> XMLElement {
        XMLElement(name, namespace: namespace, attributes: [XMLAttribute("name", value: section.rawValue)], text: text)
    }
}

extension BoardEntry {
    /// The entry in the oldest board format that holds its record.
    var xml: XMLElement {
        let ns = BoardXML.namespace(format: record.format)
        var actor = ArchiveXML.actor("actor", actor)
        actor.namespace = ns
        var children = [
            XMLElement(
                "log", namespace: ns,
                attributes: [XMLAttribute("kind", value: kind.rawValue), XMLAttribute("id", value: logID)]),
            XMLElement("sequence", namespace: ns, text: String(sequence)),
            XMLElement("time", namespace: ns, text: ArchiveXML.instant(time)),
            actor,
            XMLElement("previous", namespace: ns, text: previous),
        ]
        children.append(Self.body(record))
        return XMLElement(
            "entry", namespace: ns, attributes: [XMLAttribute("format", value: "\(record.format)")],
            elements: children)
    }

    private static func body(_ record: BoardRecord) -> XMLElement {
        let ns = BoardXML.namespace
        switch record {
        case .seriesDefined(let series):
            var parts = [BoardXML.element("title", series.title)]
            if let reportTitle = series.reportTitle { parts.append(BoardXML.element("report-title", reportTitle)) }
            parts += [
                BoardXML.element("cadence", series.cadence),
                BoardXML.element("first-due", series.firstDue.description),
                BoardXML.element("workflow", series.workflow),
            ]
            if let service = series.service { parts.append(BoardXML.element("service", service)) }
            if let addressee = series.addressee { parts.append(BoardXML.element("addressee", addressee)) }
            return XMLElement("series-defined", namespace: ns, elements: parts)
        case .sectionDefault(let name, let text):
            return BoardXML.section("section-default", name, text)
        case .meetingDefined(let meeting):
            var parts = [BoardXML.element("board", meeting.board), BoardXML.element("date", meeting.date.description)]
            if let time = meeting.time { parts.append(BoardXML.element("time", "\(time):00")) }
            if let venue = meeting.venue { parts.append(BoardXML.element("venue", venue)) }
            parts += [
                BoardXML.element("report-deadline-working-days", String(meeting.reportDeadlineWorkingDays)),
                BoardXML.element("publication-working-days", String(meeting.publicationWorkingDays)),
            ]
            return XMLElement("meeting-defined", namespace: ns, elements: parts)
        case .agendaOrder(let references):
            return XMLElement("agenda-order", namespace: ns, elements: references.map { BoardXML.element("item", $0) })
        case .itemExempt(let reference, let paragraph):
            return XMLElement(
                "item-exempt", namespace: ns,
                attributes: [
                    XMLAttribute("reference", value: reference), XMLAttribute("paragraph", value: "\(paragraph)"),
                ])
        case .itemOpen(let reference):
            return XMLElement("item-open", namespace: ns, attributes: [XMLAttribute("reference", value: reference)])
        case .agendaPublished(let supplement, let items):
            return XMLElement(
                "agenda-published", namespace: ns, attributes: [XMLAttribute("supplement", value: "\(supplement)")],
                elements: items.map { item in
                    var attributes = [XMLAttribute("number", value: "\(item.number)")]
                    if let reference = item.reference { attributes.append(XMLAttribute("reference", value: reference)) }
                    attributes.append(XMLAttribute("title", value: item.title))
                    return XMLElement("item", namespace: ns, attributes: attributes)
                })
        case .sectionText(let name, let text):
            return BoardXML.section("section-text", name, text)
        case .attendance(let attendance): return BoardXML.attendance(attendance)
        case .declaration(let declaration): return BoardXML.declaration(declaration)
        case .decision(let decision): return BoardXML.decision(decision)
        case .actionUpdate(let update):
            return XMLElement(
                "action-update", namespace: BoardXML.namespace3,
                attributes: [
                    XMLAttribute("action", value: update.action), XMLAttribute("status", value: update.status.rawValue),
                ], text: update.note)
        case .minutes(let reference):
            return XMLElement(
                "minutes", namespace: BoardXML.namespace3, attributes: [XMLAttribute("reference", value: reference)])
        }
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        let log = try reader.child("log")
        let kind = try reader.enumeration(try log.attribute("kind"), as: BoardLogKind.self)
        self.init(
            kind: kind, logID: try log.attribute("id"), sequence: try reader.integer("sequence"),
            time: try reader.instant("time"), actor: try reader.actor("actor"), previous: try reader.text("previous"),
            record: try Self.record(reader))
    }

    private static func record(_ reader: ElementReader) throws(ArchiveError) -> BoardRecord {
        if reader.namespace == BoardXML.namespace2.uri { return try BoardXML.proceedings(reader) }
        if reader.namespace == BoardXML.namespace3.uri { return try BoardXML.afterTheMeeting(reader) }
        func date(_ element: ElementReader, _ name: String) throws(ArchiveError) -> CalendarDate {
            let text = try element.text(name)
            guard let date = CalendarDate(iso: text) else {
                throw .damaged(path: reader.path, reason: "<\(name)> is not a date: \(text)")
            }
            return date
        }
        func section(_ element: ElementReader) throws(ArchiveError) -> (ReportSectionName, String) {
            (
                try element.enumeration(try element.attribute("name"), as: ReportSectionName.self),
                element.node.text
            )
        }
        if let series = try? reader.child("series-defined") {
            return .seriesDefined(
                SeriesDefinition(
                    title: try series.text("title"), reportTitle: series.optional("report-title"),
                    cadence: try series.text("cadence"), firstDue: try date(series, "first-due"),
                    workflow: try series.text("workflow"), service: series.optional("service"),
                    addressee: series.optional("addressee")))
        }
        if let element = try? reader.child("section-default") {
            let (name, text) = try section(element)
            return .sectionDefault(name, text: text)
        }
        if let element = try? reader.child("section-text") {
            let (name, text) = try section(element)
            return .sectionText(name, text: text)
        }
        if let meeting = try? reader.child("meeting-defined") {
            return .meetingDefined(
                MeetingDefinition(
                    board: try meeting.text("board"), date: try date(meeting, "date"),
                    time: meeting.optional("time").map { String($0.prefix(5)) }, venue: meeting.optional("venue"),
                    reportDeadlineWorkingDays: try meeting.integer("report-deadline-working-days"),
                    publicationWorkingDays: try meeting.integer("publication-working-days")))
        }
        if let order = try? reader.child("agenda-order") {
            return .agendaOrder(order.children("item").map(\.text))
        }
        if let exempt = try? reader.child("item-exempt") {
            guard let paragraph = Int(try exempt.attribute("paragraph")) else {
                throw .damaged(path: reader.path, reason: "exempt paragraph is not a number")
            }
            return .itemExempt(reference: try exempt.attribute("reference"), paragraph: paragraph)
        }
        if let open = try? reader.child("item-open") {
            return .itemOpen(reference: try open.attribute("reference"))
        }
        let published = try reader.child("agenda-published")
        guard let supplement = Int(try published.attribute("supplement")) else {
            throw .damaged(path: reader.path, reason: "supplement is not a number")
        }
        var items: [PublishedAgendaItem] = []
        for node in published.children("item") {
            let item = ElementReader(node: node, path: reader.path, namespace: reader.namespace)
            guard let number = Int(try item.attribute("number")) else {
                throw .damaged(path: reader.path, reason: "agenda item number is not a number")
            }
            items.append(
                PublishedAgendaItem(
                    number: number, reference: node.attribute("reference"), title: try item.attribute("title")))
        }
        return .agendaPublished(supplement: supplement, items: items)
    }
}
