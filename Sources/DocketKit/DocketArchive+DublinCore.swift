import Archive
import Foundation
import Workflow
import XML

/// One statement about a resource in DCMI Metadata Terms: a `http://purl.org/dc/terms/`
/// element, its value and, where one applies, the encoding scheme that value follows
/// (written as `xsi:type="dcterms:SCHEME"`).
struct DublinCoreStatement: Sendable, Hashable {
    /// The term's local name, e.g. `title`, `isReplacedBy`.
    var term: String
    var value: String
    /// A dcterms encoding scheme, e.g. `W3CDTF`, `IMT`, `DCMIType`.
    var scheme: String?
}

/// A resource of the bag described in Dublin Core: the submission, or one document's content file.
struct DublinCoreRecord: Sendable, Hashable {
    /// The described file as Archivematica names it in a bag: its path from the bag's root,
    /// `data/…` (nil for the submission, which is no one file).
    var path: String?
    var statements: [DublinCoreStatement]

    /// The values of `term`, in order; only those in `scheme` when one is named.
    func values(_ term: String, scheme: String? = nil) -> [String] {
        statements.filter { $0.term == term && (scheme == nil || $0.scheme == scheme) }.map(\.value)
    }
}

/// How Docket's records are described in DCMI Metadata Terms.
enum DublinCore {
    /// The DCMI Metadata Terms namespace (`dcterms.xsd`).
    static let terms = XMLNamespace(prefix: "dcterms", uri: "http://purl.org/dc/terms/")
    static let schemaInstance = XMLNamespace(prefix: "xsi", uri: "http://www.w3.org/2001/XMLSchema-instance")
    /// Docket's container for the records: dcterms.xsd declares terms but no document element.
    static let container = XMLNamespace(uri: "urn:docket:dublin-core:1")

    /// The DCMI Type of a document, from its media type: council papers, letters and emails
    /// are texts; pictures, sound and film are what DCMI calls them.
    static func dcmiType(ofMediaType format: String) -> String {
        switch format.split(separator: "/").first.map({ $0.lowercased() }) {
        case "image": "StillImage"
        case "audio": "Sound"
        case "video": "MovingImage"
        default: "Text"
        }
    }

    /// The dcterms relation a Docket relation states, and its inverse (stated on the target).
    static func terms(for kind: Relation.Kind) -> (forward: String, inverse: String) {
        switch kind {
        case .annexOf, .partOf: ("isPartOf", "hasPart")
        case .replyTo: ("references", "isReferencedBy")
        case .versionOf: ("isVersionOf", "hasVersion")
        case .replaces: ("replaces", "isReplacedBy")
        }
    }

    /// A W3CDTF instant (an `xs:dateTime` in UTC).
    static func instant(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }

    /// The submission as a whole: a collection, part of its series when it has one.
    static func record(of submission: SubmissionRecord) -> DublinCoreRecord {
        var statements = [
            DublinCoreStatement(term: "identifier", value: submission.reference),
            DublinCoreStatement(term: "title", value: submission.title),
            DublinCoreStatement(term: "type", value: "Collection", scheme: "DCMIType"),
            DublinCoreStatement(term: "created", value: instant(submission.created), scheme: "W3CDTF"),
        ]
        if let series = submission.series { statements.append(DublinCoreStatement(term: "isPartOf", value: series)) }
        return DublinCoreRecord(path: nil, statements: statements)
    }

    /// One document. Its SHA-256 is its first identifier, and what relations name: the
    /// identifier by which the record of the document at the other end is found.
    ///
    /// - Parameters:
    ///   - path: the content file's path from the bag's root (`data/…`).
    ///   - inverse: relations other documents state about this one, as (term, their SHA-256).
    static func record(
        of document: DocumentMetadata, path: String, inverse: [(term: String, target: String)]
    ) -> DublinCoreRecord {
        var statements = [
            DublinCoreStatement(term: "identifier", value: document.sha256),
            DublinCoreStatement(term: "identifier", value: path),
            DublinCoreStatement(term: "title", value: document.title),
        ]
        if let annex = document.annex {
            statements.append(DublinCoreStatement(term: "alternative", value: "Annex \(annex)"))
        }
        if let creator = document.creator {
            statements.append(DublinCoreStatement(term: "creator", value: "\(creator)"))
        }
        if let date = document.date {
            statements.append(DublinCoreStatement(term: "created", value: "\(date)", scheme: "W3CDTF"))
        }
        // When it was filed in the record: the one date every document has.
        statements.append(DublinCoreStatement(term: "dateSubmitted", value: instant(document.added), scheme: "W3CDTF"))
        statements += [
            DublinCoreStatement(term: "type", value: dcmiType(ofMediaType: document.format), scheme: "DCMIType"),
            // Docket's own kind (cover-letter, response …), for a reader who knows the workflow.
            DublinCoreStatement(term: "type", value: document.kind.rawValue),
            DublinCoreStatement(term: "format", value: document.format, scheme: "IMT"),
            DublinCoreStatement(term: "extent", value: "\(document.size) bytes"),
        ]
        if let description = document.description {
            statements.append(DublinCoreStatement(term: "description", value: description))
        }
        statements += [
            DublinCoreStatement(term: "isPartOf", value: document.submission),
            DublinCoreStatement(term: "accessRights", value: document.protectiveMarking),
        ]
        for relation in document.relations {
            statements.append(DublinCoreStatement(term: terms(for: relation.kind).forward, value: relation.target))
        }
        for (term, target) in inverse { statements.append(DublinCoreStatement(term: term, value: target)) }
        return DublinCoreRecord(path: path, statements: statements)
    }

    // MARK: - Dublin Core XML

    /// `<records xmlns="urn:docket:dublin-core:1">`, one `<record>` of dcterms elements per
    /// resource; each record is a `dcterms:elementOrRefinementContainer`.
    static func xml(_ records: [DublinCoreRecord]) -> XMLElement {
        var root = XMLElement(
            "records", namespace: container,
            elements: records.map { record in
                XMLElement("record", namespace: container, elements: record.statements.map(element))
            })
        // Declared once at the root, so that every `xsi:type` value finds the dcterms prefix bound.
        root.declaredNamespaces = [terms, schemaInstance]
        return root
    }

    private static func element(_ statement: DublinCoreStatement) -> XMLElement {
        let attributes = statement.scheme.map {
            [XMLAttribute("type", namespace: schemaInstance, value: "\(terms.prefix ?? "dcterms"):\($0)")]
        }
        return XMLElement(statement.term, namespace: terms, attributes: attributes ?? [], text: statement.value)
    }

    // MARK: - Archivematica's metadata.csv

    /// A column of `metadata.csv`: its heading and a record's values under it.
    struct CSVColumn {
        var heading: String
        var values: (DublinCoreRecord) -> [String]

        /// Every value of a dcterms term, under `dcterms.TERM`.
        static func term(_ term: String) -> CSVColumn {
            CSVColumn(heading: "dcterms.\(term)") { $0.values(term) }
        }
    }

    /// The columns of `metadata.csv`, each repeated as often as the record with the most values
    /// needs (Archivematica's way with repeated elements) and left out when no record has one.
    /// Archivematica reads `dc.ELEMENT` and `dcterms.TERM` headings as Dublin Core.
    static var csvColumns: [CSVColumn] {
        let elements: [CSVColumn] = [
            CSVColumn(heading: "dc.title") { $0.values("title") },
            CSVColumn(heading: "dc.creator") { $0.values("creator") },
            // The document's own date when it has one, otherwise the day it was filed.
            CSVColumn(heading: "dc.date") { Array(($0.values("created") + $0.values("dateSubmitted")).prefix(1)) },
            CSVColumn(heading: "dc.type") { $0.values("type", scheme: "DCMIType") },
            CSVColumn(heading: "dc.format") { $0.values("format") },
            CSVColumn(heading: "dc.identifier") { Array($0.values("identifier").prefix(1)) },
            CSVColumn(heading: "dc.description") { $0.values("description") },
        ]
        let terms: [String] = [
            "alternative", "isPartOf", "accessRights", "hasPart", "references", "isReferencedBy", "isVersionOf",
            "hasVersion", "replaces", "isReplacedBy",
        ]
        return elements + terms.map(CSVColumn.term)
    }

    /// `metadata.csv` for the records of files (the submission's record has no file to name).
    ///
    /// `filename` is the path from the bag's root, `data/…`: for a bag transfer Archivematica
    /// reads `filename` with the payload directory in it (its "Adding metadata to bags"
    /// documentation), where a standard transfer's paths begin `objects/`.
    static func csv(_ records: [DublinCoreRecord]) -> String {
        let files = records.filter { $0.path != nil }
        let columns: [(column: CSVColumn, width: Int)] = csvColumns.map { column in
            (column, files.map { column.values($0).count }.max() ?? 0)
        }
        let header = ["filename"] + columns.flatMap { Array(repeating: $0.column.heading, count: $0.width) }
        let rows: [[String]] = files.map { record in
            var row = [record.path ?? ""]
            for (column, width) in columns {
                let found = column.values(record)
                row += found + Array(repeating: "", count: width - found.count)
            }
            return row
        }
        return ([header] + rows).map(CSVText.record).joined()
    }
}

/// Comma-separated values as RFC 4180 writes them.
enum CSVText {
    /// One record: fields joined by commas, ended by CRLF.
    static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// A field, quoted when it holds a comma, a quote or a line break (quotes doubled), and
    /// when it starts or ends with a space, which some readers would otherwise trim.
    static func field(_ text: String) -> String {
        let needsQuotes =
            text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension DocketArchive {
    /// Where the descriptive metadata goes in the bag's payload, beside `submissions/`.
    static let dublinCorePath = "metadata/dublin-core.xml"
    /// Archivematica looks for `metadata/metadata.csv` in a transfer; in a bag, under `data/`.
    static let archivematicaCSVPath = "metadata/metadata.csv"

    /// The payload files describing the documents the plan packages, in Dublin Core: one
    /// record for the submission and one for each document content file, written as XML
    /// and as Archivematica's `metadata.csv`. Built from the plan, so that a document whose
    /// content is not packaged is not described.
    func descriptiveMetadata(plan: [BagItem], view: SubmissionView) throws(DocketError) -> [BagItem] {
        let records = [DublinCore.record(of: view.record)] + documentRecords(plan: plan, view: view)
        let xml: [UInt8]
        do {
            xml = try XMLDocument(root: DublinCore.xml(records), source: Self.dublinCorePath).serialized()
        } catch {
            throw .bagNotWritten(path: Self.dublinCorePath, reason: "\(error)")
        }
        return [
            // Made here, not copied: `source` only names them in a failure.
            BagItem(source: Self.dublinCorePath, name: Self.dublinCorePath, inMemory: xml),
            BagItem(
                source: Self.archivematicaCSVPath, name: Self.archivematicaCSVPath,
                inMemory: Array(DublinCore.csv(records).utf8)),
        ]
    }

    /// One record per document content file in the plan, in the plan's order, each with the
    /// inverse of the relations other packaged documents state about it.
    private func documentRecords(plan: [BagItem], view: SubmissionView) -> [DublinCoreRecord] {
        let base = "submissions/\(view.record.reference)/documents"
        let packaged = Set(plan.map(\.name))
        var seen: Set<String> = []
        let documents = (view.documents + view.departedDocuments.map(\.metadata)).filter {
            packaged.contains("\(base)/\($0.storedAs)") && seen.insert($0.sha256).inserted
        }
        var inverse: [String: [(term: String, target: String)]] = [:]
        for document in documents {
            for relation in document.relations where seen.contains(relation.target) {
                inverse[relation.target, default: []].append(
                    (DublinCore.terms(for: relation.kind).inverse, document.sha256))
            }
        }
        return documents.map {
            DublinCore.record(of: $0, path: "data/\(base)/\($0.storedAs)", inverse: inverse[$0.sha256] ?? [])
        }
    }
}
