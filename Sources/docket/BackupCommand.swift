import Archive
import ArgumentParser
import DocketKit
import Foundation

/// `docket backup --to DIR`
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back the archive up into a directory: incremental, safe while the server runs.",
        discussion: """
            DIR (made on first use, mode 0700) keeps every file's content once, named by its SHA-256 \
            (objects/), and one manifest per backup (manifests/NAME.tsv: SHA-256, size, modified, \
            path), written last. A file unchanged since the last backup is not read again. The \
            search index is left out (restore rebuilds it). Documents a disposal destroyed are \
            recorded (destroyed.txt): their copies are deleted from DIR and never restored. \
            The signing key is not in the archive: keep it (or not) by your own means.
            """)
    @OptionGroup var archive: ArchiveOptions
    @Option(help: ArgumentHelp("The backup directory.", valueName: "DIR")) var to: String

    func run() throws {
        var standardError = StandardError()
        let started = Date()
        let report = try archive.open().backup(to: to) { part in
            print("backing up: \(part)", to: &standardError)
        }
        print(
            "backup \(report.name) in \(to): \(report.files) files, \(report.copied) stored now "
                + "(\(report.bytesCopied) bytes), \(report.passes) pass(es), \(report.purged) destroyed document(s) "
                + "removed, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}

/// `docket restore --from DIR --to NEW`
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a new archive directory, then rebuild its search index.",
        discussion: """
            Every file is checked against its SHA-256 as it is written; archive.xml comes last. A \
            document a disposal destroyed is never brought back, even from a backup older than \
            the disposal (its history then says what became of it only if the backup holds the \
            disposal's event: restore the newest backup). Run 'docket verify' on the result.
            """)
    @Option(help: ArgumentHelp("The backup directory.", valueName: "DIR")) var from: String
    @Option(help: ArgumentHelp("Where to restore to: a new or empty directory.", valueName: "NEW")) var to: String
    @Option(help: ArgumentHelp("The backup to restore (default: the newest); --list shows them.", valueName: "NAME"))
    var backup: String?
    @Flag(help: "List the backups in DIR and stop.") var list = false

    func run() throws {
        if list {
            let repository = try BackupRepository(at: from, creating: false)
            for name in repository.manifestNames() {
                print("\(name)  \(try repository.manifest(name).entries.count) files")
            }
            return
        }
        var standardError = StandardError()
        let interactive = isatty(STDERR_FILENO) != 0
        let report = try DocketArchive.restore(from: from, backup: backup, to: to) { done, total in
            if interactive {
                print("\rrestoring: \(done)/\(total)", terminator: done == total ? "\n" : "", to: &standardError)
            }
        }
        print("restored backup \(report.backup) into \(to): \(report.files) files; search index rebuilt")
        if !report.leftOut.isEmpty {
            print("left out \(report.leftOut.count) destroyed document(s):")
            for path in report.leftOut { print("  \(path)") }
        }
        print("next: docket verify --archive \(to)")
    }
}
