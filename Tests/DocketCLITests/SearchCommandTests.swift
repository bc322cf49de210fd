import Foundation
import Testing

/// `docket search`, `reindex` and `submission show --thread` through the real binary.
@Suite struct SearchCommandTests {
    func prepared() throws -> (ScratchArchive, String) {
        let archive = try ScratchArchive("search")
        let reference = try archive.startSubmission()
        let letter = try archive.write(
            "The Commissioners note progress on grants to voluntary groups.", to: "reply.txt")
        try archive.ok(
            "document", "add", reference, letter, "--kind", "response", "--title", "Commissioners' reply",
            "--from", "Max Caller (Commissioners)", "--date", "2016-10-05", "--as", "olivia")
        return (archive, reference)
    }

    @Test func findsHighlightsAndPrintsJSON() throws {
        let (archive, reference) = try prepared()
        defer { archive.remove() }
        let text = try archive.ok("search", "grant*")
        #expect(text.contains("1. \(reference)  Commissioners' reply"), "\(text)")
        #expect(text.contains("«grants»"), "\(text)")
        let json = try archive.ok("search", "--party", "max caller", "--kind", "response", "--json")
        #expect(json.contains("\"snippet\""))
        #expect(json.contains("\"reference\" : \"\(reference)\""))
        #expect(try archive.ok("search", "zebra") == "no documents found")
        let thread = try archive.ok("submission", "show", reference, "--thread", "--json")
        #expect(thread.contains("Commissioners' reply"))
    }

    @Test func badQueriesAndFiltersGetASentenceNotAnSQLiteError() throws {
        let (archive, _) = try prepared()
        defer { archive.remove() }
        for (arguments, status, fragment) in [
            (["search", "grants AND"], Int32(1), "bad search query: AND at column 8 needs a word after it"),
            (["search", "\"grants"], 1, "the quote at column 1 is never closed"),
            (["search", "grants", "--from", "19/10/2016"], 1, "--from must be a date YYYY-MM-DD"),
            (["search", "grants", "--kind", "letter"], 2, "unknown kind 'letter'"),
            (["search"], 2, "give a QUERY, a filter"),
        ] {
            let outcome = try archive.run(arguments)
            #expect(outcome.status == status, "\(arguments): \(outcome.standardError)")
            #expect(outcome.standardError.contains(fragment), "\(arguments): \(outcome.standardError)")
            #expect(!outcome.standardError.lowercased().contains("sqlite"), "\(outcome.standardError)")
        }
    }

    @Test func reindexAfterDeletingTheIndexGivesTheSameAnswers() throws {
        let (archive, _) = try prepared()
        defer { archive.remove() }
        let before = try archive.ok("search", "grants OR progress", "--json")
        try FileManager.default.removeItem(atPath: "\(archive.path)/index.sqlite")
        let rebuilt = try archive.ok("reindex")
        #expect(rebuilt.contains("indexed 1 submission(s)"), "\(rebuilt)")
        #expect(try archive.ok("search", "grants OR progress", "--json") == before)
    }
}
