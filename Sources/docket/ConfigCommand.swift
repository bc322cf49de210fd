import ArgumentParser
import Configuration
import Foundation

/// `docket config show`: every setting, its value and where the value came from.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract:
            "Show Docket's settings: each one's value and whether a flag, the environment, the file or the default set it.",
        discussion: """
            Every setting can be given three ways: a flag for one run, an environment variable, or a \
            key in the configuration file (JSON: --config FILE, else $\(Settings.environmentVariable), \
            else \(Settings.defaultFile) when it exists). A flag wins over the environment, which \
            wins over the file, which wins over the default. The file may hold only the keys listed \
            here; secrets are never written in it, only the paths of files holding them.
            """,
        subcommands: [Show.self],
        defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every setting with its value and its origin (checks the file and the environment).")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var output: OutputFormat

        /// One line of the listing (the JSON form's field names are stable).
        struct Row: Encodable {
            var key: String
            var environmentVariable: String
            var flag: String
            var value: String
            var origin: String
        }

        /// The JSON form: the file read (null for none) and every setting.
        struct Listing: Encodable {
            var file: String?
            var settings: [Row]
        }

        func run() throws {
            let settings = Settings.current
            let flags: [String: String?] = [
                Setting.archive.key: archive.archive, Setting.signingKey.key: archive.signingKey,
            ]
            let rows = Setting.catalogue.map { setting in
                let flag = flags[setting.key] ?? nil
                let chosen = settings.chosen(setting, flag: flag.map(ConfigContent.string))
                return Row(
                    key: setting.key, environmentVariable: setting.environmentVariable, flag: setting.flag,
                    value: chosen.map { Setting.text($0.content) } ?? setting.defaultText,
                    origin: chosen?.origin ?? "default")
            }
            if output.json {
                try printJSON(Listing(file: settings.file, settings: rows))
                return
            }
            print("configuration file: \(settings.file ?? "none")")
            print(table([["SETTING", "VALUE", "FROM"]] + rows.map { [$0.key, $0.value, $0.origin] }))
        }
    }
}
