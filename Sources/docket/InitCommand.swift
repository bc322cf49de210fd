import ArgumentParser
import DocketKit

/// `docket init`
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an archive, with its schemas and the shipped workflow definitions.",
        discussion: """
            The schemas (schema/), bank holidays (calendar/) and workflows (workflows/) are copied \
            from Docket's distribution: $DOCKET_HOME, else the checkout the docket executable was \
            built in. With --upgrade, an existing archive gets the distributed files it lacks (e.g. \
            the board schema an archive made before series and meetings has not got); nothing it \
            has is replaced.
            """
    )

    @OptionGroup var archive: ArchiveOptions
    @Flag(name: .long, help: "Add the distributed files an existing archive lacks, replacing nothing.")
    var upgrade = false

    func run() throws {
        guard let distribution = Distribution.locate() else {
            throw ValidationError(Distribution.notFoundMessage)
        }
        if upgrade {
            let added = try DocketArchive.addMissingDistributionFiles(to: archive.path, from: distribution)
            print(
                added.isEmpty
                    ? "archive \(archive.path) has every distributed file"
                    : "added to \(archive.path): " + added.joined(separator: ", "))
            return
        }
        try DocketArchive.create(at: archive.path, from: distribution)
        print("created archive \(archive.path)")
    }
}
