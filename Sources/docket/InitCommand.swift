import ArgumentParser
import DocketKit

/// `docket init`
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an archive, with its schemas and the shipped workflow definitions.",
        discussion: """
            The schemas (schema/) and workflows (workflows/) are copied from Docket's distribution: \
            $DOCKET_HOME, else the checkout the docket executable was built in.
            """
    )

    @OptionGroup var archive: ArchiveOptions

    func run() throws {
        guard let distribution = Distribution.locate() else {
            throw ValidationError("cannot find Docket's schemas and workflows; set DOCKET_HOME to the checkout")
        }
        try DocketArchive.create(at: archive.path, from: distribution)
        print("created archive \(archive.path)")
    }
}
