import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow

/// A report edited after its agenda was published: known as such until archived again, said in
/// the pack's listing, and its new archived version marked as one.
extension BoardBusinessTests {
    @Test func aReportEditedAfterPublicationIsKnownListedAndVersioned() throws {
        let meeting = try board()
        let reference = try responded("edited after publication")
        try schedule(reference, for: meeting)
        #expect(try !docket.reportChangedSincePublication(reference, for: meeting), "nothing archived yet")
        try docket.publishAgenda(meeting, as: "clive")
        #expect(try docket.reportsChangedSincePublication(meeting).isEmpty, "as archived")
        #expect(try !listing(meeting).contains("Warning"))

        archive.advance(days: 1)
        try docket.editReportSection(reference, section: .finance, text: "Within budget.", as: "olivia")
        #expect(try docket.reportsChangedSincePublication(meeting) == [reference])
        let warned = try listing(meeting)
        #expect(warned.contains("(\(reference)): its report was edited after the agenda was published"))

        // Archived again: a second pair, each title saying which version it is.
        try docket.publishAgenda(meeting, as: "clive")
        #expect(try docket.reportsChangedSincePublication(meeting).isEmpty)
        let titles = try docket.submission(reference).documents.filter { $0.kind == .boardReport }.map(\.title)
        #expect(titles.count == 4)
        #expect(Set(titles).count == 4, "\(titles)")
        #expect(titles.prefix(2).allSatisfy { !$0.contains("version") }, "\(titles)")
        #expect(titles.suffix(2).allSatisfy { $0.hasPrefix("Board report (version 2): ") }, "\(titles)")
    }

    @Test func everySentenceOfTheStandardReportTextBeginsWithACapital() throws {
        for section in ReportSectionName.allCases {
            for inSeries in [true, false] {
                // As a report prints it: placeholders filled, as in the model case.
                let text = try ReportTemplate.fill(DocketArchive.templateText(section, inSeries: inSeries)) {
                    $0.example
                }
                for paragraph in text.components(separatedBy: "\n\n") {
                    for sentence in paragraph.components(separatedBy: ". ") {
                        let first = sentence.first { $0.isLetter }
                        #expect(first?.isUppercase == true, "\(section) (series: \(inSeries)): “\(sentence)”")
                    }
                }
            }
        }
    }

    /// The `contents.txt` of meeting `id`'s full pack, read by Python's zipfile.
    func listing(_ id: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-pack-\(UUID().uuidString).zip")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try docket.writeMeetingPack(id, public: false, to: path)
        let python = try ExternalTool.locate("python3", package: "python3")
        return try python.runSucceeding(
            ["-c", "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read('contents.txt').decode())", path],
            timeout: 30
        ).standardOutput
    }
}
