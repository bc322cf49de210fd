import Archive
import ArgumentParser
import DocketKit
import Foundation

/// `docket audit`
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract:
            "List the access log: sign-ins, sign-outs, refused sign-ins, revoked sessions, views of restricted material.",
        discussion: """
            Every entry of the archive's access log (access/log/), oldest first: when (London time), \
            who, what they did, whether it was allowed, what it concerned, from which address, and why \
            it was refused. The log is hash-chained; 'docket verify' checks it. It never holds a \
            password or a token. Like the other commands that read the archive, this trusts whoever \
            can read the archive's files.
            """)

    @OptionGroup var archive: ArchiveOptions
    @Option(name: .long, help: ArgumentHelp("Only entries by or about this user.", valueName: "USER"))
    var user: String?
    @Option(
        name: .long, help: ArgumentHelp("Only entries about this submission or meeting.", valueName: "REF"))
    var item: String?
    @Option(name: .long, help: ArgumentHelp("Only entries from this London day on.", valueName: "YYYY-MM-DD"))
    var since: String?
    @OptionGroup var output: OutputFormat

    /// One entry, as `--json` prints it (keys are stable; absent values are left out).
    struct Row: Encodable {
        /// The UTC instant, ISO 8601 with milliseconds.
        var at: String
        /// The same instant on a London clock.
        var londonTime: String
        var user: String?
        var attemptedName: String?
        var action: String
        var method: String?
        var item: String?
        var document: String?
        var what: String?
        var outcome: String
        var reason: String?
        var address: String?
    }

    func validate() throws {
        if let since { _ = try parseDate(since, "--since") }
    }

    func run() throws {
        let entries = try archive.open().accessLog(
            user: user, item: item, since: try since.map { try parseDate($0, "--since") })
        let rows = entries.map { entry in
            let record = entry.event
            return Row(
                at: Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(entry.at),
                londonTime: Wording.londonTime(entry.at), user: record.user, attemptedName: record.attemptedName,
                action: record.action.rawValue, method: record.method?.rawValue, item: record.item,
                document: record.document, what: record.what, outcome: record.outcome.rawValue, reason: record.reason,
                address: record.address)
        }
        if output.json { return try printJSON(rows) }
        var lines = [["TIME", "USER", "ACTION", "OUTCOME", "CONCERNING", "ADDRESS", "REASON"]]
        for row in rows {
            let concerning = [
                row.what, row.item.map { "item \($0)" }, row.document.map { "document \($0.prefix(12))" },
            ]
            .compactMap { $0 }.joined(separator: "; ")
            lines.append([
                row.londonTime, row.user ?? row.attemptedName.map { "\"\($0)\"" } ?? "-",
                row.action + (row.method.map { " (\($0))" } ?? ""), row.outcome, concerning.isEmpty ? "-" : concerning,
                row.address ?? "-", row.reason ?? "",
            ])
        }
        // An entry without a reason leaves the last column empty: no trailing spaces for it.
        let text = table(lines).split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.reversed().drop { $0 == " " }.reversed())
        }
        print(rows.isEmpty ? "(no entries)" : text.joined(separator: "\n"))
    }
}
