import ArgumentParser
import DocketKit
import Foundation

/// `docket demo [--archive DIR]`
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a ready-to-explore archive of the model case (Best Value Plan, Board of 19 October 2016).",
        discussion: """
            The Best Value Plan series with its first three six-monthly updates, the third dispatched \
            on 20 September 2016 and answered by the Commissioners, and the Best Value Programme \
            Board of 19 October 2016 with that item on its published agenda and its report archived. \
            The Board has met: it noted the update, with two actions, and its minutes were approved \
            on 14 December 2016 and signed by the chair (--before-the-meeting stops short of that). \
            One user per role. Refuses a directory that already holds an archive.
            """)
    @Option(name: .long, help: ArgumentHelp("Where to build it (default: ./demo-archive).", valueName: "DIR"))
    var archive = "demo-archive"
    @Flag(
        name: .long,
        help: """
            Stop the day before the Board of 19 October 2016 meets: the third update on its \
            published agenda, nothing recorded of the meeting (to practise recording it).
            """)
    var beforeTheMeeting = false
    @Option(
        name: .long,
        help: ArgumentHelp(
            """
            Where to keep the demo's private signing key \(Setting.signingKey.helpSuffix). Every \
            record of the demo is signed.
            """, valueName: "FILE"))
    var signingKey: String?

    func run() throws {
        guard let distribution = Distribution.locate() else {
            throw ValidationError(Distribution.notFoundMessage)
        }
        let keyFile = Settings.current.text(.signingKey, flag: signingKey)
        let summary = try DemoArchive.build(
            at: archive, from: distribution, meetingHeld: !beforeTheMeeting, signed: true, signingKey: keyFile)
        print("built the demo archive in \(summary.path)")
        print("users: " + summary.users.map { "\($0.name) (\($0.role.rawValue))" }.joined(separator: ", "))
        print("web app password of every demo user: \(DemoArchive.password)  (docket serve --archive \(archive))")
        print("series \(summary.series): " + summary.submissions.joined(separator: ", "))
        print("meeting: \(summary.meeting)" + (summary.minutes.map { ", its minutes \($0)" } ?? ", not yet held"))
        let opened = try DocketArchive(opening: archive, signingKey: keyFile)
        if let key = try opened.signingKeys().last?.key {
            print(
                "every record is signed with key \(key.name) (SPKI SHA-256 \(key.spkiSHA256)); "
                    + "private key: \(opened.store.signingKeyPath ?? "?")")
        }
        let third = summary.submissions.last ?? ""
        print("try: docket report \(third) --archive \(archive) --format docx -o report.docx")
    }
}
