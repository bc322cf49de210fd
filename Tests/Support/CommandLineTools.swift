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
            description: "bagit.py (the Library of Congress BagIt tool) is not installed: run `pip install bagit` "
                + "(python3 -m pip install bagit; scripts/test installs it)")
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

    /// Runs a program and waits; standard output and error together.
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws
        -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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
