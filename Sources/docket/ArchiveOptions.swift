import ArgumentParser
import DocketKit
import Foundation

/// `--archive DIR`, shared by every command that works on an archive, with the signing key and
/// the configuration file they may come from.
struct ArchiveOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The archive directory \(Setting.archive.helpSuffix).", valueName: "DIR"))
    var archive: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The private key the archive's records are signed with, once it has one \(Setting.signingKey.helpSuffix).",
            valueName: "FILE"))
    var signingKey: String?

    /// Read before the arguments are parsed (`Settings.load`); declared here so that every
    /// command working on an archive accepts it and its help shows it.
    @Option(
        name: .long,
        help: ArgumentHelp(
            """
            The configuration file (default: $\(Settings.environmentVariable), else \(Settings.defaultFile) \
            when it exists; docket config show prints what it sets).
            """, valueName: "FILE"))
    var config: String?

    /// The directory chosen by `--archive`, the environment, the configuration file or the default.
    var path: String {
        Settings.current.defaultedText(.archive, flag: archive)
    }

    /// The key file chosen by `--signing-key`, the environment or the configuration file; nil
    /// for the default location.
    var signingKeyPath: String? {
        Settings.current.text(.signingKey, flag: signingKey)
    }

    /// Opens the archive, or explains why not.
    func open() throws -> DocketArchive {
        try DocketArchive(opening: path, signingKey: signingKeyPath)
    }
}

/// `--as USER`: the Docket user who acts, checked for roles like anyone else.
struct ActingUser: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("The Docket user who acts.", valueName: "USER"))
    var user: String
}

/// `--json`: a stable machine-readable form instead of text.
struct OutputFormat: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (stable field names) instead of text.")
    var json = false
}

/// `--expect-seq N`: a write refused (exit 3) unless the submission's last event is N.
struct ExpectedSequence: ParsableArguments {
    @Option(
        name: .customLong("expect-seq"),
        help: "Refuse unless the submission's last event has this number (guards against stale views).")
    var expectedSequence: Int?
}

/// Prints an `Encodable` as pretty, key-sorted JSON.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Left-aligned columns for text tables.
func table(_ rows: [[String]]) -> String {
    guard let width = rows.map(\.count).max() else { return "" }
    var widths = [Int](repeating: 0, count: width)
    for row in rows {
        for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    return rows.map { row in
        row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}
