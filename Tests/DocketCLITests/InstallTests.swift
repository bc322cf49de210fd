import Foundation
import TestSupport
import Testing

/// `scripts/install` into a temporary prefix: the installed binary finds its distribution from
/// its own location alone (no variable, run from outside the checkout), builds and verifies the
/// demo, and serves the web app's templates from the installation; a binary copied out alone
/// says what is missing and which variable to set.
@Suite(.serialized) struct InstallTests {
    @Test func theInstalledBinaryFindsItsDistributionAlone() throws {
        let scratch = try ScratchArchive("install")
        defer { CommandRunner.removeTree(scratch.directory) }
        let prefix = scratch.directory.appendingPathComponent("prefix").path
        let install = try ExternalTool(path: "/bin/bash").run(
            [
                "\(CommandRunner.repositoryRoot.path)/scripts/install", "--prefix", prefix, "--binary",
                CommandRunner.executable.path,
            ], timeout: 120)
        #expect(install.status == 0, "\(install.standardError)")
        let share = "\(prefix)/share/docket"
        for file in [
            "archive/schema/docket-signed-1.xsd", "archive/calendar/bank-holidays-england-and-wales.csv",
            "archive/retention/schedule.xml", "workflows/best-value-submission.scxml", "web/Templates/sign-in.mustache",
            "web/Static/docket.css", "web/Static/openapi.json",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(share)/\(file)"), "\(file) not installed")
        }

        // Run from outside the checkout, with no DOCKET_HOME: only the installation can be found.
        let installed = "\(prefix)/bin/docket"
        let outside = ["DOCKET_HOME": "", "XDG_CONFIG_HOME": scratch.directory.appendingPathComponent("config").path]
        func run(_ arguments: [String], binary: String = installed) throws -> ChildProcess.Result {
            try ChildProcess(binary, arguments, in: scratch.directory, environment: outside).wait(timeout: 300)
        }
        let version = try run(["--version"])
        #expect(version.standardOutput.contains("distribution: \(share)"), "\(version.standardOutput)")
        let demo = try run(["demo", "--archive", scratch.path])
        #expect(demo.status == 0, "\(demo.standardError)")
        #expect(try run(["verify", "--archive", scratch.path]).status == 0)

        // The web app's pages come from the installed templates: a mark added there is served.
        let template = "\(share)/web/Templates/sign-in.mustache"
        try (String(contentsOfFile: template, encoding: .utf8) + "<!-- the installed copy -->\n").write(
            toFile: template, atomically: true, encoding: .utf8)
        let port = Int.random(in: 20_000...40_000)
        let server = try ChildProcess(
            installed, ["serve", "--archive", scratch.path, "--port", String(port)], in: scratch.directory,
            environment: outside)
        defer {
            server.send(SIGTERM)
            _ = try? server.wait(timeout: 30)
        }
        let curl = try ExternalTool(path: "/usr/bin/curl")
        var page = ""
        for _ in 0..<150 where server.isRunning {
            let fetched = try curl.run(["-s", "--max-time", "2", "http://127.0.0.1:\(port)/sign-in"], timeout: 10)
            if fetched.status == 0, !fetched.standardOutput.isEmpty {
                page = fetched.standardOutput
                break
            }
            usleep(200_000)
        }
        #expect(page.contains("<!-- the installed copy -->"), "\(page.prefix(300))")

        // A binary copied out alone: the error says what the distribution is and how to name it.
        let lonely = scratch.directory.appendingPathComponent("lonely").path
        try FileManager.default.createDirectory(atPath: lonely, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: installed, toPath: "\(lonely)/docket")
        let lost = try run(["demo", "--archive", "\(lonely)/archive"], binary: "\(lonely)/docket")
        #expect(lost.status != 0)
        for words in ["DOCKET_HOME", "archive/schema/", "workflows/", "scripts/install"] {
            #expect(lost.standardError.contains(words), "\(lost.standardError)")
        }
    }
}
