import Foundation
import Workflow
import XML

/// The retention vocabulary (`urn:docket:retention:1`, `schema/docket-retention-1.xsd`).
enum RetentionXML {
    static let namespace = XMLNamespace(uri: "urn:docket:retention:1")

    static func element(_ name: String, _ text: String, attributes: [XMLAttribute] = []) -> XMLElement {
        XMLElement(name, namespace: namespace, attributes: attributes, text: text)
    }

    static func root(_ name: String, _ children: [XMLElement]) -> XMLElement {
        XMLElement(name, namespace: namespace, attributes: [XMLAttribute("format", value: "1")], elements: children)
    }

    /// An actor as the retention schema holds it: user, role, system user (no delegation:
    /// retention steps are never taken on someone's behalf).
    static func actorAttributes(_ stamp: ActorStamp) -> [XMLAttribute] {
        var attributes = [XMLAttribute("user", value: stamp.user)]
        if let role = stamp.role { attributes.append(XMLAttribute("role", value: role.rawValue)) }
        attributes.append(XMLAttribute("system-user", value: stamp.systemUser))
        return attributes
    }

    static func actor(_ reader: ElementReader) throws(ArchiveError) -> ActorStamp {
        ActorStamp(
            user: try reader.attribute("user"),
            role: try reader.node.attribute("role").map { (value: String) throws(ArchiveError) in
                try reader.enumeration(value, as: Role.self)
            },
            systemUser: try reader.attribute("system-user"))
    }

    static func date(_ text: String, in reader: ElementReader) throws(ArchiveError) -> CalendarDate {
        guard let date = CalendarDate(iso: text) else {
            throw .damaged(path: reader.path, reason: "'\(text)' is not a date")
        }
        return date
    }

    static func period(_ text: String, in reader: ElementReader) throws(ArchiveError) -> RetentionPeriod {
        guard let period = RetentionPeriod(iso: text) else {
            throw .damaged(
                path: reader.path, reason: "period '\(text)' is not whole years, months and days (e.g. P6Y)")
        }
        return period
    }

    static func reader(_ node: XMLNode, _ parent: ElementReader) -> ElementReader {
        ElementReader(node: node, path: parent.path, namespace: namespace.uri)
    }
}

extension RetentionSchedule {
    var xml: XMLElement {
        var children = [RetentionXML.element("title", title)]
        for source in sources {
            var attributes = [XMLAttribute("id", value: source.id)]
            if let href = source.href { attributes.append(XMLAttribute("href", value: href)) }
            children.append(RetentionXML.element("source", source.citation, attributes: attributes))
        }
        for entry in classes {
            var parts = [RetentionXML.element("description", entry.description)]
            if let period = entry.period { parts.append(RetentionXML.element("period", period.description)) }
            parts.append(
                RetentionXML.element(
                    "authority", entry.authority,
                    attributes: entry.authoritySource.map { [XMLAttribute("source", value: $0)] } ?? []))
            children.append(
                XMLElement(
                    "class", namespace: RetentionXML.namespace,
                    attributes: [
                        XMLAttribute("id", value: entry.id), XMLAttribute("trigger", value: entry.trigger.rawValue),
                        XMLAttribute("action", value: entry.action.rawValue),
                    ], elements: parts))
        }
        for rule in rules {
            var attributes = [XMLAttribute("class", value: rule.retentionClass)]
            if let series = rule.series { attributes.append(XMLAttribute("series", value: series)) }
            if let workflow = rule.workflow { attributes.append(XMLAttribute("workflow", value: workflow)) }
            if let kind = rule.kind { attributes.append(XMLAttribute("kind", value: kind.rawValue)) }
            children.append(XMLElement("applies", namespace: RetentionXML.namespace, attributes: attributes))
        }
        return RetentionXML.root("schedule", children)
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        var sources: [RetentionSource] = []
        for node in reader.children("source") {
            let source = RetentionXML.reader(node, reader)
            sources.append(
                RetentionSource(id: try source.attribute("id"), citation: node.text, href: node.attribute("href")))
        }
        var classes: [RetentionClass] = []
        for node in reader.children("class") {
            let entry = RetentionXML.reader(node, reader)
            let authority = try entry.child("authority")
            classes.append(
                RetentionClass(
                    id: try entry.attribute("id"), description: try entry.text("description"),
                    trigger: try entry.enumeration(try entry.attribute("trigger"), as: RetentionTrigger.self),
                    action: try entry.enumeration(try entry.attribute("action"), as: RetentionAction.self),
                    period: try entry.optional("period").map { (text: String) throws(ArchiveError) in
                        try RetentionXML.period(text, in: entry)
                    },
                    authority: authority.node.text, authoritySource: authority.node.attribute("source")))
        }
        var rules: [RetentionRule] = []
        for node in reader.children("applies") {
            let rule = RetentionXML.reader(node, reader)
            rules.append(
                RetentionRule(
                    retentionClass: try rule.attribute("class"), series: node.attribute("series"),
                    workflow: node.attribute("workflow"),
                    kind: try node.attribute("kind").map { (text: String) throws(ArchiveError) in
                        try rule.enumeration(text, as: DocumentKind.self)
                    }))
        }
        self.init(title: try reader.text("title"), sources: sources, classes: classes, rules: rules)
    }
}

extension ListedRecord {
    var xml: XMLElement {
        XMLElement(
            "record", namespace: RetentionXML.namespace,
            attributes: [
                XMLAttribute("submission", value: submission), XMLAttribute("sha256", value: sha256),
                XMLAttribute("class", value: retentionClass), XMLAttribute("due", value: due.description),
            ])
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        self.init(
            submission: try reader.attribute("submission"), sha256: try reader.attribute("sha256"),
            retentionClass: try reader.attribute("class"),
            due: try RetentionXML.date(try reader.attribute("due"), in: reader))
    }
}

extension AppliedClass {
    var xml: XMLElement {
        var attributes = [
            XMLAttribute("id", value: id), XMLAttribute("trigger", value: trigger.rawValue),
            XMLAttribute("action", value: action.rawValue),
        ]
        if let period { attributes.append(XMLAttribute("period", value: period.description)) }
        return XMLElement(
            "class", namespace: RetentionXML.namespace, attributes: attributes,
            elements: [RetentionXML.element("authority", authority)])
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        self.init(
            id: try reader.attribute("id"),
            trigger: try reader.enumeration(try reader.attribute("trigger"), as: RetentionTrigger.self),
            action: try reader.enumeration(try reader.attribute("action"), as: RetentionAction.self),
            period: try reader.node.attribute("period").map { (text: String) throws(ArchiveError) in
                try RetentionXML.period(text, in: reader)
            },
            authority: try reader.text("authority"))
    }

    /// The `<class>` children of a list or a keeping.
    static func all(in element: ElementReader, _ parent: ElementReader) throws(ArchiveError) -> [AppliedClass] {
        var classes: [AppliedClass] = []
        for node in element.children("class") {
            classes.append(try AppliedClass(reading: RetentionXML.reader(node, parent)))
        }
        return classes
    }
}

extension RetentionLogEntry: ChainedLogEntry {
    var xml: XMLElement {
        var children = [
            RetentionXML.element("sequence", String(sequence)),
            RetentionXML.element("previous", previous),
            RetentionXML.element("at", ArchiveXML.instant(at)),
            XMLElement("actor", namespace: RetentionXML.namespace, attributes: RetentionXML.actorAttributes(actor)),
        ]
        func body(_ name: String, _ attributes: [(String, String)], _ elements: [XMLElement]) -> XMLElement {
            XMLElement(
                name, namespace: RetentionXML.namespace, attributes: attributes.map { XMLAttribute($0.0, value: $0.1) },
                elements: elements)
        }
        func comment(_ text: String?) -> [XMLElement] { text.map { [RetentionXML.element("comment", $0)] } ?? [] }
        switch self.body {
        case .holdPlaced(let id, let reason, let submissions, let caseReference):
            children.append(
                body(
                    "hold-placed", [("id", id)] + (caseReference.map { [("case", $0)] } ?? []),
                    [RetentionXML.element("reason", reason)]
                        + submissions.map { RetentionXML.element("submission", $0) }))
        case .holdReleased(let hold, let reason):
            children.append(body("hold-released", [("hold", hold)], [RetentionXML.element("reason", reason)]))
        case .recordsKept(let until, let reason, let classes, let records):
            children.append(
                body(
                    "records-kept", [("until", until.description)],
                    [RetentionXML.element("reason", reason)] + classes.map(\.xml) + records.map(\.xml)))
        case .listProposed(let id, let action, let text, let schedule, let classes, let records):
            children.append(
                body(
                    "list-proposed", [("id", id), ("action", action.rawValue), ("schedule", schedule)],
                    comment(text) + classes.map(\.xml) + records.map(\.xml)))
        case .listApproved(let list, let service, let text):
            children.append(body("list-approved", [("list", list), ("service", service)], comment(text)))
        case .listCancelled(let list, let reason):
            children.append(body("list-cancelled", [("list", list)], [RetentionXML.element("reason", reason)]))
        case .listCarriedOut(let list, let certificate):
            children.append(body("list-carried-out", [("list", list), ("certificate", certificate)], []))
        }
        return RetentionXML.root("entry", children)
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        let body: Body
        if let node = reader.children("hold-placed").first {
            let element = RetentionXML.reader(node, reader)
            body = .holdPlaced(
                id: try element.attribute("id"), reason: try element.text("reason"),
                submissions: element.children("submission").map(\.text), caseReference: node.attribute("case"))
        } else if let node = reader.children("hold-released").first {
            let element = RetentionXML.reader(node, reader)
            body = .holdReleased(hold: try element.attribute("hold"), reason: try element.text("reason"))
        } else if let node = reader.children("records-kept").first {
            let element = RetentionXML.reader(node, reader)
            var records: [ListedRecord] = []
            for record in element.children("record") {
                records.append(try ListedRecord(reading: RetentionXML.reader(record, reader)))
            }
            body = .recordsKept(
                until: try RetentionXML.date(try element.attribute("until"), in: element),
                reason: try element.text("reason"), classes: try AppliedClass.all(in: element, reader), records: records
            )
        } else if let node = reader.children("list-proposed").first {
            let element = RetentionXML.reader(node, reader)
            var records: [ListedRecord] = []
            for record in element.children("record") {
                records.append(try ListedRecord(reading: RetentionXML.reader(record, reader)))
            }
            body = .listProposed(
                id: try element.attribute("id"),
                action: try element.enumeration(try element.attribute("action"), as: DisposalAction.self),
                comment: element.optional("comment"), schedule: try element.attribute("schedule"),
                classes: try AppliedClass.all(in: element, reader), records: records)
        } else if let node = reader.children("list-approved").first {
            let element = RetentionXML.reader(node, reader)
            body = .listApproved(
                list: try element.attribute("list"), service: try element.attribute("service"),
                comment: element.optional("comment"))
        } else if let node = reader.children("list-cancelled").first {
            let element = RetentionXML.reader(node, reader)
            body = .listCancelled(list: try element.attribute("list"), reason: try element.text("reason"))
        } else {
            let element = try reader.child("list-carried-out")
            body = .listCarriedOut(
                list: try element.attribute("list"), certificateSHA256: try element.attribute("certificate"))
        }
        self.init(
            sequence: try reader.integer("sequence"), previous: try reader.text("previous"),
            at: try reader.instant("at"), actor: try RetentionXML.actor(try reader.child("actor")), body: body)
    }
}

extension DisposalCertificate {
    var xml: XMLElement {
        func step(_ name: String, _ step: Step, _ extra: [XMLAttribute] = []) -> XMLElement {
            XMLElement(
                name, namespace: RetentionXML.namespace,
                attributes: RetentionXML.actorAttributes(step.actor) + [
                    XMLAttribute("at", value: ArchiveXML.instant(step.at))
                ] + extra)
        }
        var children = [
            RetentionXML.element("list", list),
            RetentionXML.element("action", action.rawValue),
            step(
                "proposed", proposed,
                [XMLAttribute("entry", value: proposedEntry), XMLAttribute("schedule", value: schedule)]),
            step(
                "approved", approved,
                [XMLAttribute("entry", value: approvedEntry), XMLAttribute("service", value: approvedForService)]),
            step("carried-out", carriedOut),
            RetentionXML.element("method", method),
        ]
        if let purgeCopiesBy { children.append(RetentionXML.element("purge-copies-by", purgeCopiesBy.description)) }
        if let transfer {
            var attributes = [
                XMLAttribute("office", value: transfer.office), XMLAttribute("location", value: transfer.location),
            ]
            if let accession = transfer.accession { attributes.append(XMLAttribute("accession", value: accession)) }
            children.append(
                XMLElement(
                    "transfer", namespace: RetentionXML.namespace, attributes: attributes,
                    elements: transfer.bags.map { bag in
                        XMLElement(
                            "bag", namespace: RetentionXML.namespace,
                            attributes: [
                                XMLAttribute("submission", value: bag.submission),
                                XMLAttribute("tagmanifest-sha256", value: bag.tagManifestSHA256),
                                XMLAttribute("payload-oxum", value: bag.payloadOxum),
                            ])
                    }))
        }
        for record in records {
            var attributes = [
                XMLAttribute("submission", value: record.submission), XMLAttribute("sha256", value: record.sha256),
                XMLAttribute("kind", value: record.kind.rawValue), XMLAttribute("path", value: record.path),
                XMLAttribute("size", value: String(record.size)), XMLAttribute("class", value: record.retentionClass),
            ]
            if let period = record.period { attributes.append(XMLAttribute("period", value: period.description)) }
            attributes.append(XMLAttribute("due", value: record.due.description))
            if let date = record.date { attributes.append(XMLAttribute("date", value: date.description)) }
            attributes.append(XMLAttribute("event", value: record.eventSHA256))
            children.append(
                XMLElement(
                    "record", namespace: RetentionXML.namespace, attributes: attributes,
                    elements: [
                        RetentionXML.element("title", record.title),
                        RetentionXML.element("authority", record.authority),
                    ]))
        }
        return RetentionXML.root("certificate", children)
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        func step(_ name: String) throws(ArchiveError) -> Step {
            let element = try reader.child(name)
            guard let at = ArchiveXML.parseInstant(try element.attribute("at")) else {
                throw .damaged(path: reader.path, reason: "<\(name)> has no valid time")
            }
            return Step(actor: try RetentionXML.actor(element), at: at)
        }
        var records: [Record] = []
        for node in reader.children("record") {
            let record = RetentionXML.reader(node, reader)
            guard let size = Int(try record.attribute("size")) else {
                throw .damaged(path: reader.path, reason: "a record's size is not a number")
            }
            records.append(
                Record(
                    submission: try record.attribute("submission"), sha256: try record.attribute("sha256"),
                    kind: try record.enumeration(try record.attribute("kind"), as: DocumentKind.self),
                    title: try record.text("title"), path: try record.attribute("path"), size: size,
                    retentionClass: try record.attribute("class"),
                    period: try node.attribute("period").map { (text: String) throws(ArchiveError) in
                        try RetentionXML.period(text, in: record)
                    },
                    due: try RetentionXML.date(try record.attribute("due"), in: record),
                    date: try node.attribute("date").map { (text: String) throws(ArchiveError) in
                        try RetentionXML.date(text, in: record)
                    },
                    authority: try record.text("authority"), eventSHA256: try record.attribute("event")))
        }
        var transfer: Transfer?
        if let node = reader.children("transfer").first {
            let element = RetentionXML.reader(node, reader)
            var bags: [Transfer.Bag] = []
            for bag in element.children("bag") {
                let bagReader = RetentionXML.reader(bag, reader)
                bags.append(
                    Transfer.Bag(
                        submission: try bagReader.attribute("submission"),
                        tagManifestSHA256: try bagReader.attribute("tagmanifest-sha256"),
                        payloadOxum: try bagReader.attribute("payload-oxum")))
            }
            transfer = Transfer(
                office: try element.attribute("office"), location: try element.attribute("location"),
                accession: node.attribute("accession"), bags: bags)
        }
        self.init(
            list: try reader.text("list"),
            action: try reader.enumeration(try reader.text("action"), as: DisposalAction.self),
            proposed: try step("proposed"), proposedEntry: try reader.child("proposed").attribute("entry"),
            schedule: try reader.child("proposed").attribute("schedule"), approved: try step("approved"),
            approvedEntry: try reader.child("approved").attribute("entry"),
            approvedForService: try reader.child("approved").attribute("service"), carriedOut: try step("carried-out"),
            method: try reader.text("method"),
            purgeCopiesBy: try reader.optional("purge-copies-by").map { (text: String) throws(ArchiveError) in
                try RetentionXML.date(text, in: reader)
            }, transfer: transfer, records: records)
    }
}
