import DocketKit
import Foundation
import Index

/// `docket-bench scale --check`: the searches the benchmark times must also be right, so that
/// a smoke run of the benchmark fails when search is broken (fast answers that find nothing
/// would otherwise pass).
///
/// Three checks, on any archive from `scale-generate` of 3,000 documents or more:
/// - every query but the rare word finds something (the generator's vocabulary puts each of
///   their words and phrases in many documents at that size);
/// - every hit of a filtered query meets its filters (kind, state, dates, party);
/// - a word search (the middling word) finds every document whose stored text has the word,
///   and nothing whose text, title and parties lack it: the index against the files.
extension ScaleBenchmark {
    func checkResults(_ queries: [Query]) throws {
        let docket = try DocketArchive(opening: archive)
        let index = try docket.index()
        var failures: [String] = []
        var counts: [String] = []
        for query in queries {
            var request = query.request
            request.limit = 1_000
            let hits = try index.search(request).hits
            counts.append("\(query.name.split(separator: ":")[0]) \(hits.count)")
            if hits.isEmpty && !query.name.hasPrefix("rare word") {
                failures.append("\(query.name): no document found")
            }
            for hit in hits {
                if let problem = Self.filterProblem(hit, request) {
                    failures.append("\(query.name): \(hit.reference) \(hit.sha256.prefix(12)) \(problem)")
                    break
                }
            }
        }
        failures += try checkWordSearch(Words.tail[300], index: index)
        print("results check: hits per query (first 1,000): \(counts.joined(separator: ", "))")
        guard failures.isEmpty else {
            throw BenchError(
                "the search results are wrong (\(failures.count) finding(s)):\n  "
                    + failures.prefix(20).joined(separator: "\n  "))
        }
        print("results check: every query found what it must, every hit met its filters")
    }

    /// Why `hit` does not meet the filters of `request`, or nil.
    static func filterProblem(_ hit: DocumentHit, _ request: SearchRequest) -> String? {
        if !request.kinds.isEmpty, !request.kinds.contains(hit.kind) {
            return "is a \(hit.kind), not one of \(request.kinds)"
        }
        if let state = request.state, hit.submissionState != state {
            return "is in state \(hit.submissionState), not \(state)"
        }
        if request.from != nil || request.to != nil {
            guard let date = hit.date else { return "has no date, but the search asked for dates" }
            if let from = request.from, date < from { return "is dated \(date), before \(from)" }
            if let to = request.to, date > to { return "is dated \(date), after \(to)" }
        }
        if let party = request.party {
            let parties = ([hit.creator ?? ""] + hit.addressees).joined(separator: " | ").lowercased()
            if !parties.contains(party.lowercased()) { return "has parties \(parties), not \(party)" }
        }
        return nil
    }

    /// Searches for `word` (every page) and compares the hits with the stored files.
    func checkWordSearch(_ word: String, index: SearchIndex) throws -> [String] {
        var found: [String: DocumentHit] = [:]
        var request = SearchRequest(query: try SearchQuery(word), limit: 1_000)
        while true {
            let page = try index.search(request)
            for hit in page.hits { found[hit.sha256] = hit }
            guard page.hasMore, request.offset < 1_000_000 else { break }
            request.offset += page.hits.count
        }
        var containing: Set<String> = []
        var failures: [String] = []
        for (sha, text) in documentTexts() {
            let words = Set(text.lowercased().split { !$0.isLetter })
            if words.contains(Substring(word)) { containing.insert(sha) }
            if let hit = found[sha] {
                // Stemming may match another form of the word: the stem must be there.
                let stem = String(word.prefix(max(3, word.count - 2)))
                let haystack = ([text, hit.title, hit.creator ?? ""] + hit.addressees).joined(separator: " ")
                    .lowercased()
                if !haystack.contains(stem) {
                    failures.append("search \(word): found \(hit.reference) \(sha.prefix(12)), which lacks the word")
                }
            }
        }
        for sha in containing.subtracting(found.keys).sorted().prefix(5) {
            failures.append("search \(word): missed document \(sha.prefix(12)), whose text has the word")
        }
        if containing.isEmpty { failures.append("search \(word): no stored document has the word to check against") }
        print("results check: '\(word)' is in \(containing.count) stored document(s); the search found \(found.count)")
        return failures
    }

    /// Each stored document's text (content files, not metadata), by SHA-256.
    func documentTexts() -> [(String, String)] {
        var texts: [(String, String)] = []
        let submissions = "\(archive)/submissions"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: submissions)) ?? [] where !name.hasPrefix(".")
        {
            let documents = "\(submissions)/\(name)/documents"
            for file in (try? FileManager.default.contentsOfDirectory(atPath: documents)) ?? []
            where !file.hasPrefix(".") && !file.hasSuffix(".xml") {
                guard let data = FileManager.default.contents(atPath: "\(documents)/\(file)") else { continue }
                texts.append((String(file.prefix(64)), String(decoding: data, as: UTF8.self)))
            }
        }
        return texts
    }
}
