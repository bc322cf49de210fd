import Foundation

/// Why a test could not use an external program: it is missing, failed, or ran too long.
/// A missing tool fails the test with this message; it is never a silent skip.
public struct ExternalToolError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// What a finished program printed.
public struct ToolOutput: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// A program found on `PATH`, run with a time limit (xmllint, python3, soffice, pdftotext).
public struct ExternalTool: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The first executable called `name` in a `PATH` directory that `accept` agrees to.
    ///
    /// - Parameters:
    ///   - name: the program's file name.
    ///   - package: the Debian package to install when it is missing, for the error message.
    ///   - accept: a further check on a candidate, e.g. that this python3 can import a module.
    /// - Throws: `ExternalToolError` naming the program and its package if none is found.
    public static func locate(_ name: String, package: String, accept: (ExternalTool) -> Bool = { _ in true }) throws
        -> ExternalTool
    {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in directories {
            let candidate = ExternalTool(path: "\(directory)/\(name)")
            if FileManager.default.isExecutableFile(atPath: candidate.path) && accept(candidate) {
                return candidate
            }
        }
        throw ExternalToolError(
            description: "\(name) was not found on PATH (or could not be used); install the Debian package \(package)")
    }

    /// Runs the program to completion, or kills it after `timeout` seconds (see `ChildProcess`:
    /// its output goes to files, read together once it has ended, so it never blocks on a pipe).
    ///
    /// - Throws: `ExternalToolError` if the program cannot start or outlives `timeout`.
    public func run(_ arguments: [String], timeout: TimeInterval = 60) throws -> ToolOutput {
        let result = try ChildProcess.run(path, arguments, timeout: timeout)
        return ToolOutput(
            status: result.status, standardOutput: result.standardOutput, standardError: result.standardError)
    }

    /// Runs the program and requires exit status 0.
    ///
    /// - Throws: `ExternalToolError` with the program's standard error if it fails.
    @discardableResult
    public func runSucceeding(_ arguments: [String], timeout: TimeInterval = 60) throws -> ToolOutput {
        let result = try run(arguments, timeout: timeout)
        guard result.status == 0 else {
            throw ExternalToolError(
                description:
                    "\(path) \(arguments.joined(separator: " ")) exited with status \(result.status): "
                    + result.standardError)
        }
        return result
    }
}

extension ExternalTool {
    public static func xmllint() throws -> ExternalTool {
        try locate("xmllint", package: "libxml2-utils")
    }

    /// The xmlsec command (`xmlsec1 --verify`), the reference for Docket's XML Signatures.
    public static func xmlsec1() throws -> ExternalTool {
        try locate("xmlsec1", package: "xmlsec1")
    }

    public static func pdftotext() throws -> ExternalTool {
        try locate("pdftotext", package: "poppler-utils")
    }

    public static func soffice() throws -> ExternalTool {
        try locate("soffice", package: "libreoffice-writer-nogui")
    }

    /// The first python3 on PATH that can import python-docx (a pyenv python3 may come first
    /// on PATH without it; Debian's has it from python3-docx).
    public static func pythonWithDocx() throws -> ExternalTool {
        try locate("python3", package: "python3-docx") { candidate in
            (try? candidate.run(["-c", "import docx"], timeout: 30).status) == 0
        }
    }
}

extension ExternalTool {
    /// The first python3 on PATH that can import icalendar (Debian's python3-icalendar).
    public static func pythonWithICalendar() throws -> ExternalTool {
        try locate("python3", package: "python3-icalendar") { candidate in
            (try? candidate.run(["-c", "import icalendar"], timeout: 30).status) == 0
        }
    }

    /// Converts a document to PDF with LibreOffice in a profile of its own (so that concurrent
    /// and first runs do not collide); returns the PDF's path.
    public static func convertToPDF(_ document: String, outputDirectory: String) throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("lo-profile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        try soffice().runSucceeding(
            [
                "-env:UserInstallation=\(profile.absoluteString)", "--headless", "--convert-to", "pdf", "--outdir",
                outputDirectory, document,
            ], timeout: 180)
        let pdf = "\(outputDirectory)/\(URL(fileURLWithPath: document).deletingPathExtension().lastPathComponent).pdf"
        guard FileManager.default.fileExists(atPath: pdf) else {
            throw ExternalToolError(description: "soffice reported success but wrote no \(pdf)")
        }
        return pdf
    }

    /// The text of a PDF, laid out as on the page (`pdftotext -layout`).
    public static func pdfText(_ pdf: String) throws -> String {
        try pdftotext().runSucceeding(["-layout", "-enc", "UTF-8", pdf, "-"]).standardOutput
    }
}
