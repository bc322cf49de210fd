import Foundation
import TestSupport
import Testing

/// `docket mail`: deliver as an MTA's pipe would call it (standard input, exit codes an MTA
/// understands), import of .eml, mbox and Maildir (resumed by running again), thread, file.
@Suite struct MailCommandTests {
    static func message(_ number: Int, subject: String? = nil, inReplyTo: Int? = nil) -> String {
        var text = "From: Commissioners <c@example.gov.uk>\nTo: docket@council.example\n"
        text += "Subject: \(subject ?? "Letter \(number)")\nMessage-ID: <m\(number)@example.gov.uk>\n"
        text += "Date: Tue, 20 Sep 2016 10:00:00 +0100\n"
        if let inReplyTo { text += "In-Reply-To: <m\(inReplyTo)@example.gov.uk>\n" }
        return text + "\nLetter \(number) of the Commissioners.\n"
    }

    @Test func deliverAnswersAnMTAWithExitCodesItUnderstands() throws {
        let archive = try ScratchArchive("mail-deliver")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        let bytes = Array(Self.message(1, subject: "Re: \(reference) our reply").utf8)
        let first = try Self.run(archive, bytes)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("archived") && first.output.contains("filed to \(reference)"))
        let again = try Self.run(archive, bytes)
        #expect(again.status == 0)
        #expect(again.output.hasPrefix("duplicate of"))
        // Empty: refused for good (65), nothing archived.
        #expect(try Self.run(archive, []).status == 65)
        // Another delivery holding the lock throughout: 75, so the MTA keeps the message.
        let lock = open("\(archive.path)/correspondence/.lock", O_RDWR | O_CREAT, 0o644)
        #expect(flock(lock, LOCK_EX) == 0)
        let busy = try Self.run(archive, Array(Self.message(2).utf8), ["--wait", "0"])
        close(lock)
        #expect(busy.status == 75, "\(busy.error)")
        #expect(busy.error.contains("try again"))
        // Not an archive: 75 too (a mistyped path must not bounce the council's mail).
        let missing = try Self.runAt("/nonexistent-docket-archive", Array(Self.message(3).utf8))
        #expect(missing == 75)
        let list = try archive.ok("mail", "list", "--json")
        #expect(list.components(separatedBy: "\"sha256\"").count == 2, "one message, delivered twice")
        #expect(try archive.verify().status == 0)
    }

    @Test func importReadsEmlMboxAndMaildirAndAResumeArchivesNothingTwice() throws {
        let archive = try ScratchArchive("mail-import")
        defer { archive.remove() }
        try archive.ok("init")
        try archive.ok("user", "add", "olivia", "--role", "officer")
        let eml = try archive.write(Self.message(1), to: "one.eml")
        // An mbox (mboxrd) with a quoted From line that must come back unquoted.
        var mbox = ""
        for number in 2...4 {
            mbox += "From c@example.gov.uk Tue Sep 20 10:00:00 2016\n"
            mbox += Self.message(number, inReplyTo: number == 3 ? 2 : nil)
            mbox += number == 2 ? ">From the archive, a quoted line.\n\n" : "\n"
        }
        let mboxPath = try archive.write(mbox, to: "box.mbox")
        let maildir = "\(archive.path)/../maildir-\(UUID().uuidString)"
        for folder in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(atPath: "\(maildir)/\(folder)", withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: maildir) }
        try Data(Self.message(5).utf8).write(to: URL(fileURLWithPath: "\(maildir)/new/1.host"))
        try Data(Self.message(6).utf8).write(to: URL(fileURLWithPath: "\(maildir)/cur/2.host:2,S"))
        try Data(Self.message(7).utf8).write(to: URL(fileURLWithPath: "\(maildir)/tmp/3.host"))

        let first = try archive.ok("mail", "import", eml, mboxPath, maildir)
        #expect(first.contains("6 archived, 0 already archived"), "\(first)")
        let resumed = try archive.ok("mail", "import", eml, mboxPath, maildir)
        #expect(resumed.contains("0 archived, 6 already archived"), "\(resumed)")

        // The mbox message is kept as the bytes between separators, quoting undone.
        let list = try archive.ok("mail", "list", "--json")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [[String: Any]])
        let second = try #require(rows.first { ($0["messageID"] as? String) == "m2@example.gov.uk" })
        let sha = try #require(second["sha256"] as? String)
        let stored = try String(
            contentsOfFile: "\(archive.path)/correspondence/messages/\(sha)/message.eml", encoding: .utf8)
        #expect(stored == Self.message(2) + "From the archive, a quoted line.\n")
        #expect(!rows.contains { ($0["messageID"] as? String) == "m7@example.gov.uk" }, "tmp/ is not read")

        let thread = try archive.ok("mail", "thread", "m2@example.gov.uk", "--as", "olivia")
        let lines = thread.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.hasPrefix("  ") == true, "the reply is indented under the letter")
        #expect(try archive.verify().status == 0)
    }

    @Test func fileMovesAMessageFromTheTrayToASubmission() throws {
        let archive = try ScratchArchive("mail-file")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        _ = try Self.run(archive, Array(Self.message(9).utf8))
        #expect(try archive.ok("mail", "unfiled", "--as", "olivia").contains("Letter 9"))
        let filed = try archive.ok("mail", "file", "m9@example.gov.uk", "--to", reference, "--as", "olivia")
        #expect(filed.contains("Filed"))
        #expect(try archive.ok("mail", "unfiled", "--as", "olivia") == "No unfiled correspondence.")
        let shown = try archive.ok("submission", "show", reference)
        #expect(shown.contains("filed the email 'Letter 9'"))
        for command in ["deliver", "import", "list", "unfiled", "file", "thread", "respond"] {
            let help = try archive.run(["mail", command, "--help"])
            #expect(help.standardOutput.contains("USAGE: docket mail \(command)"))
        }
    }

    static func run(_ archive: ScratchArchive, _ bytes: [UInt8], _ extra: [String] = []) throws -> (
        status: Int32, output: String, error: String
    ) {
        try runProcess(["mail", "deliver", "--archive", archive.path] + extra, input: bytes)
    }

    static func runAt(_ path: String, _ bytes: [UInt8]) throws -> Int32 {
        try runProcess(["mail", "deliver", "--archive", path], input: bytes).status
    }

    /// Runs `docket` with `bytes` on standard input (as an MTA's pipe gives a message), at most
    /// `CommandRunner.timeLimit` seconds: a shell redirects the input file and then becomes docket.
    static func runProcess(_ arguments: [String], input bytes: [UInt8]) throws -> (
        status: Int32, output: String, error: String
    ) {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("docket-in-\(UUID().uuidString)")
        try Data(bytes).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try ChildProcess.run(
            "/bin/sh",
            ["-c", "exec \"$0\" \"$@\" < \"$DOCKET_TEST_INPUT\"", CommandRunner.executable.path] + arguments,
            environment: ["DOCKET_TEST_INPUT": input.path], timeout: CommandRunner.timeLimit)
        return (result.status, result.standardOutput, result.standardError)
    }
}
