import ArgumentParser
import DocketKit
import Foundation

/// `docket clearance [--role R]… [--open-marking M]…`
struct ClearanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clearance",
        abstract: "Show or set which roles may read exempt items and documents marked above OFFICIAL.",
        discussion: """
            Without options, shows the archive's clearance. With --role (repeatable) and \
            --open-marking (repeatable), replaces it: the roles listed are cleared for agenda items \
            exempt under Schedule 12A and for documents whose marking is not open; everyone signed \
            in may read documents with an open marking. Kept in access/clearance.xml (checked by \
            schema/docket-access-1.xsd). Without the file: officer, mayor, clerk, admin, chair and \
            records-manager are cleared, and only OFFICIAL is open.
            """)

    @OptionGroup var archive: ArchiveOptions
    @Option(
        name: .customLong("role"),
        help: ArgumentHelp(
            "A role cleared for restricted material: "
                + DocketArchive.clearableRoleNames.sorted().joined(separator: ", ") + ". Repeatable."))
    var roles: [String] = []
    @Option(
        name: .customLong("open-marking"),
        help: "A protective marking open to everyone signed in (e.g. OFFICIAL). Repeatable; needs --role.")
    var openMarkings: [String] = []

    func validate() throws {
        if roles.isEmpty != openMarkings.isEmpty {
            throw ValidationError("give both --role and --open-marking to change the clearance, or neither to show it")
        }
    }

    func run() throws {
        let docket = try archive.open()
        let clearance =
            roles.isEmpty
            ? try docket.clearance() : try docket.setClearance(clearedRoles: roles, openMarkings: openMarkings)
        print("cleared roles: " + clearance.clearedRoles.sorted().joined(separator: ", "))
        print("open markings: " + clearance.openMarkings.sorted().joined(separator: ", "))
    }
}
