import Foundation

/// Programs found the way a shell finds them, run with their output and errors together: for
/// tests that check Docket's files with other tools (bagit.py, xmllint, sha256sum).
public enum CommandLineTools {
    /// `bagit.py` (the Library of Congress BagIt tool, PyPI `bagit`): on PATH, or in the
    /// scripts directory of the `python3` on PATH, where `pip install` puts it.
    ///
    /// - Throws: `ExternalToolError` saying how to install it.
    public static func bagit() throws -> String {
        if let found = ExternalTool.onPath("bagit.py") { return found }
        if let python = ExternalTool.onPath("python3") {
            let scripts = try run(python, ["-c", "import sysconfig; print(sysconfig.get_path('scripts'))"])
            let candidate = scripts.output.trimmingCharacters(in: .whitespacesAndNewlines) + "/bagit.py"
            if scripts.status == 0, FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ExternalToolError(
            description: "bagit.py (the Library of Congress BagIt tool) is not installed: run scripts/test, which "
                + "installs the version pinned in scripts/lib.sh (python3 -m pip install bagit==VERSION)")
    }

    /// The program called `name` on PATH.
    ///
    /// - Throws: `ExternalToolError` if there is none.
    public static func tool(_ name: String) throws -> String {
        guard let found = ExternalTool.onPath(name) else {
            throw ExternalToolError(description: "\(name) is not on PATH (scripts/test installs it)")
        }
        return found
    }

    /// Runs a program and waits at most `timeout` seconds (then kills it and throws);
    /// standard output and error together, interleaved as it wrote them.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil, timeout: TimeInterval = 120
    ) throws -> (status: Int32, output: String) {
        let result = try ChildProcess.run(
            executable, arguments, in: directory.map { URL(fileURLWithPath: $0) }, mergeOutput: true,
            timeout: timeout)
        return (result.status, result.standardOutput)
    }
}

extension ExternalTool {
    /// The executable called `name` in a PATH directory, or nil.
    public static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
