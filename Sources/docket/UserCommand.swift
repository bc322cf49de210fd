import ArgumentParser
import DocketKit
import Workflow

extension Role: ExpressibleByArgument {}

extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(iso: argument)
    }
}

/// `docket user …`
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage Docket users, their roles and delegations.",
        subcommands: [Add.self, List.self, Delegate.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user with one or more roles.")

        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The user name: lower-case letters, digits, '.', '_', '-'.") var name: String
        @Option(
            name: .long,
            help: ArgumentHelp("A role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")). Repeatable."))
        var role: [Role]
        @Option(name: .customLong("name"), help: "The user's full name.") var fullName: String?

        func validate() throws {
            if role.isEmpty { throw ValidationError("give at least one --role") }
        }

        func run() throws {
            let user = try archive.open().addUser(name, roles: role, fullName: fullName)
            print("added \(user.name) (\(user.roles.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users, roles and delegations.")

        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var output: OutputFormat

        struct Row: Encodable {
            var name: String
            var fullName: String?
            var roles: [String]
            var delegations: [Delegated]
        }
        struct Delegated: Encodable {
            var from: String
            var role: String
            var until: String
        }

        func run() throws {
            let rows = try archive.open().users().map { user in
                Row(
                    name: user.name, fullName: user.fullName, roles: user.roles.map(\.rawValue),
                    delegations: user.delegations.map {
                        Delegated(from: $0.from, role: $0.role.rawValue, until: $0.until.description)
                    })
            }
            if output.json { return try printJSON(rows) }
            var lines = [["NAME", "FULL NAME", "ROLES", "DELEGATED"]]
            for row in rows {
                let delegated = row.delegations.map { "\($0.role) from \($0.from) until \($0.until)" }
                lines.append([
                    row.name, row.fullName ?? "", row.roles.joined(separator: ","), delegated.joined(separator: "; "),
                ])
            }
            print(table(lines))
        }
    }

    struct Delegate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let one user act in another's role until a date (e.g. a deputy for the Mayor).",
            discussion: "Events done under the delegation record both who acted and on whose behalf."
        )

        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The user lending the role.") var from: String
        @Argument(help: "The user receiving it.") var to: String
        @Option(name: .long, help: "The role to lend.") var role: Role
        @Option(name: .long, help: ArgumentHelp("The last day it holds (YYYY-MM-DD).", valueName: "DATE"))
        var until: CalendarDate

        func run() throws {
            try archive.open().delegate(from: from, to: to, role: role, until: until)
            print("\(to) may act as \(role.rawValue) for \(from) until \(until)")
        }
    }
}
