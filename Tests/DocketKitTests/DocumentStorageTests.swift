import Archive
import DocketKit
import Foundation
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
