import ArgumentParser
import DocketKit
import Foundation
import Index
import Mail
import Workflow

/// `docket-bench notify`: the notify pass against the `docket due` query on a generated archive,
/// and messages handed to an MTA per second against the MTA invoked directly.
struct NotifyBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Time a notify pass against 'docket due', and hand-overs against the MTA run directly.",
        discussion: """
            1. On the generated archive (scale-generate; users get e-mail addresses here), at an \
            instant when many deadlines fall due: 'docket notify --dry-run --now T' against \
            'docket due --within 14', each a whole process, interleaved over the rounds. \
            2. In a scratch archive with N submissions waiting for the Mayor: one 'docket notify' \
            pass (deciding, recording and handing over N messages, fsynced) against the same MTA \
            program run N times directly with the same messages. Build release first.
            """)

    @Option(help: "The generated archive.") var archive: String
    @Option(help: "Rounds of each process.") var rounds = 5
    @Option(help: "Messages for the hand-over measurement.") var messages = 200
    @Option(help: "The MTA program (default: a script that reads the message and exits 0).") var mta: String?

    func run() throws {
        let docketBinary = try Machine.docketBesideThisProgram()
        print(Machine.current(xmllint: "/usr/bin/xmllint").line)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("docket-notify-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let program = try mta ?? Self.sinkScript(in: scratch)
        try decidingAgainstDue(docketBinary, mta: program)
        try handingOverAgainstTheMTA(docketBinary, mta: program, scratch: scratch)
    }

    /// A stand-in MTA that reads the whole message and accepts it.
    static func sinkScript(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("mta.sh").path
        try Data("#!/bin/sh\ncat > /dev/null\n".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o755)
        return path
    }

    /// Part 1: the pass decides from the index what may be due and reads only those submissions.
    func decidingAgainstDue(_ docket: String, mta: String) throws {
        let opened = try DocketArchive(opening: archive)
        for name in ["olivia", "mayor", "clive", "ada"] {
            try opened.changeMail(of: name, email: "\(name)@bench.example.gov.uk")
        }
        // The instant: 10:00 on the working day with the most open deadlines two working days on.
        let index = try opened.index()
        let deadlines = try index.openDeadlines().map(\.deadline)
        let counts = Dictionary(grouping: deadlines, by: { $0 }).mapValues(\.count)
        guard let busiest = counts.max(by: { $0.value < $1.value })?.key, let day = CalendarDate(iso: busiest) else {
            throw BenchError("the archive has no open deadlines")
        }
        // Two days before, moved back to a working day (a quiet day would measure nothing).
        let holidays = Set(
            ((try? String(contentsOfFile: "\(archive)/calendar/bank-holidays-england-and-wales.csv", encoding: .utf8))
                ?? "").split(separator: "\n").map { String($0.prefix(10)) })
        var run = day.adding(days: -2)
        while run.weekday == 0 || run.weekday == 6 || holidays.contains(run.description) { run = run.adding(days: -1) }
        let now = "\(run.description)T10:00:00Z"
        let environment = ["DOCKET_ARCHIVE": archive]
        let notify = ["notify", "--dry-run", "--now", now, "--sendmail", mta]
        // Warm both (index sync, page cache) before timing.
        _ = try Self.timed(docket, notify, environment: environment)
        _ = try Self.timed(docket, ["due", "--within", "14"], environment: environment)
        var notifyTimes: [Double] = []
        var dueTimes: [Double] = []
        var decided = 0
        for _ in 0..<rounds {
            let pass = try Self.timed(docket, notify, environment: environment)
            notifyTimes.append(pass.seconds)
            decided = pass.output.split(separator: "\n").filter { $0.hasPrefix("would decide") }.count
            dueTimes.append(try Self.timed(docket, ["due", "--within", "14"], environment: environment).seconds)
        }
        let submissions = try opened.stateCounts().reduce(0) { $0 + $1.count }
        print(
            String(
                format: "notify pass (dry run, %d submissions, %d open deadlines, %@ London: %d messages decided): "
                    + "median %.2f s | docket due --within 14: median %.2f s | ratio %.2fx",
                submissions, deadlines.count, now, decided, ArchiveWrites.median(notifyTimes),
                ArchiveWrites.median(dueTimes), ArchiveWrites.median(notifyTimes) / ArchiveWrites.median(dueTimes)))
    }

    /// Part 2: hand-overs per second, each recorded durably, against the bare MTA.
    func handingOverAgainstTheMTA(_ docket: String, mta: String, scratch: URL) throws {
        let path = scratch.appendingPathComponent("archive").path
        let distribution = try SyntheticArchive.distribution()
        // Tuesday 1 December 2026, 10:00: the submissions go to the Mayor then.
        let start = try Date.ISO8601FormatStyle().parse("2026-12-01T10:00:00Z")
        let scratchArchive = try DocketArchive.create(at: path, from: distribution, clock: { start })
        try scratchArchive.addUser("olivia", roles: [.officer], email: "olivia@bench.example.gov.uk")
        for number in 0..<messages {
            // One Mayor each, so every submission makes one message.
            try scratchArchive.addUser("mayor\(number)", roles: [.mayor], email: "mayor\(number)@bench.example.gov.uk")
        }
        let reference = try scratchArchive.newSubmission(
            workflow: "best-value-submission", title: "Benchmark update", as: "olivia")
        for (kind, name) in [(DocumentKind.submission, "update"), (.coverLetter, "cover")] {
            try scratchArchive.addDocument(
                to: reference, content: Array("\(name)\n".utf8),
                description: DocumentDescription(kind: kind, title: name, originalFileName: "\(name).txt"),
                as: "olivia")
        }
        try scratchArchive.fire("submit-for-sign-off", on: reference, as: "olivia")
        let pass = try Self.timed(
            docket, ["notify", "--now", "2026-12-01T10:05:00Z", "--sendmail", mta],
            environment: ["DOCKET_ARCHIVE": path])
        let handed = pass.output.split(separator: "\n").filter { $0.hasPrefix("handed over") }.count
        guard handed == messages else { throw BenchError("the pass handed over \(handed) of \(messages) messages") }
        // The baseline: the same MTA run once per message with the same bytes, nothing recorded.
        let stored = try FileManager.default.subpathsOfDirectory(atPath: "\(path)/mail/outbox").filter {
            $0.hasSuffix(".eml")
        }.map { try Array(Data(contentsOf: URL(fileURLWithPath: "\(path)/mail/outbox/\($0)"))) }
        let transport = SendmailTransport(path: mta)
        let direct = try ArchiveWrites.time {
            for message in stored where transport.send(message) != .accepted {
                throw BenchError("the MTA refused a message")
            }
        }
        print(
            String(
                format: "hand-over of %d messages by one docket notify pass (decide, record with fsync, hand over, "
                    + "record): %.2f s, %.0f messages/s | the MTA run directly with the same messages: %.2f s, "
                    + "%.0f messages/s | ratio %.2fx", messages, pass.seconds, Double(messages) / pass.seconds, direct,
                Double(messages) / direct, pass.seconds / direct))
    }

    /// Runs a command to its end with extra environment variables; its wall time and output.
    static func timed(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> (
        seconds: Double, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bench-out-\(UUID())")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        process.standardOutput = try FileHandle(forWritingTo: output)
        var seconds = 0.0
        seconds = try ArchiveWrites.time {
            try process.run()
            process.waitUntilExit()
        }
        guard process.terminationStatus == 0 else {
            throw BenchError("\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return (seconds, try String(contentsOf: output, encoding: .utf8))
    }
}
