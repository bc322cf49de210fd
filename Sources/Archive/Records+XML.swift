import Foundation
import Workflow
import XML

extension SubmissionRecord {
    var xml: XMLElement {
        var children = [ArchiveXML.element("reference", reference), ArchiveXML.element("title", title)]
        if let series { children.append(ArchiveXML.element("series", series)) }
        if let service { children.append(ArchiveXML.element("service", service)) }
        children += [
            ArchiveXML.workflowPin(workflowName, digest: workflowDigest),
            ArchiveXML.element("created", ArchiveXML.instant(created)),
            ArchiveXML.actor("created-by", createdBy),
        ]
        return ArchiveXML.root("submission", children)
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        let workflow = try reader.child("workflow")
        self.init(
            reference: try reader.text("reference"), title: try reader.text("title"),
            series: reader.optional("series"), service: reader.optional("service"),
            workflowName: try workflow.attribute("name"), workflowDigest: try workflow.attribute("digest"),
            created: try reader.instant("created"), createdBy: try reader.actor("created-by"))
    }
}

extension StoredEvent {
    var xml: XMLElement {
        var children = [
            ArchiveXML.element("sequence", String(sequence)),
            ArchiveXML.element("submission", submission),
            ArchiveXML.element("time", ArchiveXML.instant(time)),
            ArchiveXML.actor("actor", actor),
            ArchiveXML.element("previous", previous),
        ]
        switch body {
        case .transition(let transition):
            var parts = [
                ArchiveXML.element("name", transition.name),
                ArchiveXML.element("from", transition.from),
                ArchiveXML.element("to", transition.to),
                ArchiveXML.workflowPin(transition.workflowName, digest: transition.workflowDigest),
            ]
            if let comment = transition.comment { parts.append(ArchiveXML.element("comment", comment)) }
            for (name, value) in transition.fields.sorted(by: { $0.key < $1.key }) {
                parts.append(
                    XMLElement(
                        "field", namespace: ArchiveXML.namespace, attributes: [XMLAttribute("name", value: name)],
                        text: value))
            }
            parts += transition.documents.map { ArchiveXML.pack("document", $0) }
            children.append(XMLElement("transition", namespace: ArchiveXML.namespace, elements: parts))
        case .documentAdded(let document, let metadataSHA256, let replaces):
            var element = ArchiveXML.pack("document-added", document)
            if let metadataSHA256 {
                element.attributes.append(XMLAttribute("metadata-sha256", value: metadataSHA256))
            }
            if let replaces { element.attributes.append(XMLAttribute("replaces", value: replaces)) }
            children.append(element)
        case .documentRemoved(let document, let reason):
            var element = ArchiveXML.pack("document-removed", document)
            element.children = [.element(ArchiveXML.element("reason", reason))]
            children.append(element)
        case .correspondenceFiled(let filing):
            let documents = filing.documents.map { filed in
                var element = ArchiveXML.pack("document", filed.document)
                element.attributes.append(XMLAttribute("metadata-sha256", value: filed.metadataSHA256))
                return element
            }
            children.append(
                XMLElement(
                    "correspondence-filed", namespace: ArchiveXML.namespace,
                    attributes: [
                        XMLAttribute("message", value: filing.message),
                        XMLAttribute("how", value: filing.rule.rawValue),
                    ], elements: documents))
            // Only format 4 holds a filing; no other event needs it.
            return ArchiveXML.inFormat4(ArchiveXML.root("event", children))
        case .recordsDisposed(let disposal):
            let documents = disposal.documents.map { disposed in
                var element = ArchiveXML.pack("document", disposed.document)
                element.attributes.append(XMLAttribute("class", value: disposed.retentionClass))
                return element
            }
            var attributes = [XMLAttribute("list", value: disposal.list)]
            if let transferred = disposal.transferred {
                attributes += [
                    XMLAttribute("office", value: transferred.office),
                    XMLAttribute("location", value: transferred.location),
                    XMLAttribute("tagmanifest-sha256", value: transferred.tagManifestSHA256),
                ]
            }
            let name = disposal.action == .destroy ? "records-destroyed" : "records-transferred"
            children.append(
                XMLElement(name, namespace: ArchiveXML.namespace, attributes: attributes, elements: documents))
            // Only format 6 holds a disposal.
            return ArchiveXML.inFormat6(ArchiveXML.root("event", children))
        }
        let event = ArchiveXML.root("event", children)
        // An actor in a role the first formats do not name needs format 5 (which also holds
        // everything format 2 adds); otherwise the oldest format that holds the event.
        if let role = actor.role, !role.isInFirstFormats { return ArchiveXML.inFormat5(event) }
        return needsFormat2 ? ArchiveXML.inFormat2(event) : event
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        let body: Body
        if let added = reader.children("document-added").first {
            body = .documentAdded(
                try reader.pack(added), metadataSHA256: added.attribute("metadata-sha256"),
                replaces: added.attribute("replaces"))
        } else if let filed = reader.children("correspondence-filed").first {
            let element = ElementReader(node: filed, path: reader.path, namespace: reader.namespace)
            var documents: [CorrespondenceFiling.Filed] = []
            for node in element.children("document") {
                documents.append(
                    CorrespondenceFiling.Filed(
                        document: try reader.pack(node),
                        metadataSHA256: try ElementReader(node: node, path: reader.path).attribute("metadata-sha256")))
            }
            body = .correspondenceFiled(
                CorrespondenceFiling(
                    message: try element.attribute("message"),
                    rule: try reader.enumeration(try element.attribute("how"), as: FilingRule.self),
                    documents: documents))
        } else if let disposed = reader.children("records-destroyed").first
            ?? reader.children("records-transferred").first
        {
            let element = ElementReader(node: disposed, path: reader.path, namespace: reader.namespace)
            var documents: [RecordsDisposal.Disposed] = []
            for node in element.children("document") {
                documents.append(
                    RecordsDisposal.Disposed(
                        document: try reader.pack(node),
                        retentionClass: try ElementReader(node: node, path: reader.path).attribute("class")))
            }
            body = .recordsDisposed(
                RecordsDisposal(
                    list: try element.attribute("list"),
                    action: disposed.name == "records-destroyed" ? .destroy : .transfer,
                    transferred: disposed.name == "records-destroyed"
                        ? nil
                        : RecordsDisposal.Transferred(
                            office: try element.attribute("office"), location: try element.attribute("location"),
                            tagManifestSHA256: try element.attribute("tagmanifest-sha256")),
                    documents: documents))
        } else if let removed = reader.children("document-removed").first {
            let reason = try ElementReader(node: removed, path: reader.path, namespace: reader.namespace).text("reason")
            body = .documentRemoved(try reader.pack(removed), reason: reason)
        } else {
            let transition = try reader.child("transition")
            let workflow = try transition.child("workflow")
            var fields: [String: String] = [:]
            for field in transition.children("field") {
                fields[try ElementReader(node: field, path: reader.path).attribute("name")] = field.text
            }
            var documents: [PackDocument] = []
            for document in transition.children("document") {
                documents.append(try reader.pack(document))
            }
            body = .transition(
                TransitionBody(
                    name: try transition.text("name"), from: try transition.text("from"), to: try transition.text("to"),
                    workflowName: try workflow.attribute("name"), workflowDigest: try workflow.attribute("digest"),
                    comment: transition.optional("comment"), fields: fields, documents: documents))
        }
        self.init(
            sequence: try reader.integer("sequence"), submission: try reader.text("submission"),
            time: try reader.instant("time"), actor: try reader.actor("actor"), previous: try reader.text("previous"),
            body: body)
    }
}

extension DocumentMetadata {
    var xml: XMLElement {
        var children = [
            ArchiveXML.element("identifier", sha256),
            ArchiveXML.element("submission", submission),
            ArchiveXML.element("title", title),
            ArchiveXML.element("kind", kind.rawValue),
        ]
        if let date { children.append(ArchiveXML.element("date", date.description)) }
        if let creator { children.append(ArchiveXML.party("creator", creator)) }
        children += addressees.map { ArchiveXML.party("addressee", $0) }
        children.append(ArchiveXML.element("direction", direction.rawValue))
        if let annex { children.append(ArchiveXML.element("annex", annex)) }
        children += [
            ArchiveXML.element("format", format),
            ArchiveXML.element("size", String(size)),
            ArchiveXML.element("original-file-name", originalFileName),
            ArchiveXML.element("stored-as", storedAs),
        ]
        if let description { children.append(ArchiveXML.element("description", description)) }
        children.append(ArchiveXML.element("protective-marking", protectiveMarking))
        for relation in relations {
            children.append(
                XMLElement(
                    "relation", namespace: ArchiveXML.namespace,
                    attributes: [
                        XMLAttribute("type", value: relation.kind.rawValue),
                        XMLAttribute("target", value: relation.target),
                    ]))
        }
        children += [
            ArchiveXML.element("added", ArchiveXML.instant(added)),
            ArchiveXML.actor("added-by", addedBy),
        ]
        let document = ArchiveXML.root("document", children)
        // The oldest format that holds the document: 4 for a "part-of" relation, 2 for
        // "replaces", otherwise 1.
        if relations.contains(where: { $0.kind == .partOf }) { return ArchiveXML.inFormat4(document) }
        return relations.contains { $0.kind == .replaces } ? ArchiveXML.inFormat2(document) : document
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        var relations: [Relation] = []
        for node in reader.children("relation") {
            let relation = ElementReader(node: node, path: reader.path)
            let kind = try reader.enumeration(try relation.attribute("type"), as: Relation.Kind.self)
            // The schema of a format-1 file has no "replaces" (nor format 2's a "part-of"); a
            // reader must not accept one there.
            let format4 = reader.namespace == ArchiveXML.namespace4.uri
            guard kind != .replaces || reader.namespace == ArchiveXML.namespace2.uri || format4 else {
                throw .damaged(path: reader.path, reason: "a format-1 file cannot hold a 'replaces' relation")
            }
            guard kind != .partOf || format4 else {
                throw .damaged(path: reader.path, reason: "only a format-4 file can hold a 'part-of' relation")
            }
            relations.append(
                Relation(
                    kind: kind,
                    target: try relation.attribute("target")))
        }
        self.init(
            sha256: try reader.text("identifier"), submission: try reader.text("submission"),
            title: try reader.text("title"),
            kind: try reader.enumeration(try reader.text("kind"), as: DocumentKind.self),
            date: reader.optional("date").flatMap(CalendarDate.init(iso:)),
            creator: reader.children("creator").first.map(reader.party),
            addressees: reader.children("addressee").map(reader.party),
            direction: try reader.enumeration(try reader.text("direction"), as: Direction.self),
            annex: reader.optional("annex"), format: try reader.text("format"), size: try reader.integer("size"),
            originalFileName: try reader.text("original-file-name"), storedAs: try reader.text("stored-as"),
            description: reader.optional("description"), protectiveMarking: try reader.text("protective-marking"),
            relations: relations, added: try reader.instant("added"), addedBy: try reader.actor("added-by"))
    }
}

extension UserRecord {
    var xml: XMLElement {
        var children = [ArchiveXML.element("name", name)]
        if let fullName { children.append(ArchiveXML.element("full-name", fullName)) }
        if let email { children.append(ArchiveXML.element("email", email)) }
        if let notify { children.append(ArchiveXML.element("notify", notify.rawValue)) }
        if let identity {
            children.append(
                XMLElement(
                    "identity", namespace: ArchiveXML.namespace,
                    attributes: [
                        XMLAttribute("issuer", value: identity.issuer),
                        XMLAttribute("subject", value: identity.subject),
                        XMLAttribute("linked", value: ArchiveXML.instant(identity.linked)),
                    ]))
        }
        if let disabled {
            var element = ArchiveXML.element("disabled", disabled.reason)
            element.attributes = [
                XMLAttribute("at", value: ArchiveXML.instant(disabled.at)), XMLAttribute("by", value: disabled.by),
            ]
            children.append(element)
        }
        children += roles.map { ArchiveXML.element("role", $0.rawValue) }
        for delegation in delegations {
            children.append(
                XMLElement(
                    "delegation", namespace: ArchiveXML.namespace,
                    attributes: [
                        XMLAttribute("from", value: delegation.from),
                        XMLAttribute("role", value: delegation.role.rawValue),
                        XMLAttribute("until", value: delegation.until.description),
                        XMLAttribute("granted", value: ArchiveXML.instant(delegation.granted)),
                        XMLAttribute("granted-by", value: delegation.grantedBy),
                    ]))
        }
        children += [
            ArchiveXML.element("created", ArchiveXML.instant(created)),
            ArchiveXML.element("created-by", createdBy),
        ]
        let user = ArchiveXML.root("user", children)
        // The oldest format that holds the record: 3 for an identity link, a disabled account,
        // no role or a role formats 1 and 2 do not name; 2 for mail settings; otherwise 1.
        let laterRole = (roles + delegations.map(\.role)).contains { !$0.isInFirstFormats }
        if identity != nil || disabled != nil || roles.isEmpty || laterRole { return ArchiveXML.inFormat3(user) }
        return email != nil || notify != nil ? ArchiveXML.inFormat2(user) : user
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        var roles: [Role] = []
        for node in reader.children("role") {
            roles.append(try reader.enumeration(node.text, as: Role.self))
        }
        var delegations: [Delegation] = []
        for node in reader.children("delegation") {
            let delegation = ElementReader(node: node, path: reader.path)
            guard let until = CalendarDate(iso: try delegation.attribute("until")),
                let granted = ArchiveXML.parseInstant(try delegation.attribute("granted"))
            else { throw .damaged(path: reader.path, reason: "a delegation has a bad date") }
            delegations.append(
                Delegation(
                    from: try delegation.attribute("from"),
                    role: try reader.enumeration(try delegation.attribute("role"), as: Role.self), until: until,
                    granted: granted, grantedBy: try delegation.attribute("granted-by")))
        }
        let identity = try reader.children("identity").first.map { (node) throws(ArchiveError) in
            let element = ElementReader(node: node, path: reader.path)
            guard let linked = ArchiveXML.parseInstant(try element.attribute("linked")) else {
                throw .damaged(path: reader.path, reason: "the identity link has a bad date")
            }
            return IdentityLink(
                issuer: try element.attribute("issuer"), subject: try element.attribute("subject"), linked: linked)
        }
        let disabled = try reader.children("disabled").first.map { (node) throws(ArchiveError) in
            let element = ElementReader(node: node, path: reader.path)
            guard let at = ArchiveXML.parseInstant(try element.attribute("at")) else {
                throw .damaged(path: reader.path, reason: "the disabling has a bad date")
            }
            return Disabling(at: at, by: try element.attribute("by"), reason: node.text)
        }
        self.init(
            name: try reader.text("name"), fullName: reader.optional("full-name"), email: reader.optional("email"),
            notify: try reader.optional("notify").map { (value: String) throws(ArchiveError) in
                try reader.enumeration(value, as: NotifyChoice.self)
            }, identity: identity, disabled: disabled, roles: roles,
            delegations: delegations, created: try reader.instant("created"), createdBy: try reader.text("created-by"))
    }
}
