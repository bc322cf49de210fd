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
            (["search", "grants", "--from", "19/10/2016"], 1, "“dated from” must be a date YYYY-MM-DD"),
            (["search", "grants", "--kind", "letter"], 2, "unknown kind 'letter'"),
            (["search"], 2, "give a QUERY, a filter"),
        ] {
            let outcome = try archive.run(arguments)
            #expect(outcome.status == status, "\(arguments): \(outcome.standardError)")
            #expect(outcome.standardError.contains(fragment), "\(arguments): \(outcome.standardError)")
            #expect(!outcome.standardError.lowercased().contains("sqlite"), "\(outcome.standardError)")
        }
    }

    /// The answers before the index is deleted must be real ones (two documents in two
    /// submissions, each found by its own word), so that "the same answers" after the rebuild
    /// cannot be two empty lists.
    @Test func reindexAfterDeletingTheIndexGivesTheSameAnswers() throws {
        let (archive, reference) = try prepared()
        defer { archive.remove() }
        let second = try archive.ok(
            "submission", "new", "--workflow", "best-value-submission", "--title", "Housing", "--as", "olivia")
        let plan = try archive.write("A progress report on the housing plan.", to: "housing.txt")
        let planSHA = try archive.ok(
            "document", "add", second, plan, "--kind", "annex", "--title", "Housing progress", "--as", "olivia")

        let before = try archive.ok("search", "grants OR progress", "--json")
        let hits = try JSONDecoder().decode(SearchHits.self, from: Data(before.utf8)).results
        #expect(
            Set(hits.map(\.reference)) == [reference, second] && hits.contains { $0.sha256 == planSHA },
            "the search before the rebuild found \(hits.map { "\($0.reference) \($0.title)" })")
        #expect(hits.allSatisfy { $0.snippet.contains("«") }, "\(hits.map(\.snippet))")

        try FileManager.default.removeItem(atPath: "\(archive.path)/index.sqlite")
        let rebuilt = try archive.ok("reindex")
        #expect(rebuilt.contains("indexed 2 submission(s)"), "\(rebuilt)")
        #expect(try archive.ok("search", "grants OR progress", "--json") == before)
    }
}

/// The parts of `docket search --json` these tests read.
struct SearchHits: Decodable {
    struct Hit: Decodable {
        var reference: String
        var sha256: String
        var title: String
        var snippet: String
    }

    var results: [Hit]
}
