import ArgumentParser
import DocketKit
import Foundation
import Glibc
import Workflow

/// `docket-bench archive`: the write path — firing events and adding documents — against the
/// disk's own floors measured in the same run (fsync, a durable atomic write, sha256sum + cp).
struct ArchiveWrites: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Fire latency/throughput and document-add MB/s against the disk's fsync floor.",
        discussion: """
            Measures, in one run on one temporary archive: (1) the disk's floors — a 1 KB write + \
            fsync, and a durable atomic write (temp file, fsync, rename, directory fsync); (2) fire \
            latency on one submission as its history grows, and on many short-history submissions, \
            one task and one task per core; (3) document add throughput for letter-sized files \
            against sha256sum plus cp of the same files (each run as a child process).
            """
    )

    @Option(help: "Fires on the single submission (alternating submit-for-sign-off / return-for-redraft).")
    var fires = 200
    @Option(help: "Submissions for the many-submission runs.") var submissions = 60
    @Option(help: "Documents to add (letter-sized: 20 KB to 2 MB, log-uniform).") var documents = 120
    @Option(help: "Samples of each disk floor.") var floorSamples = 200
    @Option(help: "Seed for document sizes and content.") var seed: UInt64 = 20_261_126

    func validate() throws {
        guard fires >= 40, submissions >= 4, documents >= 10, floorSamples >= 20 else {
            throw ValidationError("use at least --fires 40 --submissions 4 --documents 10 --floor-samples 20")
        }
    }

    func run() throws {
        guard let distribution = Distribution.locate() else {
            throw BenchError("cannot find Docket's schemas and workflows; run from the checkout or set DOCKET_HOME")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bench-archive-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { Self.removeTree(scratch.path) }
        log("scratch directory \(scratch.path)")

        let fsyncFloor = try Self.fsyncLatencies(in: scratch.path + "/floor", samples: floorSamples, atomic: false)
        let atomicFloor = try Self.fsyncLatencies(in: scratch.path + "/floor", samples: floorSamples, atomic: true)

        let docket = try DocketArchive.create(at: scratch.path + "/archive", from: distribution)
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("mayor", roles: [.mayor])

        // (2a) one submission, history growing.
        let single = try Self.prepare(docket, title: "Single")
        var singleLatencies: [Double] = []
        for index in 0..<fires {
            singleLatencies.append(try Self.time { try Self.fireNext(docket, on: single, index: index) })
        }
        let early = Array(singleLatencies.prefix(20))
        let late = Array(singleLatencies.suffix(20))

        // (2b) many submissions, short histories: one task, then one task per core.
        var references: [String] = []
        for index in 0..<submissions { references.append(try Self.prepare(docket, title: "Many \(index)")) }
        var manyLatencies: [Double] = []
        let oneTask = try Self.time {
            for reference in references {
                manyLatencies.append(try Self.time { try Self.fireNext(docket, on: reference, index: 0) })
            }
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let allCores = try Self.time {
            try Self.concurrently(chunks: cores, of: references) { chunk in
                for reference in chunk { try Self.fireNext(docket, on: reference, index: 1) }
            }
        }

        // (3) document adds against sha256sum + cp.
        let corpus = try makeDocuments(in: scratch.path + "/letters")
        let totalBytes = corpus.reduce(0) { $0 + $1.size }
        let holder = try docket.newSubmission(workflow: "best-value-submission", title: "Letters", as: "olivia")
        let addTime = try Self.time {
            for (index, file) in corpus.enumerated() {
                let content = Array(try Data(contentsOf: URL(fileURLWithPath: file.path)))
                try docket.addDocument(
                    to: holder, content: content,
                    description: DocumentDescription(
                        kind: .correspondence, title: "Letter \(index)", originalFileName: file.path),
                    as: "olivia")
            }
        }
        let paths = corpus.map(\.path)
        let shaTime = try Self.time {
            guard try PreparedCommand(executable: "/usr/bin/sha256sum", arguments: paths, environment: [:]).run() == 0
            else { throw BenchError("sha256sum failed") }
        }
        try FileManager.default.createDirectory(atPath: scratch.path + "/copy", withIntermediateDirectories: true)
        let copyTime = try Self.time {
            let copy = PreparedCommand(
                executable: "/bin/cp", arguments: paths + [scratch.path + "/copy/"], environment: [:])
            guard try copy.run() == 0 else { throw BenchError("cp failed") }
        }
        let findings = try docket.verify()
        guard findings.isEmpty else { throw BenchError("verify found: \(findings.prefix(3))") }

        let atomicMedian = Self.median(atomicFloor)
        print("")
        print(
            "Archive write path: \(fires) fires on one submission, \(submissions) submissions, \(documents) documents")
        print("")
        print(Self.row("disk: 1 KB write + fsync", fsyncFloor))
        print(Self.row("disk: durable atomic write (floor)", atomicFloor))
        print(Self.row("fire, one submission, events 1-20", early))
        print(Self.row("fire, one submission, last 20 (~\(fires + 2) events)", late))
        print(Self.row("fire, many submissions, short history", manyLatencies))
        print("")
        let fireMedian = Self.median(manyLatencies)
        print(
            String(
                format: "fire vs durable atomic write (median): %.1fx  (target: within 3x)", fireMedian / atomicMedian))
        print(
            String(
                format: "fire vs durable atomic write, history ~%d events: %.1fx", fires + 2,
                Self.median(late) / atomicMedian))
        print(
            String(
                format: "fires/s, %d submissions: one task %.0f, %d tasks %.0f (%.2fx)",
                submissions, Double(submissions) / oneTask, cores, Double(submissions) / allCores, oneTask / allCores))
        let megabytes = Double(totalBytes) / 1_000_000
        print(
            String(
                format:
                    "document add: %.1f MB in %.3f s = %.1f MB/s; sha256sum %.1f MB/s; cp %.1f MB/s; sha256sum+cp %.1f MB/s",
                megabytes, addTime, megabytes / addTime, megabytes / shaTime, megabytes / copyTime,
                megabytes / (shaTime + copyTime)))
        print(String(format: "document add vs sha256sum+cp: %.2fx the time", addTime / (shaTime + copyTime)))
        print("verify after the run: no findings")
        print(Machine.current(xmllint: "/usr/bin/xmllint").line)
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("docket-bench: \(message)\n".utf8))
    }

    /// A submission with its two required documents, ready for submit-for-sign-off.
    static func prepare(_ docket: DocketArchive, title: String) throws -> String {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: title, as: "olivia")
        for kind in [DocumentKind.submission, .coverLetter] {
            try docket.addDocument(
                to: reference, content: Array("\(title) \(kind.rawValue)".utf8),
                description: DocumentDescription(kind: kind, title: kind.rawValue, originalFileName: "x.txt"),
                as: "olivia")
        }
        return reference
    }

    /// Even index: submit for sign-off; odd: the Mayor returns it for redraft (a repeatable loop).
    static func fireNext(_ docket: DocketArchive, on reference: String, index: Int) throws {
        if index % 2 == 0 {
            try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        } else {
            try docket.fire("return-for-redraft", on: reference, as: "mayor", comment: "Redraft \(index)")
        }
    }

    /// Letter-sized files, sizes log-uniform between 20 KB and 2 MB, text-like content.
    private func makeDocuments(in directory: String) throws -> [(path: String, size: Int)] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var generator = SplitMix64(seed: seed)
        let words = Array(
            "council mayor commissioners board direction progress update annex response best value "
                .split(separator: " ").map { String($0) + " " }.joined().utf8)
        var result: [(String, Int)] = []
        for index in 0..<documents {
            let exponent = Double(generator.next() % 10_000) / 10_000
            let size = Int(20_000 * pow(100, exponent))
            var bytes = [UInt8](repeating: 0, count: size)
            for position in 0..<size { bytes[position] = words[(position &+ index &* 7) % words.count] }
            // A unique header keeps every file's SHA-256 distinct.
            bytes.replaceSubrange(0..<min(24, size), with: Array("letter \(index) \(generator.next())".utf8.prefix(24)))
            let path = "\(directory)/letter-\(index).txt"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            result.append((path, size))
        }
        return result
    }

    // MARK: - Measuring

    /// Latencies (seconds) of writing 1 KB and fsyncing it; with `atomic`, the archive's
    /// protocol: temp file, write, fsync, rename, fsync the directory.
    static func fsyncLatencies(in directory: String, samples: Int, atomic: Bool) throws -> [Double] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let payload = [UInt8](repeating: 0x41, count: 1024)
        var result: [Double] = []
        for index in 0..<samples {
            let final = "\(directory)/\(atomic ? "atomic" : "plain")-\(index)"
            let temporary = atomic ? final + ".tmp" : final
            result.append(
                try time {
                    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    guard descriptor >= 0 else { throw BenchError("open \(temporary) failed") }
                    _ = payload.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                    fsync(descriptor)
                    close(descriptor)
                    if atomic {
                        rename(temporary, final)
                        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY)
                        fsync(directoryDescriptor)
                        close(directoryDescriptor)
                    }
                })
        }
        return result
    }

    static func time(_ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Runs `body` on `chunks` threads over contiguous slices of `items`; rethrows the first error.
    static func concurrently<Item: Sendable>(
        chunks: Int, of items: [Item], _ body: @escaping @Sendable (ArraySlice<Item>) throws -> Void
    ) throws {
        let size = (items.count + chunks - 1) / chunks
        let failures = FailureBox()
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let slice = items[min(items.count, index * size)..<min(items.count, (index + 1) * size)]
            do { try body(slice) } catch { failures.record(error) }
        }
        if let first = failures.first { throw first }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    static func row(_ label: String, _ values: [Double]) -> String {
        label.padding(toLength: 52, withPad: " ", startingAt: 0)
            + String(
                format: "median %7.3f ms   p95 %7.3f ms   n=%d", median(values) * 1000, percentile(values, 0.95) * 1000,
                values.count)
    }

    static func removeTree(_ path: String) {
        for file in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
            chmod("\(path)/\(file)", 0o755)
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Collects errors from concurrent workers.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []
    func record(_ error: any Error) {
        lock.lock()
        errors.append(error)
        lock.unlock()
    }
    var first: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return errors.first
    }
}
