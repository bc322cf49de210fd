import Foundation
import TestSupport

/// Runs the built `docket` executable as a child process, as a user or a script would.
struct CommandRunner {
    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The repository root, for the workflows and schemas the tests check.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `docket` sits beside the test bundle in SwiftPM's build directory.
    static let executable: URL = {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("docket")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        fatalError("the docket executable was not built beside \(testBinary.path)")
    }()

    /// Removes a scratch directory, first making archived (read-only) files writable.
    static func removeTree(_ directory: URL) {
        for file in (try? FileManager.default.subpathsOfDirectory(atPath: directory.path)) ?? [] {
            chmod(directory.appendingPathComponent(file).path, 0o755)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// How long a test waits for one `docket` command before killing it and failing: far
    /// longer than any command takes in a debug build on a loaded machine, far shorter than
    /// CI's limit.
    static let timeLimit: TimeInterval = 300

    /// Runs `docket` and waits for it (at most `timeLimit`; then it is killed and this throws).
    static func docket(_ arguments: [String], in directory: URL? = nil) throws -> Outcome {
        try start(arguments, in: directory ?? repositoryRoot).wait().outcome
    }
}
