import ArgumentParser
import Foundation
import XML

/// `docket-bench xml`: parse + XSD-validate throughput of the XML module, on one task and on
/// every core, against `xmllint --noout --schema` over the same files in the same run.
struct XMLThroughput: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xml",
        abstract: "Parse + XSD-validate throughput of the XML module against xmllint.",
        discussion: """
            Generates --files metadata records of a council correspondence archive (about 1.5 KB \
            each, deterministic for a --seed) and their XSD, then times, interleaved in every \
            round: (a) XMLDocument(contentsOfFile:) + XMLValidator.problems(in:) on one task; (b) the \
            same with one task per core (activeProcessorCount), each on a contiguous chunk of the \
            files, sharing one compiled XMLSchema; (c) xmllint --noout --schema XSD FILE... over \
            the same files (in batches if the argument list would be too long). File reading is \
            part of every timed run; the Swift runs do not include compiling the schema once, \
            xmllint's do (it is reported separately). Every run must find every file valid.
            """
    )

    @Option(name: .long, help: "How many XML files to generate and validate.")
    var files = 20_000

    @Option(name: .long, help: "How many timed rounds; each round runs all three contenders once.")
    var repetitions = 5

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write the files into DIR (created if missing) and keep them; default: a temporary directory.",
            valueName: "DIR"))
    var directory: String?

    @Flag(name: .long, help: "Keep the generated temporary directory instead of deleting it at the end.")
    var keep = false

    @Option(name: .long, help: "Seed of the record generator; the same seed gives byte-identical files.")
    var seed: UInt64 = 20_261_126

    @Option(name: .long, help: "Untimed rounds run first to warm caches and the allocator.")
    var warmUpRounds = 1

    @Option(name: .long, help: ArgumentHelp("The xmllint to compare against.", valueName: "PATH"))
    var xmllint = "/usr/bin/xmllint"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Run only these contenders, comma-separated (single, all-cores, xmllint); for profiling. "
                + "Ratios need all three.", valueName: "LIST"))
    var only: String?

    /// The contenders selected by --only, as indices into (single, all-cores, xmllint).
    var selected: [Int] {
        guard let only else { return [0, 1, 2] }
        let names = ["single", "all-cores", "xmllint"]
        return only.split(separator: ",").compactMap { names.firstIndex(of: $0.trimmingCharacters(in: .whitespaces)) }
    }

    func validate() throws {
        guard files > 0 else { throw ValidationError("--files must be at least 1.") }
        guard repetitions > 0 else { throw ValidationError("--repetitions must be at least 1.") }
        guard warmUpRounds >= 0 else { throw ValidationError("--warm-up-rounds cannot be negative.") }
        if only != nil && selected.isEmpty {
            throw ValidationError("--only takes single, all-cores and/or xmllint, comma-separated.")
        }
        guard FileManager.default.isExecutableFile(atPath: xmllint) else {
            throw ValidationError("xmllint not found at \(xmllint); give --xmllint PATH.")
        }
    }

    func run() async throws {
        let fileManager = FileManager.default
        let root: String
        let temporary = directory == nil
        if let directory {
            root = URL(fileURLWithPath: directory).standardizedFileURL.path
        } else {
            var template = Array((fileManager.temporaryDirectory.path + "/docket-bench-xml-XXXXXX").utf8CString)
            guard mkdtemp(&template) != nil else {
                throw BenchError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
            }
            root = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        defer {
            if temporary && !keep {
                try? fileManager.removeItem(atPath: root)
            } else {
                progress("files kept in \(root)")
            }
        }

        // Inputs.
        let generationStart = ContinuousClock.now
        let corpus = try Corpus.generate(into: root, files: files, seed: seed)
        progress(
            "generated \(files) records (\(formatBytes(corpus.totalBytes)), mean \(corpus.totalBytes / files) B) and "
                + "\(MetadataCorpus.schemaFileName) in \(root) in \(seconds(ContinuousClock.now - generationStart)) s")

        let compileStart = ContinuousClock.now
        let schema = try XMLSchema(contentsOfFile: corpus.schemaPath)
        let compileTime = ContinuousClock.now - compileStart

        let cores = ProcessInfo.processInfo.activeProcessorCount
        let environment = ProcessInfo.processInfo.environment
        let fixed = ["--noout", "--schema", corpus.schemaPath]
        let batches = argumentBatches(
            corpus.paths, fixedArguments: fixed,
            environmentSize: environment.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 2 + 8 }
        ).map {
            PreparedCommand(executable: xmllint, arguments: fixed + $0, environment: environment)
        }
        try Self.checkControl(
            root: root, seed: seed, schema: schema, xmllint: xmllint, schemaPath: corpus.schemaPath,
            environment: environment)
        let xmllintFixedCost = try Self.timeXmllintFixedCost(
            xmllint: xmllint, schemaPath: corpus.schemaPath, file: corpus.paths[0], environment: environment)

        let contenders: [Contender] = [
            Contender(name: "Swift XML, 1 task") {
                try await Self.validateWithTasks(corpus.paths, tasks: 1, schema: schema)
            },
            Contender(name: "Swift XML, \(cores) tasks (all cores)") {
                try await Self.validateWithTasks(corpus.paths, tasks: cores, schema: schema)
            },
            Contender(name: "xmllint --noout --schema (\(batches.count) batch\(batches.count == 1 ? "" : "es"))") {
                try Self.runXmllint(batches)
            },
        ]

        // Measurements: each round runs every contender once, the order rotated per round.
        for round in 0..<warmUpRounds {
            progress("warm-up round \(round + 1)/\(warmUpRounds)")
            for index in selected { _ = try await contenders[index].run() }
        }
        let ticksBefore = Machine.cpuTicks()
        var times = Array(repeating: [Duration](), count: contenders.count)
        for round in 0..<repetitions {
            var line = "round \(round + 1)/\(repetitions):"
            for offset in 0..<selected.count {
                let index = selected[(round + offset) % selected.count]
                let elapsed = try await contenders[index].run()
                times[index].append(elapsed)
                line += " [\(index == 0 ? "a" : index == 1 ? "b" : "c")] \(format(seconds(elapsed), 3)) s"
            }
            progress(line)
        }

        // Report.
        let ticksAfter = Machine.cpuTicks()
        let totalTicks = ticksAfter.total - ticksBefore.total
        let stealPercent = totalTicks > 0 ? 100 * Double(ticksAfter.steal - ticksBefore.steal) / Double(totalTicks) : 0
        let machine = Machine.current(xmllint: xmllint)
        let results = zip(contenders, times).map { Measured(name: $0.name, times: $1) }
        guard selected.count == contenders.count else {
            for index in selected {
                progress(
                    "\(results[index].name): median \(format(seconds(results[index].median), 3)) s, "
                        + "min \(format(seconds(results[index].min), 3)) s")
            }
            return
        }
        print(
            report(
                results, corpus: corpus, cores: cores, machine: machine, compileTime: compileTime,
                xmllintFixedCost: xmllintFixedCost, batches: batches.count, stealPercent: stealPercent))
    }

    // MARK: - Contenders

    /// Parses and validates `paths` with `tasks` tasks, each on a contiguous chunk; throws unless
    /// every file parsed and validated without a problem.
    static func validateWithTasks(_ paths: [String], tasks: Int, schema: XMLSchema) async throws -> Duration {
        let chunkSize = (paths.count + tasks - 1) / tasks
        let chunks = stride(from: 0, to: paths.count, by: chunkSize).map {
            paths[$0..<min($0 + chunkSize, paths.count)]
        }
        let start = ContinuousClock.now
        let outcomes = await withTaskGroup(of: ChunkOutcome.self) { group in
            for chunk in chunks {
                group.addTask { validateChunk(chunk, schema: schema) }
            }
            var outcomes: [ChunkOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let elapsed = ContinuousClock.now - start
        let valid = outcomes.reduce(0) { $0 + $1.valid }
        guard valid == paths.count else {
            let problem = outcomes.compactMap(\.firstProblem).first ?? "?"
            throw BenchError(
                "Swift XML found \(paths.count - valid) of \(paths.count) files invalid; first:\n\(problem)")
        }
        return elapsed
    }

    /// The timed work of one task: read, parse, validate each file with a fresh document and
    /// the task's own validator (one validation context per task, as a real reindex would).
    static func validateChunk(_ paths: ArraySlice<String>, schema: XMLSchema) -> ChunkOutcome {
        var outcome = ChunkOutcome()
        guard let validator = schema.makeValidator() else {
            outcome.firstProblem = "cannot create a validation context"
            return outcome
        }
        for path in paths {
            do {
                let document = try XMLDocument(contentsOfFile: path)
                let problems = validator.problems(in: document)
                if problems.isEmpty {
                    outcome.valid += 1
                } else if outcome.firstProblem == nil {
                    outcome.firstProblem = problems.map(\.description).joined(separator: "\n")
                }
            } catch {
                if outcome.firstProblem == nil { outcome.firstProblem = "\(path): \(error)" }
            }
        }
        return outcome
    }

    struct ChunkOutcome: Sendable {
        var valid = 0
        var firstProblem: String?
    }

    /// Runs every batch in turn; exit status 0 means xmllint found every file valid.
    static func runXmllint(_ batches: [PreparedCommand]) throws -> Duration {
        let start = ContinuousClock.now
        for batch in batches {
            let status = try batch.run()
            guard status == 0 else {
                throw BenchError(
                    "xmllint exited with status \(status) on a batch of \(batch.argumentCount - 3) files "
                        + "(3: not valid, 4: schema unusable); run it by hand to see its messages")
            }
        }
        return ContinuousClock.now - start
    }

    /// Proves that both validators really check the schema: record 1 with a broken sha256 must be
    /// rejected by XMLSchema and by xmllint (so "all valid" in the timed runs means something).
    static func checkControl(
        root: String, seed: UInt64, schema: XMLSchema, xmllint: String, schemaPath: String,
        environment: [String: String]
    ) throws {
        let valid = String(decoding: MetadataCorpus.record(1, seed: seed), as: UTF8.self)
        guard let open = valid.firstRange(of: "<md:sha256>"), let close = valid.firstRange(of: "</md:sha256>") else {
            throw BenchError("control record has no sha256")
        }
        let broken = String(valid[..<open.upperBound]) + "0123abcd" + String(valid[close.lowerBound...])
        let path = root + "/control-invalid.xml"
        try Corpus.write(Array(broken.utf8), to: path)
        defer { unlink(path) }
        let swiftProblems = schema.problems(in: try XMLDocument(contentsOfFile: path))
        let lintStatus = try PreparedCommand(
            executable: xmllint, arguments: ["--noout", "--schema", schemaPath, path], environment: environment
        ).run()
        guard !swiftProblems.isEmpty, lintStatus != 0 else {
            throw BenchError(
                "control: a record with a broken sha256 was not rejected (XML module: \(swiftProblems.count) "
                    + "problems, xmllint status \(lintStatus))")
        }
        progress(
            "control: a record with a broken sha256 is rejected by the XML module (\(swiftProblems[0].message)) "
                + "and by xmllint (status \(lintStatus))")
    }

    /// The minimum over a few runs of xmllint on one file: process start + schema compile + one file.
    static func timeXmllintFixedCost(xmllint: String, schemaPath: String, file: String, environment: [String: String])
        throws -> Duration
    {
        let command = PreparedCommand(
            executable: xmllint, arguments: ["--noout", "--schema", schemaPath, file], environment: environment)
        var best = Duration.seconds(1_000)
        for _ in 0..<5 {
            let start = ContinuousClock.now
            guard try command.run() == 0 else { throw BenchError("xmllint rejected \(file)") }
            best = min(best, ContinuousClock.now - start)
        }
        return best
    }

    // MARK: - Report

    func report(
        _ results: [Measured], corpus: Corpus, cores: Int, machine: Machine, compileTime: Duration,
        xmllintFixedCost: Duration, batches: Int, stealPercent: Double
    ) -> String {
        let megabytes = Double(corpus.totalBytes) / 1_000_000
        let count = Double(corpus.paths.count)
        var lines: [String] = []
        lines.append("")
        lines.append(
            "XML parse + XSD-validate: \(corpus.paths.count) files, \(formatBytes(corpus.totalBytes)) "
                + "(mean \(corpus.totalBytes / corpus.paths.count) B), \(repetitions) rounds "
                + "(+\(warmUpRounds) warm-up), contenders interleaved; every run found every file valid")
        lines.append("")
        let header = [
            "contender".padding(38), "median s".leftPadding(9), "min s".leftPadding(9), "files/s".leftPadding(9),
            "MB/s".leftPadding(7), "best files/s".leftPadding(13), "best MB/s".leftPadding(10),
        ]
        lines.append(header.joined(separator: "  "))
        lines.append(String(repeating: "-", count: header.joined(separator: "  ").count))
        for result in results {
            let median = seconds(result.median)
            let best = seconds(result.min)
            lines.append(
                [
                    result.name.padding(38), format(median, 3).leftPadding(9), format(best, 3).leftPadding(9),
                    format(count / median, 0).leftPadding(9), format(megabytes / median, 1).leftPadding(7),
                    format(count / best, 0).leftPadding(13), format(megabytes / best, 1).leftPadding(10),
                ].joined(separator: "  "))
        }
        lines.append("(MB = 10^6 bytes; files/s and MB/s from the median, best = from the minimum)")
        lines.append("")
        let single = results[0]
        let all = results[1]
        let lint = results[2]
        let singleVsLint = seconds(lint.median) / seconds(single.median)
        let singleVsLintBest = seconds(lint.min) / seconds(single.min)
        let allVsSingle = seconds(single.median) / seconds(all.median)
        let allVsSingleBest = seconds(single.min) / seconds(all.min)
        let linear = Double(cores)
        lines.append(
            "single task vs xmllint:    \(format(singleVsLint, 2))x throughput (median; best "
                + "\(format(singleVsLintBest, 2))x)   target >= 1.00x: \(singleVsLint >= 1.0 ? "met" : "NOT met")")
        lines.append(
            "all cores vs single task:  \(format(allVsSingle, 2))x throughput on \(cores) cores (median; best "
                + "\(format(allVsSingleBest, 2))x), \(format(100 * allVsSingle / linear, 0))% of linear"
                + "   target near-linear (>= 90% of \(format(linear, 1))x): "
                + (allVsSingle >= 0.9 * linear ? "met" : "NOT met"))
        lines.append("")
        lines.append(
            "not in the Swift times: compiling the XSD once, \(format(seconds(compileTime) * 1000, 1)) ms. "
                + "In xmllint's: process start + XSD compile per batch (\(batches) batch\(batches == 1 ? "" : "es")), "
                + "\(format(seconds(xmllintFixedCost) * 1000, 1)) ms for a 1-file run.")
        lines.append(
            "CPU time stolen by the hypervisor during the timed rounds: \(format(stealPercent, 1))% of all CPU time "
                + "(/proc/stat); a few % or more means noisy neighbours.")
        lines.append(machine.line)
        return lines.joined(separator: "\n")
    }

    struct Measured {
        var name: String
        var times: [Duration]
        var median: Duration {
            let sorted = times.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
        var min: Duration { times.min()! }
    }
}

/// One thing being timed: returns the wall time of its work.
struct Contender {
    var name: String
    var run: () async throws -> Duration
}

/// The generated files on disk.
struct Corpus {
    var schemaPath: String
    var paths: [String]
    var totalBytes: Int

    static func generate(into root: String, files: Int, seed: UInt64) throws -> Corpus {
        let records = root + "/records"
        try FileManager.default.createDirectory(atPath: records, withIntermediateDirectories: true)
        let schemaPath = root + "/" + MetadataCorpus.schemaFileName
        try write(Array(MetadataCorpus.schema.utf8), to: schemaPath)
        let width = max(5, String(files).count)
        var paths: [String] = []
        paths.reserveCapacity(files)
        var total = 0
        for index in 1...files {
            let path = "\(records)/record-\(MetadataCorpus.pad(index, width)).xml"
            let bytes = MetadataCorpus.record(index, seed: seed)
            try write(bytes, to: path)
            total += bytes.count
            paths.append(path)
        }
        return Corpus(schemaPath: schemaPath, paths: paths, totalBytes: total)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw BenchError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += count
        }
    }
}

// MARK: - Formatting

func seconds(_ duration: Duration) -> Double {
    let (whole, fraction) = duration.components
    return Double(whole) + Double(fraction) / 1e18
}

func format(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}

func formatBytes(_ bytes: Int) -> String {
    format(Double(bytes) / 1_000_000, 2) + " MB"
}

func progress(_ message: String) {
    FileHandle.standardError.write(Data(("docket-bench: " + message + "\n").utf8))
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
