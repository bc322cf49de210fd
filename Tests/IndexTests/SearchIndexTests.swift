import Foundation
import GRDB
import Index
import Testing

/// The index on a real SQLite file: writing submissions, searching with filters and ranking,
/// threads across submissions, and refusing what it cannot use.
@Suite struct SearchIndexTests {
    let directory: String
    let index: SearchIndex

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-index-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        index = try SearchIndex(path: "\(directory)/index.sqlite")
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: directory) }

    static func document(
        _ sha: String, _ title: String, kind: String = "correspondence", date: String? = "2016-09-20",
        creator: String? = "John Biggs (London Borough of Tower Hamlets)", addressees: [String] = [],
        body: String, relations: [IndexedRelation] = [], note: String? = nil
    ) -> IndexedDocument {
        IndexedDocument(
            sha256: sha, title: title, kind: kind, date: date, creator: creator, addressees: addressees,
            direction: "outgoing", annex: nil, mediaType: "text/plain", size: body.utf8.count,
            originalFileName: "\(title).txt", storedAs: "\(sha).txt", description: nil,
            added: Date(timeIntervalSince1970: 1_474_000_000), addedBy: "olivia", relations: relations,
            text: DocumentText(body: body, notExtractedReason: note))
    }

    static func submission(
        _ reference: String, title: String = "Best Value progress update", series: String? = "bvp",
        state: String = "drafting", documents: [IndexedDocument], fingerprint: String = "f1"
    ) -> IndexedSubmission {
        IndexedSubmission(
            reference: reference, title: title, series: series, service: "Governance",
            workflow: "best-value-submission",
            state: state, isFinal: false, sequence: documents.count,
            created: Date(timeIntervalSince1970: 1_470_000_000),
            lastActivity: Date(timeIntervalSince1970: 1_474_000_000), deadline: nil, imported: false,
            fingerprint: fingerprint,
            events: [
                IndexedEvent(
                    sequence: 1, name: "document-added", fromState: nil, toState: nil,
                    time: Date(timeIntervalSince1970: 1_474_000_000), user: "olivia", role: "officer",
                    onBehalfOf: nil, comment: nil, fileSHA256: String(repeating: "a", count: 64))
            ],
            documents: documents)
    }

    func search(_ text: String?, _ configure: (inout SearchRequest) -> Void = { _ in }) throws -> [DocumentHit] {
        var request = SearchRequest(query: try text.map { try SearchQuery($0) })
        configure(&request)
        return try index.search(request).hits
    }

    @Test func findsWordsPhrasesPrefixesAndHighlights() throws {
        defer { cleanUp() }
        try index.replace([
            Self.submission(
                "BVP-2016-03", title: "Third update",
                documents: [
                    Self.document(
                        "s1", "Cover letter", kind: "cover-letter",
                        body: "Dear Secretary of State, the Mayor's office has improved governance."),
                    Self.document(
                        "s2", "Commissioners' response", kind: "response", date: "2016-10-05",
                        creator: "Max Caller (Commissioners)", addressees: ["John Biggs (LBTH)"],
                        body: "The Commissioners note progress on the best value plan and grants."),
                ])
        ])
        #expect(try search("governance").map(\.sha256) == ["s1"])
        #expect(try search("\"best value plan\"").map(\.sha256) == ["s2"])
        #expect(try search("\"value best\"").isEmpty)
        #expect(try search("commission*").map(\.sha256) == ["s2"])
        #expect(Set(try search("governance OR grants").map(\.sha256)) == ["s1", "s2"])
        #expect(try search("progress NOT grants").isEmpty)
        // Stemming: "improve" finds "improved".
        #expect(try search("improve").map(\.sha256) == ["s1"])
        let hit = try #require(try search("grants").first)
        #expect(hit.snippet.contains("\(SearchIndex.highlightStart)grants\(SearchIndex.highlightEnd)"))
        #expect(hit.reference == "BVP-2016-03")
        #expect(hit.creator == "Max Caller (Commissioners)")
        #expect(hit.addressees == ["John Biggs (LBTH)"])
        // The submission's reference and title are searchable through every document.
        #expect(try search("BVP-2016-03").count == 2)
    }

    @Test func filtersWorkAloneAndWithAQuery() throws {
        defer { cleanUp() }
        try index.replace([
            Self.submission(
                "BVP-2016-01", state: "closed",
                documents: [
                    Self.document("a1", "Update one", kind: "submission", date: "2016-03-01", body: "first update"),
                    Self.document(
                        "a2", "Reply one", kind: "response", date: "2016-04-01", creator: "Commissioners",
                        body: "first reply"),
                ]),
            Self.submission(
                "HR-2016-01", title: "Staffing", series: "hr", state: "drafting",
                documents: [
                    Self.document(
                        "b1", "Staff letter", kind: "correspondence", date: "2016-05-01", body: "update on staff")
                ]),
        ])
        #expect(try search(nil) { $0.kinds = ["response"] }.map(\.sha256) == ["a2"])
        #expect(try search(nil) { $0.series = "hr" }.map(\.sha256) == ["b1"])
        #expect(try search(nil) { $0.state = "closed" }.map(\.sha256) == ["a1", "a2"].reversed())
        #expect(
            try search(nil) {
                $0.from = "2016-03-15"
                $0.to = "2016-04-30"
            }.map(\.sha256) == ["a2"])
        #expect(try search(nil) { $0.party = "commissioners" }.map(\.sha256) == ["a2"])
        #expect(try search("first") { $0.series = "bvp" }.map(\.sha256).sorted() == ["a1", "a2"])
        #expect(try search("first") { $0.kinds = ["response"] }.map(\.sha256) == ["a2"])
        #expect(try search("update") { $0.kinds = ["submission", "correspondence"] }.count == 2)
        // The submission's title finds its documents too ("Staffing" is only HR-2016-01's title).
        #expect(try search("staffing").map(\.sha256) == ["b1"])
        // Newest first when there is no query; paging by limit and offset.
        #expect(try search(nil).map(\.sha256) == ["b1", "a2", "a1"])
        var request = SearchRequest(limit: 2)
        #expect(try index.search(request).hasMore)
        request.offset = 2
        #expect(try index.search(request).hits.map(\.sha256) == ["a1"])
    }

    @Test func dateFiltersAreExactToTheDayAndFacetTokensAreNotSearchable() throws {
        defer { cleanUp() }
        try index.replace([
            Self.submission(
                "BVP-2016-02", state: "dispatched",
                documents: [
                    Self.document("m14", "Before", kind: "response", date: "2016-03-14", body: "council letter"),
                    Self.document("m16", "After", kind: "response", date: "2016-03-16", body: "council letter"),
                    Self.document("y17", "Next year", kind: "annex", date: "2017-01-02", body: "council letter"),
                    Self.document("nod", "Undated", kind: "annex", date: nil, body: "council letter"),
                ])
        ])
        #expect(try search("council") { $0.from = "2016-03-15" }.map(\.sha256).sorted() == ["m16", "y17"])
        #expect(
            try search("council") {
                $0.from = "2016-03-15"
                $0.to = "2016-12-31"
            }.map(\.sha256) == ["m16"])
        #expect(try search(nil) { $0.to = "2016-03-14" }.map(\.sha256) == ["m14"])
        #expect(
            try search(nil) {
                $0.from = "2016-03-17"
                $0.to = "2016-03-01"
            }.isEmpty)
        #expect(
            try search(nil) {
                $0.kinds = ["annex"]
                $0.state = "dispatched"
            }.map(\.sha256) == ["nod", "y17"])
        // The facet tokens behind filters cannot be found by typing them.
        #expect(try search("zzkresponse").isEmpty)
        #expect(try search("zzstdispatched").isEmpty)
    }

    @Test func documentsIndexedLaterComeFirstAndKeepTheirPlaceWhenUpdated() throws {
        defer { cleanUp() }
        var older = Self.document("old", "Older", body: "council letter")
        older.added = Date(timeIntervalSince1970: 1_400_000_000)
        var newer = Self.document("new", "Newer", body: "council letter")
        newer.added = Date(timeIntervalSince1970: 1_500_000_000)
        try index.replace([Self.submission("A-2014-01", documents: [older])])
        try index.replace([Self.submission("B-2017-01", documents: [newer])])
        #expect(try search(nil).map(\.sha256) == ["new", "old"])
        #expect(try search(nil) { $0.kinds = ["correspondence"] }.map(\.sha256) == ["new", "old"])
        // A state change rewrites the older one's rows; it stays older.
        try index.replace([Self.submission("A-2014-01", state: "signed-off", documents: [older], fingerprint: "f2")])
        #expect(try search(nil).map(\.sha256) == ["new", "old"])
        #expect(try search(nil) { $0.state = "signed-off" }.map(\.sha256) == ["old"])
    }

    @Test func badFiltersAreNamed() throws {
        defer { cleanUp() }
        for (configure, fragment) in [
            ({ (r: inout SearchRequest) in r.from = "19/10/2016" }, "“dated from” must be a date YYYY-MM-DD"),
            ({ (r: inout SearchRequest) in r.to = "2016-13-01" }, "“dated to” must be a date"),
            ({ (r: inout SearchRequest) in r.limit = 0 }, "limit must be between 1 and 1000"),
            ({ (r: inout SearchRequest) in r.party = "--" }, "the party to search for needs at least one word"),
        ] {
            var request = SearchRequest()
            configure(&request)
            do {
                _ = try index.search(request)
                Issue.record("accepted a bad filter")
            } catch {
                #expect(error.description.contains(fragment), "\(error)")
            }
        }
    }

    @Test func replacingASubmissionKeepsDocumentIdsAndTextAndDropsWhatWentAway() throws {
        defer { cleanUp() }
        try index.replace([
            Self.submission(
                "BVP-2016-03",
                documents: [
                    Self.document("s1", "Cover letter", body: "original cover text"),
                    Self.document("s2", "Annex", body: "annex text"),
                ])
        ])
        var second = Self.document("s1", "Cover letter", body: "")
        second.text = nil  // "keep what you have"
        try index.replace([Self.submission("BVP-2016-03", state: "signed-off", documents: [second], fingerprint: "f2")])
        #expect(try search("original").map(\.sha256) == ["s1"])
        #expect(try search("annex").isEmpty)
        #expect(try index.fingerprints() == ["BVP-2016-03": "f2"])
        #expect(try search(nil).first?.submissionState == "signed-off")
        try index.remove(["BVP-2016-03"])
        #expect(try search("original").isEmpty)
        #expect(try index.fingerprints().isEmpty)
    }

    @Test func listsByStateArePagedMostRecentFirstLikeASortOfEverything() throws {
        defer { cleanUp() }
        var generator = SystemRandomNumberGenerator()
        let states = ["drafting", "awaiting-sign-off", "dispatched", "considered"]
        var submissions: [IndexedSubmission] = []
        for number in 0..<300 {
            var submission = Self.submission(
                String(format: "S-%04d", number), state: states[number % states.count], documents: [])
            // Many share a time, so that the reference decides their order.
            submission.lastActivity = Date(timeIntervalSince1970: Double(Int.random(in: 0..<40, using: &generator)))
            submissions.append(submission)
        }
        let before = try index.generation()
        try index.replace(submissions)
        #expect(try index.generation() > before)
        let all = submissions.sorted { ($0.lastActivity, $1.reference) > ($1.lastActivity, $0.reference) }
        for chosen in [nil, ["considered"], ["drafting", "dispatched"], ["awaiting-sign-off", "nowhere"]] {
            let expected = all.filter { chosen?.contains($0.state) ?? true }.map(\.reference)
            for (limit, offset) in [(10, 0), (25, 10), (200, 40), (50, 290)] {
                let page = try index.submissionLines(inStates: chosen, limit: limit, offset: offset).map(\.reference)
                #expect(page == Array(expected.dropFirst(offset).prefix(limit)), "\(chosen ?? []) \(limit)/\(offset)")
            }
        }
        #expect(try index.submissionLines(inStates: []).isEmpty)
        let noted = try index.generation()
        try index.noteChange()
        #expect(try index.generation() == noted + 1)
    }

    @Test func unreadableSubmissionsAreRememberedWithTheirReason() throws {
        defer { cleanUp() }
        try index.replace([Self.submission("X-2016-01", documents: [Self.document("x1", "Letter", body: "text")])])
        try index.markUnreadable("X-2016-01", reason: "hash chain broken", fingerprint: "f9")
        #expect(try search("text").isEmpty)
        #expect(try index.unreadableSubmissions().map(\.reason) == ["hash chain broken"])
        #expect(try index.fingerprints() == ["X-2016-01": "f9"])
        try index.replace([Self.submission("X-2016-01", documents: [])])
        #expect(try index.unreadableSubmissions().isEmpty)
    }

    @Test func threadFollowsRepliesAcrossSubmissionsInDateOrder() throws {
        defer { cleanUp() }
        try index.replace([
            Self.submission(
                "BVP-2016-03",
                documents: [
                    Self.document("sub", "Update", kind: "submission", date: "2016-09-19", body: "update"),
                    Self.document("cov", "Cover letter", kind: "cover-letter", date: "2016-09-20", body: "cover"),
                ]),
            Self.submission(
                "CORR-2016-07", title: "Commissioners' reply", series: nil,
                documents: [
                    Self.document(
                        "rep", "Response", kind: "response", date: "2016-10-05", body: "reply",
                        relations: [IndexedRelation(kind: "reply-to", target: "cov")]),
                    Self.document(
                        "rep2", "Follow-up", kind: "correspondence", date: "2016-10-12", body: "follow-up",
                        relations: [IndexedRelation(kind: "reply-to", target: "rep")]),
                    Self.document("other", "Unrelated", date: "2016-01-01", body: "unrelated"),
                ]),
        ])
        let thread = try index.thread(of: "BVP-2016-03")
        #expect(thread.map(\.sha256) == ["sub", "cov", "rep", "rep2"])
        #expect(thread[2].relations == [IndexedRelation(kind: "reply-to", target: "cov")])
        #expect(try index.thread(of: "NOPE-1").isEmpty)
    }

    @Test func broadQueriesAreRankedAmongTheNewestMatches() throws {
        defer { cleanUp() }
        let count = SearchIndex.rankingWindow + 50
        var documents: [IndexedDocument] = []
        for number in 0..<count {
            // The oldest document is the best match for "governance"; every one contains "council".
            let body = number == 0 ? "council governance governance governance" : "council letter number \(number)"
            documents.append(Self.document("d\(number)", "Letter \(number)", body: body))
        }
        try index.replace([Self.submission("BIG-2016-01", documents: documents)])
        let broad = try index.search(SearchRequest(query: try SearchQuery("council")))
        #expect(broad.rankedAmongNewest == SearchIndex.rankingWindow)
        #expect(broad.hits.count == 20)
        let narrow = try index.search(SearchRequest(query: try SearchQuery("governance")))
        #expect(narrow.rankedAmongNewest == nil)
        #expect(narrow.hits.map(\.sha256) == ["d0"])
        // Within the window, BM25 decides: the newest document does not simply come first.
        let best = count - 10
        let ranked = try index.search(SearchRequest(query: try SearchQuery("council OR \"letter number \(best)\"")))
        #expect(ranked.hits.first?.sha256 == "d\(best)")
    }

    @Test func aFileThatIsNotAnIndexIsRefusedAsUnusable() throws {
        defer { cleanUp() }
        let path = "\(directory)/garbage.sqlite"
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SearchIndex(path: path)
            Issue.record("opened a garbage file")
        } catch {
            #expect(error.description.contains("cannot be used"))
        }
    }

    @Test func anIndexFromANewerDocketIsRefused() throws {
        defer { cleanUp() }
        let path = "\(directory)/newer.sqlite"
        _ = try SearchIndex(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99-from-the-future')")
        }
        try queue.close()
        do {
            _ = try SearchIndex(path: path)
            Issue.record("opened an index from a newer Docket")
        } catch {
            #expect(error.description.contains("newer version of Docket"))
        }
    }

    @Test func buildingThenFinishingGivesTheSameSearches() throws {
        defer { cleanUp() }
        let path = "\(directory)/built.sqlite"
        let built = try SearchIndex(buildingAt: path)
        try built.replace([
            Self.submission("B-2016-01", documents: [Self.document("z1", "Letter", body: "zebra crossing")])
        ])
        try built.finish()
        let reopened = try SearchIndex(path: path)
        #expect(try reopened.search(SearchRequest(query: try SearchQuery("zebra"))).hits.map(\.sha256) == ["z1"])
        // A build defers FTS5's merging; the finished index merges as FTS5 does by default.
        try reopened.close()
        let merging = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(
                db, sql: "SELECT k, v FROM document_text_config WHERE k IN ('automerge', 'crisismerge') ORDER BY k"
            ).map { "\($0[0] as String)=\($0[1] as Int)" }
        }
        #expect(merging == ["automerge=4", "crisismerge=16"])
    }
}

extension SearchIndexTests {
    /// A search says how many documents match, exactly up to the limit and "more than" past it,
    /// with its filters applied to the count as to the hits.
    @Test func matchesAreCountedUpToALimit() throws {
        defer { cleanUp() }
        let count = SearchIndex.countLimit + 30
        var documents: [IndexedDocument] = []
        for number in 0..<count {
            let body = number % 10 == 0 ? "council audit letter \(number)" : "council letter \(number)"
            let date = number < 5 ? "2015-01-0\(number + 1)" : "2016-09-20"
            documents.append(Self.document("d\(number)", "Letter \(number)", date: date, body: body))
        }
        try index.replace([Self.submission("BIG-2016-01", documents: documents)])
        #expect(try index.search(SearchRequest(query: try SearchQuery("council"))).matchCount == nil)  // not asked
        let broad = try index.search(SearchRequest(query: try SearchQuery("council"), countsMatches: true))
        #expect(broad.matchCountIsCapped)
        #expect(broad.matchCount == SearchIndex.countLimit + 1)
        let audit = try index.search(SearchRequest(query: try SearchQuery("audit"), countsMatches: true))
        #expect(audit.matchCount == (count + 9) / 10 && !audit.matchCountIsCapped)
        #expect(audit.hits.count == 20)  // a page; the count is of every match
        var dated = SearchRequest(query: try SearchQuery("council"), countsMatches: true)
        dated.to = "2015-12-31"
        let early = try index.search(dated)
        #expect(early.matchCount == 5 && early.hits.count == 5)
        let none = try index.search(SearchRequest(query: try SearchQuery("zebra"), countsMatches: true))
        #expect(none.matchCount == 0)
        let all = try index.search(SearchRequest(query: nil, countsMatches: true))
        #expect(all.matchCountIsCapped)
    }
}
