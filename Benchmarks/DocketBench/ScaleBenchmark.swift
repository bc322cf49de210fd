import Archive
import ArgumentParser
import DocketKit
import Foundation
import Glibc
import Index
import Synchronization

/// `docket-bench scale-generate` and `docket-bench scale`: retrieval at scale.
struct ScaleGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale-generate",
        abstract: "Build a synthetic archive of realistic submissions and documents for `scale`.",
        discussion: """
            About \(SyntheticArchive.documentsPerSubmission) documents per submission; letters of \
            120-500 words, submissions and annexes of 300-1,200; one in ten is HTML. The same seed \
            and size give the same archive.
            """
    )

    @Option(help: "Documents to generate.") var documents = 10_000
    @Option(help: "The archive directory to create (must not exist).") var archive: String
    @Option(help: "Seed.") var seed: UInt64 = 2016_10_19

    func run() throws {
        guard !FileManager.default.fileExists(atPath: archive) else {
            throw ValidationError("\(archive) exists; choose a new directory")
        }
        let synthetic = SyntheticArchive(path: archive, documents: documents, seed: seed)
        let start = ContinuousClock.now
        try synthetic.generate { done, total in
            FileHandle.standardError.write(Data("\rgenerating submissions: \(done)/\(total)".utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        print(
            "generated \(synthetic.submissionCount) submissions (~\(documents) documents) in "
                + "\(ContinuousClock.now - start) at \(archive)")
    }
}

struct ScaleBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Reindex, open and search a generated archive against xmllint and raw FTS5 with bm25.",
        discussion: """
            On an archive from `scale-generate`, measures in one run: (1) `docket reindex` (a child \
            process: wall time and peak memory) against `xmllint --noout --schema` over the same \
            XML files, in one process and in two (the reindex uses both cores); (2) opening the \
            unchanged archive (new DocketArchive + index sync); (3) search latency p50/p99 for a \
            mix of word, phrase, prefix and filtered queries against raw FTS5 with its own bm25() \
            (the same requests' statements in that mode, run by Python's sqlite3 over the same \
            libsqlite3), how many of bm25()'s first 10 Docket also ranks first, and this process's \
            peak memory. Build release: swift build -c release --scratch-path .build-release.
            """
    )

    @Option(help: "The generated archive.") var archive: String
    @Option(help: "Runs of each query.") var rounds = 50
    @Flag(help: "Skip the reindex and xmllint baseline (reuse the index).") var skipReindex = false
    @Option(help: "Submissions to change behind Docket's back for the incremental-open measurement.")
    var changed = 10
    @Flag(
        help: """
            Also check the search results (exit status 1 when wrong): each query finds something \
            (but the rare word), each hit meets its filters, and a word search finds exactly the \
            documents whose stored text has the word.
            """)
    var check = false

    func run() throws {
        let docketBinary = try Machine.docketBesideThisProgram()
        print(Machine.current(xmllint: "/usr/bin/xmllint").line)
        print("archive: \(archive) (\(diskUsage(archive)))")

        if !skipReindex {
            // Started while this process is small: a child started with posix_spawn (vfork)
            // takes its parent's peak memory as its own at exec, so wait4 reports the larger of
            // the two.
            log("reindexing with \(docketBinary)")
            let reindex = try Measured.run(docketBinary, ["reindex", "--archive", archive])
            guard reindex.status == 0 else { throw BenchError("docket reindex failed: \(reindex.status)") }
            let (fileCount, xmllintOne, xmllintTwo) = try Self.xmllintInChild(archive: archive)
            print(
                String(
                    format: "reindex: %.1f s, peak memory %.0f MB | xmllint --noout --schema over the same %d XML "
                        + "files: %.1f s in one process (ratio %.2fx, target <= 2x), %.1f s in two (ratio %.2fx)",
                    reindex.seconds, reindex.maxResidentMB, fileCount, xmllintOne, reindex.seconds / xmllintOne,
                    xmllintTwo, reindex.seconds / xmllintTwo))
        }

        // Opening: unchanged, then with a few submissions changed behind Docket's back.
        var openTimes: [Double] = []
        var unchanged = 0
        for _ in 0..<5 {
            openTimes.append(
                try ArchiveWrites.time {
                    let docket = try DocketArchive(opening: archive)
                    unchanged = try docket.syncIndex().unchanged
                })
        }
        let touched = try touchSubmissions(changed)
        var updated = 0
        let incremental = try ArchiveWrites.time {
            updated = try DocketArchive(opening: archive).syncIndex().updated
        }
        print(
            String(
                format: "open unchanged archive (%d submissions): median %.3f s, min %.3f s (target < 1 s) | "
                    + "after %d changed behind its back: %.3f s, %d re-read", unchanged,
                ArchiveWrites.median(openTimes), openTimes.min() ?? 0, touched, incremental, updated))

        try searchLatencies()
        if check { try checkResults(try queries()) }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(String(format: "this process's peak memory (open + searches): %.0f MB", Double(usage.ru_maxrss) / 1024))
    }

    // MARK: - Search

    struct Query {
        var name: String
        var request: SearchRequest
    }

    func queries() throws -> [Query] {
        func text(_ query: String) throws -> SearchQuery {
            do {
                return try SearchQuery(query)
            } catch {
                throw BenchError("\(error)")
            }
        }
        // Terms from the generator's vocabulary at known Zipf ranks: common, middling, rare.
        let tail = Words.tail
        return [
            Query(name: "common word: council", request: SearchRequest(query: try text("council"))),
            Query(name: "middling word (tail rank 300)", request: SearchRequest(query: try text(tail[300]))),
            Query(name: "rare word (tail rank 15000)", request: SearchRequest(query: try text(tail[15_000]))),
            Query(name: "two words: grants governance", request: SearchRequest(query: try text("grants governance"))),
            Query(name: "phrase: \"mayor's office\"", request: SearchRequest(query: try text("\"mayor's office\""))),
            Query(
                name: "phrase of common words: \"the council\"",
                request: SearchRequest(query: try text("\"the council\""))),
            Query(name: "prefix: commission*", request: SearchRequest(query: try text("commission*"))),
            Query(
                name: "prefix: \(tail[40].prefix(3))*",
                request: SearchRequest(query: try text("\(tail[40].prefix(3))*"))),
            Query(
                name: "OR / NOT: mayor OR cabinet NOT budget",
                request: SearchRequest(query: try text("mayor OR cabinet NOT budget"))),
            Query(
                name: "word + kind: grants, responses",
                request: SearchRequest(query: try text("grants"), kinds: ["response"])),
            Query(
                name: "word + dates: council in 2016",
                request: SearchRequest(query: try text("council"), from: "2016-01-01", to: "2016-12-31")),
            Query(
                name: "word + party: audit, Max Caller",
                request: SearchRequest(query: try text("audit"), party: "Max Caller")),
            Query(
                name: "filters only: responses, series bvp", request: SearchRequest(kinds: ["response"], series: "bvp")),
            Query(name: "filters only: state considered", request: SearchRequest(state: "considered")),
        ]
    }

    func searchLatencies() throws {
        let docket = try DocketArchive(opening: archive)
        let index = try docket.index()
        let queries = try queries()
        var ours: [String: [Double]] = [:]
        var statements: [String: [String]] = [:]
        var overlaps: [String: (shared: Int, of: Int)] = [:]
        for query in queries {
            // The baseline is raw FTS5 with its own bm25() and prefix merging, as Docket searched
            // before it kept term statistics: the same request's statements in that mode, run by
            // sqlite3. Its first page is also what Docket's ranking is compared with.
            var recorded: [String] = []
            var raw = query.request
            raw.usesFTS5Ranking = true
            let theirs = try index.search(raw) { recorded.append($0) }.hits.map(\.sha256)
            statements[query.name] = recorded
            let mine = try index.search(query.request).hits.map(\.sha256)  // warms the cache
            overlaps[query.name] = (Set(mine.prefix(10)).intersection(theirs.prefix(10)).count, min(10, theirs.count))
        }
        for _ in 0..<rounds {
            for query in queries {
                ours[query.name, default: []].append(try ArchiveWrites.time { _ = try index.search(query.request) })
            }
        }
        let baseline = try sqliteBaseline(
            statements: queries.map { ($0.name, statements[$0.name]!) }, index: docket.store.indexPath)
        print(
            "search, \(rounds) runs each (ms): docket p50 / p99 | raw FTS5 + bm25 in sqlite3 p50 / p99 | ratio of p50s"
                + " | top 10 shared with bm25's")
        var allOurs: [Double] = []
        var allTheirs: [Double] = []
        for query in queries {
            let mine = ours[query.name]!
            let theirs = baseline[query.name] ?? []
            allOurs += mine
            allTheirs += theirs
            print(
                String(
                    format: "  %@ %7.3f / %7.3f | %7.3f / %7.3f | %.2fx | %ld of %ld",
                    query.name.padding(toLength: 44, withPad: " ", startingAt: 0), ArchiveWrites.median(mine) * 1000,
                    ArchiveWrites.percentile(mine, 0.99) * 1000, ArchiveWrites.median(theirs) * 1000,
                    ArchiveWrites.percentile(theirs, 0.99) * 1000,
                    ArchiveWrites.median(mine) / max(ArchiveWrites.median(theirs), 1e-9),
                    overlaps[query.name]?.shared ?? 0, overlaps[query.name]?.of ?? 0))
        }
        print(
            String(
                format: "  ALL QUERIES: docket p50 %.3f ms, p99 %.3f ms (targets 5 / 50) | sqlite3 p50 %.3f ms, "
                    + "p99 %.3f ms | ratio p50 %.2fx, p99 %.2fx", ArchiveWrites.median(allOurs) * 1000,
                ArchiveWrites.percentile(allOurs, 0.99) * 1000, ArchiveWrites.median(allTheirs) * 1000,
                ArchiveWrites.percentile(allTheirs, 0.99) * 1000,
                ArchiveWrites.median(allOurs) / max(ArchiveWrites.median(allTheirs), 1e-9),
                ArchiveWrites.percentile(allOurs, 0.99) / max(ArchiveWrites.percentile(allTheirs, 0.99), 1e-9)))
    }

    func sqliteBaseline(statements: [(String, [String])], index: String) throws -> [String: [Double]] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("sqlite-baseline.py").path
        let specification: [String: Any] = [
            "index": index, "rounds": rounds,
            "queries": statements.map { ["name": $0.0, "statements": $0.1] },
        ]
        let input = try JSONSerialization.data(withJSONObject: specification)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let decoded = try JSONSerialization.jsonObject(with: output) as? [String: [Double]]
        else { throw BenchError("the sqlite3 baseline failed (status \(process.terminationStatus))") }
        return decoded
    }

    // MARK: - Helpers

    /// Changes `count` submissions as another process would (a new event file renamed into
    /// place is the cheapest real change: here, touching the events folder's time).
    func touchSubmissions(_ count: Int) throws -> Int {
        let names = DurableFile.list("\(archive)/submissions").filter { !$0.hasPrefix(".") }
        var touched = 0
        for name in names.prefix(count) {
            let events = "\(archive)/submissions/\(name)/events"
            let marker = "\(events)/.bench-touch"
            _ = FileManager.default.createFile(atPath: marker, contents: nil)
            unlink(marker)
            touched += 1
        }
        return touched
    }

    /// Every XML file the reindex reads: submission.xml, events and document metadata.
    static func archiveXMLFiles(_ archive: String) -> [String] {
        var files: [String] = []
        for name in DurableFile.list("\(archive)/submissions") where !name.hasPrefix(".") {
            let directory = "\(archive)/submissions/\(name)"
            files.append("\(directory)/submission.xml")
            for event in DurableFile.list("\(directory)/events") where event.hasSuffix(".xml") {
                files.append("\(directory)/events/\(event)")
            }
            for document in DurableFile.list("\(directory)/documents") where document.hasSuffix(".xml") {
                files.append("\(directory)/documents/\(document)")
            }
        }
        return files
    }

    /// Runs `scale-xmllint` (the xmllint baseline) in a child process and reads its figures:
    /// the list of every XML file (2.5 million paths, ~400 MB at 10^6 documents) then never
    /// counts in this process's peak memory, which is reported as the searches'.
    static func xmllintInChild(archive: String) throws -> (files: Int, one: Double, two: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["scale-xmllint", "--archive", archive]
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let fields = String(decoding: output, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard process.terminationStatus == 0, fields.count == 3, let files = Int(fields[0]),
            let one = Double(fields[1]), let two = Double(fields[2])
        else { throw BenchError("the xmllint baseline failed (status \(process.terminationStatus))") }
        return (files, one, two)
    }

    /// xmllint over `files` in batches, `processes` at a time; wall seconds.
    static func xmllint(files: [String], schema: String, processes: Int) throws -> Double {
        let environment = ["PATH": "/usr/bin:/bin"]
        let batches = argumentBatches(files, fixedArguments: ["--noout", "--schema", schema], environmentSize: 64)
        let next = Mutex(0)
        let failures = FailureBox()
        return try ArchiveWrites.time {
            DispatchQueue.concurrentPerform(iterations: processes) { _ in
                while true {
                    let batch = next.withLock { value -> Int? in
                        defer { value += 1 }
                        return value < batches.count ? value : nil
                    }
                    guard let batch else { return }
                    do {
                        let status = try PreparedCommand(
                            executable: "/usr/bin/xmllint",
                            arguments: ["--noout", "--schema", schema] + batches[batch],
                            environment: environment
                        ).run()
                        if status != 0 { failures.record(BenchError("xmllint found invalid files (status \(status))")) }
                    } catch {
                        failures.record(error)
                    }
                }
            }
            if let failure = failures.first { throw failure }
        }
    }

    func diskUsage(_ path: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/du")
        process.arguments = ["-sh", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try? process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: "\t").first.map(String.init) ?? "?"
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data("docket-bench: \(message)\n".utf8))
    }
}

/// The xmllint baseline of `scale` in a process of its own (see `ScaleBenchmark.xmllintInChild`):
/// prints the number of XML files and the wall seconds in one process and in two.
struct ScaleXMLLint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale-xmllint",
        abstract: "xmllint over every XML file `docket reindex` reads, in one process then two (used by scale).",
        shouldDisplay: false)

    @Option(help: "The generated archive.") var archive: String

    func run() throws {
        let files = ScaleBenchmark.archiveXMLFiles(archive)
        FileHandle.standardError.write(
            Data("docket-bench: xmllint over \(files.count) XML files, one process then two\n".utf8))
        let schema = "\(archive)/schema/docket-archive-1.xsd"
        let one = try ScaleBenchmark.xmllint(files: files, schema: schema, processes: 1)
        let two = try ScaleBenchmark.xmllint(files: files, schema: schema, processes: 2)
        print(files.count, one, two)
    }
}

/// A child process timed by wall clock, with its peak memory from wait4(2): the larger of the
/// child's own and this process's at the start (see `ScaleBenchmark.run`).
struct Measured {
    var seconds: Double
    var maxResidentMB: Double
    var status: Int32

    static func run(_ executable: String, _ arguments: [String]) throws -> Measured {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let start = ContinuousClock.now
        let spawned = posix_spawn(&pid, executable, nil, nil, argv, environ)
        guard spawned == 0 else {
            throw BenchError("cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("wait4 failed") }
        }
        let elapsed = ContinuousClock.now - start
        return Measured(
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            maxResidentMB: Double(usage.ru_maxrss) / 1024, status: (status >> 8) & 0xFF)
    }
}
