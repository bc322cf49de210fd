import Foundation
import Testing

/// A real archive in a fresh temporary directory, driven through the built `docket` binary
/// with `DOCKET_ARCHIVE` set, as a script or a cron job would drive it.
struct ScratchArchive {
    /// The temporary directory holding the archive, its copies and the files to archive.
    let directory: URL
    /// The archive directory itself.
    let path: String

    /// A new empty temporary directory; the archive is created by `docket init`.
    init(_ label: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "docket-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("archive").path
    }

    private init(directory: URL, path: String) {
        self.directory = directory
        self.path = path
    }

    /// Deletes everything (archived files are read-only, but their directories are not).
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    var environment: [String: String] { ["DOCKET_ARCHIVE": path] }

    /// Runs `docket` on this archive and waits.
    func run(_ arguments: [String]) throws -> CommandRunner.Outcome {
        try CommandRunner.docket(arguments, environment: environment, in: directory)
    }

    /// Starts `docket` on this archive without waiting.
    func start(_ arguments: [String]) throws -> CommandRunner.RunningCommand {
        try CommandRunner.start(arguments, environment: environment, in: directory)
    }

    /// Runs `docket` and expects status 0; returns its trimmed standard output.
    @discardableResult
    func ok(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let outcome = try run(arguments)
        #expect(outcome.status == 0, "\(arguments): \(outcome.standardError)", sourceLocation: sourceLocation)
        return outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `docket init`, an officer `olivia` and a mayor `mayor`, and one new submission; returns
    /// its reference.
    func startSubmission() throws -> String {
        try ok("init")
        try ok("user", "add", "olivia", "--role", "officer")
        try ok("user", "add", "mayor", "--role", "mayor")
        return try ok(
            "submission", "new", "--workflow", "best-value-submission", "--title", "Integrity", "--as", "olivia")
    }

    /// Adds the two documents `submit-for-sign-off` needs, so the sign-off loop can run.
    func addSubmissionPack(_ reference: String) throws {
        let submission = try write("The submission itself", to: "pack-submission.txt")
        let cover = try write("The cover letter", to: "pack-cover.txt")
        try ok(
            "document", "add", reference, submission, "--kind", "submission", "--title", "Submission", "--as", "olivia")
        try ok(
            "document", "add", reference, cover, "--kind", "cover-letter", "--title", "Cover letter", "--as", "olivia")
    }

    /// Writes a file beside the archive (creating folders in `name`); returns its path.
    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        try write(Data(text.utf8), to: name)
    }

    @discardableResult
    func write(_ data: Data, to name: String) throws -> String {
        let file = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
        return file.path
    }

    func submissionDirectory(_ reference: String) -> String { "\(path)/submissions/\(reference)" }
    func eventsDirectory(_ reference: String) -> String { "\(submissionDirectory(reference))/events" }

    /// Names in a directory, sorted; empty if it does not exist.
    func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// The event files `NNNNNN.xml` of a submission (not temporary files), in order.
    func eventFiles(_ reference: String) -> [String] {
        names(in: eventsDirectory(reference)).filter { !$0.hasPrefix(".") && $0.hasSuffix(".xml") }
    }

    /// `docket submission show REF --json`, decoded.
    func show(_ reference: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ShownSubmission {
        let outcome = try run(["submission", "show", reference, "--json"])
        try #require(outcome.status == 0, "show \(reference): \(outcome.standardError)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode(ShownSubmission.self, from: Data(outcome.standardOutput.utf8))
    }

    /// `docket verify` on this archive.
    func verify() throws -> CommandRunner.Outcome {
        try run(["verify"])
    }

    /// A byte-for-byte copy of the archive beside it (permissions kept: files stay read-only).
    func copy(as name: String) throws -> ScratchArchive {
        let target = directory.appendingPathComponent(name)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: path), to: target)
        return ScratchArchive(directory: directory, path: target.path)
    }
}

// MARK: - Inspecting and tampering (paths relative to the archive)

extension ScratchArchive {
    /// Every file under a submission's directory (hidden ones too) with its bytes: equal
    /// snapshots mean nothing was written, renamed or left behind.
    func snapshot(_ reference: String) throws -> [String: Data] {
        let root = submissionDirectory(reference)
        var files: [String: Data] = [:]
        for case let relative as String in FileManager.default.enumerator(atPath: root)?.allObjects ?? [] {
            var isDirectory: ObjCBool = false
            let full = "\(root)/\(relative)"
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
        }
        return files
    }

    /// The names of every file under a submission's directory (hidden ones too, but not the
    /// lock file that a writer creates before it writes anything), relative to it.
    func fileNames(_ reference: String) -> Set<String> {
        let all = FileManager.default.enumerator(atPath: submissionDirectory(reference))?.allObjects ?? []
        return Set(all.compactMap { $0 as? String }.filter { $0 != ".lock" })
    }

    /// The names of every file and folder in the archive, relative to it: hidden ones too, but
    /// not lock files (a writer creates them before it writes anything) nor the search index
    /// (derived: opening it may create its journal files).
    func allFileNames() -> Set<String> {
        let all = FileManager.default.enumerator(atPath: path)?.allObjects ?? []
        return Set(all.compactMap { $0 as? String }.filter { !$0.hasSuffix(".lock") && !$0.hasPrefix("index.sqlite") })
    }

    /// Temporary files (`.tmp-*`) in a directory: what an interrupted or losing write leaves.
    func temporaryFiles(in directory: String) -> [String] {
        names(in: directory).filter { $0.hasPrefix(".tmp-") }
    }

    /// The bytes of an archived file.
    func read(_ relative: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: "\(path)/\(relative)"))
    }

    /// The event number `head.xml` records.
    func headSequence(_ reference: String) throws -> Int {
        let text = String(decoding: try read("submissions/\(reference)/head.xml"), as: UTF8.self)
        guard let start = text.range(of: "<sequence>"), let end = text.range(of: "</sequence>"),
            let sequence = Int(text[start.upperBound..<end.lowerBound])
        else { throw TamperError.notFound("<sequence>", in: "head.xml") }
        return sequence
    }

    /// Rewrites an archived file; archived files are read-only (0444), so this makes it
    /// writable first and read-only again after, as a tamperer with the same account would.
    func change(_ relative: String, _ edit: (inout Data) throws -> Void) throws {
        let file = "\(path)/\(relative)"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        var data = try Data(contentsOf: URL(fileURLWithPath: file))
        try edit(&data)
        try data.write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: file)
    }

    /// Replaces text in an archived file, keeping it well-formed XML; fails if `old` is absent
    /// (so a test never passes by tampering with nothing).
    func replace(_ old: String, with new: String, in relative: String) throws {
        try change(relative) { data in
            let text = String(decoding: data, as: UTF8.self)
            guard text.contains(old) else { throw TamperError.notFound(old, in: relative) }
            data = Data(text.replacingOccurrences(of: old, with: new).utf8)
        }
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(atPath: "\(path)/\(relative)")
    }

    func move(_ relative: String, to target: String) throws {
        try FileManager.default.moveItem(atPath: "\(path)/\(relative)", toPath: "\(path)/\(target)")
    }

    func copy(_ relative: String, to target: String) throws {
        try FileManager.default.copyItem(atPath: "\(path)/\(relative)", toPath: "\(path)/\(target)")
    }

    /// Writes a new file into the archive.
    func put(_ data: Data, at relative: String) throws {
        try data.write(to: URL(fileURLWithPath: "\(path)/\(relative)"))
    }
}

/// A tampering step that could not be applied.
enum TamperError: Error {
    case notFound(String, in: String)
}

/// The parts of `docket submission show --json` the integrity tests look at.
struct ShownSubmission: Decodable {
    struct Document: Decodable {
        var sha256: String
        var title: String
        var kind: String
    }

    struct Event: Decodable {
        var sequence: Int
        /// `document-added` or `transition`.
        var kind: String
        var event: String?
        var comment: String?
        var document: String?
    }

    var state: String
    var sequence: Int
    var documents: [Document]
    var events: [Event]

    var transitions: [Event] { events.filter { $0.kind == "transition" } }
}

/// SplitMix64: a small seeded generator, so that random kill delays repeat from run to run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
