import ArgumentParser
import XML

/// `docket xml …`: checks on XML files, usable on any archive or file without Docket's state.
struct XMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xml",
        abstract: "Check XML files with Docket's hardened libxml2 settings.",
        subcommands: [Validate.self]
    )
}

extension XMLCommand {
    /// `docket xml validate --schema XSD FILE...`
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate XML files against an XML Schema (XSD).",
            discussion: """
                Prints FILE:LINE:COLUMN: message for each problem libxml2 reports (after a missing \
                element it checks no later siblings, so fixing one problem may reveal another) and \
                FILE: valid for each good file. Files are parsed with Docket's hardened settings: a DOCTYPE, XInclude, \
                external entities and inputs over the size limit are refused.

                Exit status: 0 when every file is valid, 1 when any is not, 2 for a usage error \
                such as a missing or unusable schema.
                """
        )

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The XSD to validate against; its xs:import files are read from beside it.", valueName: "XSD"))
        var schema: String

        @Option(name: .long, help: "Refuse files larger than this many bytes.")
        var maxSize: Int = XMLParseOptions.defaultMaximumInputSize

        @Argument(help: ArgumentHelp("The XML files to check.", valueName: "FILE"))
        var files: [String]

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("Give at least one FILE to validate.") }
            guard maxSize > 0 else { throw ValidationError("--max-size must be a positive number of bytes.") }
        }

        func run() throws {
            let compiled: XMLSchema
            do {
                compiled = try XMLSchema(contentsOfFile: schema)
            } catch {
                var standardError = StandardError()
                print("docket: unusable schema \(schema):\n\(error)", to: &standardError)
                throw ExitCode.usage
            }
            let options = XMLParseOptions(maximumInputSize: maxSize)
            var anyInvalid = false
            for file in files {
                let problems = Self.problems(in: file, schema: compiled, options: options)
                if problems.isEmpty {
                    print("\(file): valid")
                } else {
                    anyInvalid = true
                    for problem in problems {
                        var located = problem
                        located.source = file
                        print(located)
                    }
                }
            }
            if anyInvalid { throw ExitCode.problemsFound }
        }

        /// Parse and schema problems of one file; empty when it is valid.
        static func problems(in file: String, schema: XMLSchema, options: XMLParseOptions) -> [XMLDiagnostic] {
            do {
                let document = try XMLDocument(contentsOfFile: file, options: options)
                return schema.problems(in: document)
            } catch let error as XMLError {
                return error.diagnostics
            } catch {
                return [XMLDiagnostic(severity: .fatal, source: file, line: 0, column: 0, message: "\(error)")]
            }
        }
    }
}
