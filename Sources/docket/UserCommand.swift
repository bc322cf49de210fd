import Archive
import ArgumentParser
import DocketKit
import Foundation
import Workflow

extension Role: ExpressibleByArgument {}
extension NotifyChoice: ExpressibleByArgument {}

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
        subcommands: [
            Add.self, List.self, Change.self, Delegate.self, Passwd.self, Token.self, Disable.self, Enable.self,
        ]
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
        @Option(name: .long, help: ArgumentHelp("Where Docket's mail reaches them.", valueName: "ADDRESS"))
        var email: String?
        @Option(
            name: .long, help: "Which mail they want: \(NotifyChoice.allCases.map(\.rawValue).joined(separator: ", "))."
        )
        var notify: NotifyChoice?

        func validate() throws {
            if role.isEmpty { throw ValidationError("give at least one --role") }
        }

        func run() throws {
            let user = try archive.open().addUser(name, roles: role, fullName: fullName, email: email, notify: notify)
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
            var email: String?
            var notify: String
            var roles: [String]
            var delegations: [Delegated]
            /// Who disabled the account and why; absent for an active account.
            var disabled: String?
            /// The identity provider's issuer and subject the account signs in as.
            var identity: String?
        }
        struct Delegated: Encodable {
            var from: String
            var role: String
            var until: String
        }

        func run() throws {
            let rows = try archive.open().users().map { user in
                Row(
                    name: user.name, fullName: user.fullName, email: user.email,
                    notify: (user.notify ?? .immediate).rawValue, roles: user.roles.map(\.rawValue),
                    delegations: user.delegations.map {
                        Delegated(from: $0.from, role: $0.role.rawValue, until: $0.until.description)
                    }, disabled: user.disabled.map { "by \($0.by): \($0.reason)" },
                    identity: user.identity.map { "\($0.subject) at \($0.issuer)" })
            }
            if output.json { return try printJSON(rows) }
            var lines = [["NAME", "FULL NAME", "ROLES", "MAIL", "DELEGATED", "STATUS"]]
            for row in rows {
                let delegated = row.delegations.map { "\($0.role) from \($0.from) until \($0.until)" }
                let mail = row.email.map { "\(row.notify) to \($0)" } ?? "none (no address)"
                lines.append([
                    row.name, row.fullName ?? "", row.roles.isEmpty ? "(none)" : row.roles.joined(separator: ","),
                    mail, delegated.joined(separator: "; "),
                    row.disabled.map { "disabled \($0)" } ?? (row.identity == nil ? "active" : "active (provider)"),
                ])
            }
            print(table(lines))
        }
    }

    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change a user's roles, e-mail address or choice of mail.",
            discussion: """
                --role adds a role, --remove-role takes one away (both repeatable). Any change of \
                roles ends the user's web sessions and API tokens, also in a web app already running: \
                they sign in again under their new roles. A user keeps at least one role. \
                --email sets the address Docket's mail goes to (--email "" removes it); --notify \
                chooses immediate (each message at once), digest (one a working day) or none.
                """)

        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The user.") var name: String
        @Option(
            name: .customLong("role"),
            help: ArgumentHelp("A role to add: \(Role.allCases.map(\.rawValue).joined(separator: ", ")). Repeatable."))
        var add: [Role] = []
        @Option(name: .customLong("remove-role"), help: "A role to take away. Repeatable.") var remove: [Role] = []
        @Option(
            name: .long, help: ArgumentHelp("Where Docket's mail reaches them (\"\" removes it).", valueName: "ADDRESS")
        )
        var email: String?
        @Option(
            name: .long, help: "Which mail they want: \(NotifyChoice.allCases.map(\.rawValue).joined(separator: ", "))."
        )
        var notify: NotifyChoice?

        func validate() throws {
            if add.isEmpty && remove.isEmpty && email == nil && notify == nil {
                throw ValidationError("give --role, --remove-role, --email or --notify")
            }
        }

        func run() throws {
            let docket = try archive.open()
            if email != nil || notify != nil {
                let user = try docket.changeMail(of: name, email: email, notify: notify)
                let address = user.email ?? "no address"
                print("\(user.name) gets \((user.notify ?? .immediate).rawValue) mail at \(address)")
            }
            if !add.isEmpty || !remove.isEmpty {
                let user = try docket.changeRoles(of: name, adding: add, removing: remove)
                print("\(user.name) now holds \(user.roles.map(\.rawValue).joined(separator: ", "))")
            }
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

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password for the web app (stored only as a bcrypt hash).",
            discussion: "The password is read from standard input, never from the command line (which others can see).")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The user.") var name: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input (required).")
        var passwordStandardInput = false

        func validate() throws {
            guard passwordStandardInput else {
                throw ValidationError("give --password-stdin and the password on standard input")
            }
        }

        func run() throws {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            guard var password = String(data: input, encoding: .utf8) else {
                throw ValidationError("the password must be UTF-8 text")
            }
            if password.hasSuffix("\n") { password.removeLast() }
            if password.hasSuffix("\r") { password.removeLast() }
            try archive.open().setPassword(password, for: name)
            print("password set for \(name)")
        }
    }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a personal API token for a user (shown once; only its hash is kept).",
            discussion: "Clients send it as 'Authorization: Bearer TOKEN'. --revoke ID withdraws one.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The user.") var name: String
        @Option(name: .long, help: "What the token is for.") var label = "api"
        @Option(name: .long, help: "Revoke the token with this id instead.") var revoke: String?

        func run() throws {
            let docket = try archive.open()
            if let revoke {
                try docket.revokeToken(revoke, of: name)
                print("revoked \(revoke)")
                return
            }
            print(try docket.createToken(for: name, label: label).token)
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: it can no longer sign in or use a token.",
            discussion: """
                Its web sessions and API tokens end at once, also in a web app already running, and \
                signing in through the identity provider is refused too. The account and everything \
                it did stay in the archive; 'docket user enable NAME' lets it sign in again.
                """)
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The user.") var name: String
        @Option(name: .long, help: "Why (recorded in the user's record).") var reason: String

        func run() throws {
            try archive.open().disableUser(name, reason: reason)
            print("disabled \(name): sessions and tokens ended")
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a disabled account sign in again (its old sessions and tokens stay ended).")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The user.") var name: String

        func run() throws {
            try archive.open().enableUser(name)
            print("enabled \(name)")
        }
    }
}
