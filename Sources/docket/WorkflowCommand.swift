import ArgumentParser
import DocketKit
import Foundation
import Workflow
import XML

/// `docket workflow …`
struct WorkflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "List, show, check and draw workflow definitions (SCXML).",
        subcommands: [List.self, Show.self, Check.self, Graph.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the archive's workflow definitions.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var output: OutputFormat

        struct Row: Encodable {
            var name: String
            var title: String?
            var digest: String
            var states: Int
            var events: Int
        }

        func run() throws {
            let rows = try archive.open().workflows().map {
                Row(
                    name: $0.name, title: $0.title, digest: $0.digest, states: $0.states.count,
                    events: $0.eventNames.count)
            }
            if output.json { return try printJSON(rows) }
            print(
                table(
                    [["NAME", "STATES", "EVENTS", "DIGEST", "TITLE"]]
                        + rows.map {
                            [
                                $0.name, String($0.states), String($0.events), String($0.digest.prefix(12)),
                                $0.title ?? "",
                            ]
                        }))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a workflow's states, events, roles and requirements.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var output: OutputFormat
        @Argument(help: "The workflow's name.") var name: String

        struct Row: Encodable {
            var from: String
            var event: String
            /// What a person reads for the event (its `docket:label`).
            var label: String
            var to: String
            var roles: [String]
            var documents: [String]
            var fields: [String]
            var comment: Bool
            var pack: String?
        }

        func run() throws {
            let definition = try archive.open().workflow(named: name).definition
            let rows = definition.states.flatMap { state in
                state.transitions.map {
                    Row(
                        from: state.id, event: $0.event, label: $0.label, to: $0.target,
                        roles: $0.roles.sorted().map(\.rawValue),
                        documents: $0.requiredDocuments.map(\.rawValue),
                        fields: $0.requiredFields.map { "\($0.name) (\($0.type.rawValue))" },
                        comment: $0.commentRequired,
                        pack: $0.packRule?.rawValue)
                }
            }
            if output.json { return try printJSON(rows) }
            print("\(definition.name)\(definition.title.map { ": \($0)" } ?? "")")
            print("digest \(definition.digest)\n")
            print("STATES")
            print(
                table(
                    [["STATE", "LABEL", "KIND", "DEADLINE"]]
                        + definition.states.map {
                            [
                                $0.id + ($0.id == definition.initialState ? " (initial)" : ""), $0.label,
                                $0.isFinal ? "final" : "state",
                                $0.deadlineWorkingDays.map { "\($0) working days" } ?? "",
                            ]
                        }))
            print("\nTRANSITIONS")
            print(
                table(
                    [["FROM", "EVENT", "LABEL", "TO", "ROLES", "REQUIRES"]]
                        + rows.map { row in
                            var requires: [String] = []
                            if !row.documents.isEmpty {
                                requires.append("documents: " + row.documents.joined(separator: ", "))
                            }
                            if !row.fields.isEmpty { requires.append("fields: " + row.fields.joined(separator: ", ")) }
                            if row.comment { requires.append("comment") }
                            if let pack = row.pack { requires.append("pack: \(pack)") }
                            return [
                                row.from, row.event, row.label, row.to, row.roles.joined(separator: ", "),
                                requires.joined(separator: "; "),
                            ]
                        }))
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check workflow definition files; prints FILE:LINE: reason for each problem.",
            discussion: "Exit status: 0 when every file is usable, 1 when any has a problem."
        )
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: ArgumentHelp("SCXML files to check.", valueName: "FILE")) var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one FILE to check") }
        }

        func run() throws {
            let docket = try archive.open()
            var failed = false
            for file in files {
                do {
                    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
                    let definition = try docket.checkWorkflow(bytes, source: file)
                    print("\(file): ok (\(definition.name), \(definition.states.count) states)")
                } catch DocketError.workflow(let error) {
                    failed = true
                    for problem in error.problems { print(problem) }
                } catch {
                    failed = true
                    print("\(file):0: \(error.localizedDescription)")
                }
            }
            if failed { throw ExitCode.problemsFound }
        }
    }

    struct Graph: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a workflow as a Graphviz DOT graph (e.g. | dot -Tsvg > workflow.svg).")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The workflow's name.") var name: String

        func run() throws {
            print(WorkflowGraph.dot(try archive.open().workflow(named: name).definition))
        }
    }
}
