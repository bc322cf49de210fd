import Archive
import DocketKit
import Foundation
import Index
import Reports
import Testing
import Workflow

/// Where a document's bytes are kept: whatever its name, its content and its metadata are two
/// files, and the content is the bytes archived.
@Suite struct DocumentStorageTests {
    @Test func anXMLDocumentKeepsItsContentBesideItsMetadata() throws {
        let archive = try TemporaryArchive()
        let docket = archive.docket!
        try docket.addUser("olivia", roles: [.officer])
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "XML annex", as: "olivia")
        let content = Array("<?xml version=\"1.0\"?>\n<returns><quarter>Q2</quarter></returns>\n".utf8)
        for name in ["returns.xml", "RETURNS.XML"] {
            var bytes = content
            bytes += Array(name.utf8)  // two documents, two SHA-256s
            let metadata = try docket.addDocument(
                to: reference, content: bytes,
                description: DocumentDescription(kind: .annex, title: name, originalFileName: name), as: "olivia")
            #expect(metadata.format == "application/xml")
            #expect(metadata.storedAs == "\(metadata.sha256).xmldata")
            let (_, path) = try docket.document(reference, sha256: metadata.sha256)
            let stored = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(stored == bytes, "\(name): the stored content is not what was archived")
            #expect(ArchiveStore.sha256(stored) == metadata.sha256)
        }
        let problems = try docket.verify().filter { $0.severity == .problem }
        #expect(problems.isEmpty, "\(problems.map(\.description))")
    }
}

extension DocumentStorageTests {
    /// A file whose name says nothing of its format is recognised by its content, stored
    /// under the extension that content implies, and its words are found.
    @Test func aFileWithoutAnExtensionIsRecognisedByItsContent() throws {
        let archive = try TemporaryArchive()
        let docket = archive.docket!
        try docket.addUser("olivia", roles: [.officer])
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "No names", as: "olivia")
        let word = RichDocument(
            title: "Action tracker", blocks: [.paragraph(number: nil, text: "Quarterly zygomorphic returns")])
        let cases: [(name: String, content: [UInt8], format: String, stored: String)] = [
            ("x", Array("Minutes of the xylophonic working group\n".utf8), "text/plain", "txt"),
            (
                "../../notes", Array("<!DOCTYPE html><html><body><p>quixotic</p></body></html>".utf8), "text/html",
                "html"
            ),
            (
                "tracker", try DOCXWriter.write(word, created: Date(timeIntervalSince1970: 0), creator: "test"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
            ),
            ("scan", Array("%PDF-1.4\n%%EOF\n".utf8), "application/pdf", "pdf"),
            ("blob", [0x00, 0x01, 0x02, 0xFF, 0xFE], "application/octet-stream", "bin"),
            ("data", Array("<?xml version=\"1.0\"?><returns/>\n".utf8), "application/xml", "xmldata"),
        ]
        for entry in cases {
            let metadata = try docket.addDocument(
                to: reference, content: entry.content,
                description: DocumentDescription(kind: .annex, title: entry.name, originalFileName: entry.name),
                as: "olivia")
            #expect(metadata.format == entry.format, "\(entry.name)")
            #expect(metadata.storedAs == "\(metadata.sha256).\(entry.stored)", "\(entry.name)")
        }
        for word in ["xylophonic", "quixotic", "zygomorphic"] {
            let hits = try docket.search(SearchRequest(query: try SearchQuery(word))).hits
            #expect(hits.count == 1, "\(word): \(hits.map(\.title))")
        }
        let problems = try docket.verify().filter { $0.severity == .problem }
        #expect(problems.isEmpty, "\(problems.map(\.description))")
    }
}
