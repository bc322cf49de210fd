import ArgumentParser
import DocketKit
import Foundation
import Workflow

/// `docket-bench retention`: what is due under the retention schedule, against `docket verify`
/// (which reads every submission too) in the same run, on a generated archive.
struct RetentionBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Time 'docket retention due' against 'docket verify' on a generated archive.",
        discussion: """
            On the generated archive (scale-generate), with the distribution's default schedule \
            and a records manager added: 'docket retention due --json' and 'docket verify', each a \
            whole process, interleaved over the rounds. The review reads every submission's chain \
            and documents' metadata and replays it, as verify does (verify also re-hashes every \
            document and validates every file). Build release first.
            """)

    @Option(help: "The generated archive.") var archive: String
    @Option(help: "Rounds of each process.") var rounds = 5

    func run() throws {
        let docketBinary = try Machine.docketBesideThisProgram()
        print(Machine.current(xmllint: "/usr/bin/xmllint").line)
        let opened = try DocketArchive(opening: archive)
        if (try? opened.actor("rhona")) == nil { try opened.addUser("rhona", roles: [.recordsManager]) }
        let environment = ["DOCKET_ARCHIVE": archive]
        let due = ["retention", "due", "--json", "--as", "rhona"]
        _ = try NotifyBenchmark.timed(docketBinary, due, environment: environment)  // warm: index, page cache
        var dueTimes: [Double] = []
        var verifyTimes: [Double] = []
        var records = 0
        for _ in 0..<rounds {
            let review = try NotifyBenchmark.timed(docketBinary, due, environment: environment)
            dueTimes.append(review.seconds)
            records = review.output.components(separatedBy: "\"sha256\"").count - 1
            verifyTimes.append(try NotifyBenchmark.timed(docketBinary, ["verify"], environment: environment).seconds)
        }
        let submissions = try FileManager.default.contentsOfDirectory(atPath: "\(archive)/submissions").count
        let dueMedian = ArchiveWrites.median(dueTimes)
        let verifyMedian = ArchiveWrites.median(verifyTimes)
        print(
            "retention due: \(records) records due of \(submissions) submissions, median "
                + String(format: "%.2f s", dueMedian))
        print("verify: median " + String(format: "%.2f s", verifyMedian))
        print("ratio (due / verify): " + String(format: "%.2fx", dueMedian / verifyMedian))
        // In one process, as the web app asks: the first review reads every submission, the
        // next ones (nothing changed) start from the cached candidates.
        let server = try DocketArchive(opening: archive)
        var first = 0.0
        var later: [Double] = []
        for round in 0...rounds {
            let seconds = try ArchiveWrites.time { _ = try server.retentionReview(as: "rhona") }
            if round == 0 { first = seconds } else { later.append(seconds) }
        }
        print(
            "in one process: first review " + String(format: "%.2f s", first) + ", then median "
                + String(format: "%.3f s", ArchiveWrites.median(later)))
    }
}
