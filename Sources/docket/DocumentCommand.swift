import Archive
import ArgumentParser
import DocketKit
import Foundation
import Workflow

extension DocumentKind: ExpressibleByArgument {}
extension Direction: ExpressibleByArgument {}

/// `docket document …`
struct DocumentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "document",
        abstract: "Archive documents in a submission's pack, take them out of it, and get them back.",
        subcommands: [Add.self, Remove.self, Get.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archive a file in a submission's pack; prints its SHA-256.",
            discussion: """
                Parties are written "Person (Organisation)", "Person" or "(Organisation)". \
                Relations are TYPE:SHA256 with TYPE one of \(Self.relationKinds). A document that \
                replaces another (--replaces SHA256, the same as --relation replaces:SHA256) takes \
                its place: the one replaced leaves the pack and stays archived. version-of does not \
                change the pack.
                """
        )
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The submission's reference.") var reference: String
        @Argument(help: "The file to archive.") var file: String
        @Option(name: .long, help: "\(DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var kind: DocumentKind
        @Option(name: .long, help: "Its title.") var title: String
        @Option(name: .long, help: ArgumentHelp("Its date (YYYY-MM-DD).", valueName: "DATE")) var date: CalendarDate?
        @Option(name: .long, help: "Who wrote or sent it.") var from: String?
        @Option(name: .long, help: "Who it is addressed to (repeatable).") var to: [String] = []
        @Option(name: .long, help: "Its annex label, e.g. A.") var annex: String?
        @Option(name: .long, help: "outgoing, incoming or internal (default: by kind).") var direction: Direction?
        @Option(name: .long, help: "A description.") var description: String?
        @Option(name: .long, help: "Its protective marking.") var marking = "OFFICIAL"
        @Option(name: .long, help: ArgumentHelp("A relation TYPE:SHA256 (repeatable).", valueName: "TYPE:SHA256"))
        var relation: [String] = []
        @Option(
            name: .long,
            help: ArgumentHelp("The document in the pack this one replaces (it leaves the pack).", valueName: "SHA256"))
        var replaces: String?
        @OptionGroup var actor: ActingUser
        @OptionGroup var staleness: ExpectedSequence

        func run() throws {
            let creator = try from.map { (text: String) throws -> Party in try Self.party(text, option: "--from") }
            let addressees = try to.map { try Self.party($0, option: "--to") }
            let relations =
                try relation.map { text -> Relation in
                    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                    guard parts.count == 2, let kind = Relation.Kind(rawValue: parts[0]) else {
                        throw ValidationError("--relation must be TYPE:SHA256 (\(Self.relationKinds)), not '\(text)'")
                    }
                    return Relation(kind: kind, target: parts[1])
                } + (replaces.map { [Relation(kind: .replaces, target: $0)] } ?? [])
            let content: [UInt8]
            do {
                content = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            let metadata = try archive.open().addDocument(
                to: reference, content: content,
                description: DocumentDescription(
                    kind: kind, title: title, originalFileName: file, date: date, creator: creator,
                    addressees: addressees, annex: annex, direction: direction, description: description,
                    protectiveMarking: marking, relations: relations),
                as: actor.user, expectedSequence: staleness.expectedSequence)
            print(metadata.sha256)
        }

        static let relationKinds = Relation.Kind.allCases.map(\.rawValue).joined(separator: ", ")

        static func party(_ text: String, option: String) throws -> Party {
            guard let party = Party(parsing: text) else {
                throw ValidationError("\(option) '\(text)' names nobody; write \"Person (Organisation)\"")
            }
            return party
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a document out of a submission's pack, saying why.",
            discussion: """
                The document stays archived, and every event that cited it still does; the pack, and \
                what a sign-off must bind, no longer holds it. Removing a document after the Mayor's \
                sign-off means signing off again before dispatch. Prints the event's number.
                """
        )
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The submission's reference.") var reference: String
        @Argument(help: "The document's SHA-256.") var sha256: String
        @Option(name: .long, help: "Why it leaves the pack (kept in the record).") var reason: String
        @OptionGroup var actor: ActingUser
        @OptionGroup var staleness: ExpectedSequence

        func run() throws {
            let event = try archive.open().removeDocument(
                sha256, from: reference, reason: reason, as: actor.user, expectedSequence: staleness.expectedSequence)
            print(event.sequence)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an archived document to a file (or standard output).")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The submission's reference.") var reference: String
        @Argument(help: "The document's SHA-256.") var sha256: String
        @Option(name: .shortAndLong, help: "The file to write (default: standard output).") var output: String?

        func run() throws {
            let (_, path) = try archive.open().document(reference, sha256: sha256)
            let content = try Data(contentsOf: URL(fileURLWithPath: path))
            if let output {
                guard !FileManager.default.fileExists(atPath: output) else {
                    throw ValidationError("\(output) exists; not overwriting it")
                }
                try content.write(to: URL(fileURLWithPath: output), options: .withoutOverwriting)
            } else {
                FileHandle.standardOutput.write(content)
            }
        }
    }
}
