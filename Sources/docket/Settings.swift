import Configuration
import Foundation
import Synchronization
import SystemPackage

/// The settings of this process: each `Setting` from the environment or the configuration
/// file, read once at start-up (before the arguments are parsed, so that every option group's
/// validation sees them). Flags are not read here: each option group passes its own, and a flag
/// wins over everything.
///
/// The file is JSON, read with swift-configuration (`FileProvider<JSONSnapshot>`); the
/// environment with its `EnvironmentVariablesProvider`. Both are checked in full at start-up: a
/// key the catalogue does not have, or a value of the wrong type, stops every command with the
/// file (or variable) and the key named, rather than being ignored until the day it matters.
struct Settings: Sendable {
    /// The file read when neither `--config` nor `DOCKET_CONFIG` names one, if it exists.
    static let defaultFile = "/etc/docket/docket.json"
    /// The environment variable naming the configuration file (empty: read none).
    static let environmentVariable = "DOCKET_CONFIG"

    /// A value and where it came from, so that a message can say where to correct it.
    struct Chosen: Sendable, Equatable {
        var content: ConfigContent
        /// "--port", "$DOCKET_PORT", "/etc/docket/docket.json: serve.port" or "default".
        var origin: String
    }

    /// The configuration file read, if any.
    let file: String?
    /// Each setting given by the environment or the file.
    private let given: [String: Chosen]
    /// The file's `oidc` object, re-encoded as the JSON an OpenID provider file holds, when the
    /// provider is configured inline (and `DOCKET_OIDC` does not name a file instead).
    let inlineOpenID: Data?

    // MARK: Resolution

    /// The value `flag` gives, else the environment's, else the file's, else the default.
    func chosen(_ setting: Setting, flag: ConfigContent? = nil) -> Chosen? {
        if let flag { return Chosen(content: flag, origin: setting.flag) }
        if let given = given[setting.key] { return given }
        return setting.fallback.map { Chosen(content: $0, origin: "default") }
    }

    /// A text setting (nil when unset and without a default).
    func text(_ setting: Setting, flag: String?) -> String? {
        guard case .string(let text)? = chosen(setting, flag: flag.map(ConfigContent.string))?.content else {
            return nil
        }
        return text
    }

    /// A number setting (nil when unset and without a default).
    func number(_ setting: Setting, flag: Int?) -> Int? {
        guard case .int(let number)? = chosen(setting, flag: flag.map(ConfigContent.int))?.content else { return nil }
        return number
    }

    /// A text setting whose catalogue entry has a default (`Setting.fallback`), which is the
    /// one place that default is written.
    func defaultedText(_ setting: Setting, flag: String?) -> String {
        guard let text = text(setting, flag: flag) else { preconditionFailure("\(setting.key) has no text default") }
        return text
    }

    /// A number setting whose catalogue entry has a default.
    func defaultedNumber(_ setting: Setting, flag: Int?) -> Int {
        guard let number = number(setting, flag: flag) else {
            preconditionFailure("\(setting.key) has no number default")
        }
        return number
    }

    /// An on/off setting (false when unset and without a default).
    func isOn(_ setting: Setting, flag: Bool?) -> Bool {
        guard case .bool(let on)? = chosen(setting, flag: flag.map(ConfigContent.bool))?.content else { return false }
        return on
    }

    /// A list setting: the flags when any are given (repeated flags make the list).
    func list(_ setting: Setting, flags: [String]) -> [String] {
        guard case .stringArray(let items)? = chosen(setting, flag: flags.isEmpty ? nil : .stringArray(flags))?.content
        else { return [] }
        return items
    }

    /// Where the value of `setting` comes from, for a message about it.
    func origin(of setting: Setting, flagGiven: Bool) -> String {
        flagGiven ? setting.flag : (given[setting.key]?.origin ?? "default")
    }

    // MARK: This process

    private static let loaded = Mutex<Settings?>(nil)

    /// The settings loaded by `load(arguments:environment:)`; before that (or had it failed),
    /// the environment's alone.
    static var current: Settings {
        loaded.withLock { $0 }
            ?? (try? fromEnvironment(ProcessInfo.processInfo.environment))
            ?? Settings(file: nil, given: [:], inlineOpenID: nil)
    }

    /// Reads the environment and the configuration file named by `--config` in `arguments`, else
    /// `DOCKET_CONFIG`, else `defaultFile` when it exists, and makes them `current`.
    ///
    /// - Throws: `SettingsError` naming the variable, or the file and key, that is wrong.
    static func load(arguments: [String], environment: [String: String]) async throws(SettingsError) {
        var settings = try fromEnvironment(environment)
        let named = fileArgument(in: arguments) ?? environment[environmentVariable]
        let path: String? =
            if let named { named.isEmpty ? nil : named } else {
                FileManager.default.fileExists(atPath: defaultFile) ? defaultFile : nil
            }
        if let path { settings = try await settings.adding(file: path) }
        let chosen = settings
        loaded.withLock { $0 = chosen }
    }

    /// `--config FILE` or `--config=FILE` before any `--`: read ahead of the parser, because
    /// the file decides the defaults the parser's validation checks.
    static func fileArgument(in arguments: [String]) -> String? {
        var remaining = arguments.dropFirst()[...]
        while let argument = remaining.popFirst(), argument != "--" {
            if argument == "--config" { return remaining.first }
            if argument.hasPrefix("--config=") { return String(argument.dropFirst("--config=".count)) }
        }
        return nil
    }

    // MARK: Reading

    /// The settings the environment gives (an empty variable counts as unset).
    static func fromEnvironment(_ environment: [String: String]) throws(SettingsError) -> Settings {
        let provider = EnvironmentVariablesProvider(environmentVariables: environment.filter { !$0.value.isEmpty })
        var given: [String: Chosen] = [:]
        for setting in Setting.catalogue {
            let origin = "$\(setting.environmentVariable)"
            do {
                let found = try provider.value(
                    forKey: AbsoluteConfigKey([setting.environmentVariable]), type: setting.kind.configType)
                if let content = found.value?.content {
                    given[setting.key] = Chosen(content: tidy(content), origin: origin)
                }
            } catch {
                let text = environment[setting.environmentVariable] ?? ""
                throw SettingsError("\(origin) must be \(setting.kind.expectation), not '\(text)'")
            }
        }
        return Settings(file: nil, given: given, inlineOpenID: nil)
    }

    /// These settings with the file's beneath them: the environment's values stay, and the
    /// file fills what the environment leaves unset. Every key of the file is checked, set or not.
    private func adding(file path: String) async throws(SettingsError) -> Settings {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError("cannot read the configuration file \(path)")
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw SettingsError("\(path) must hold a JSON object")
            }
            object = parsed
        } catch let error as SettingsError {
            throw error
        } catch {
            throw SettingsError("\(path) is not valid JSON: \(error.localizedDescription)")
        }
        try Self.checkKeys(of: object, in: path)

        let provider: FileProvider<JSONSnapshot>
        do {
            provider = try await FileProvider<JSONSnapshot>(filePath: FilePath(path))
        } catch {
            throw SettingsError("\(path): \(error)")
        }
        var merged = given
        var inlineOpenID: Data?
        for setting in Setting.catalogue {
            let origin = "\(path): \(setting.key)"
            if setting == .oidc, let inline = object["oidc"] as? [String: Any] {
                if merged[setting.key] == nil {
                    inlineOpenID = try? JSONSerialization.data(withJSONObject: inline, options: [.sortedKeys])
                    merged[setting.key] = Chosen(content: .string("inline"), origin: origin)
                }
                continue
            }
            let found: ConfigContent?
            do {
                found = try provider.value(forKey: setting.configKey, type: setting.kind.configType).value?.content
            } catch {
                throw SettingsError("\(origin) must be \(setting.kind.expectation)")
            }
            if let found, merged[setting.key] == nil {
                merged[setting.key] = Chosen(content: Self.tidy(found), origin: origin)
            }
        }
        return Settings(file: path, given: merged, inlineOpenID: inlineOpenID)
    }

    /// Refuses any key the catalogue does not have (a misspelling must not pass for a default),
    /// any section that is not an object, and a secret written into the file.
    private static func checkKeys(of object: [String: Any], in path: String, prefix: String = "") throws(SettingsError)
    {
        let known = Set(Setting.catalogue.map(\.key))
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            let key = prefix + name
            if key == Setting.oidc.key, let section = value as? [String: Any] {
                if section["client_secret"] != nil {
                    throw SettingsError(
                        "\(path): oidc.client_secret: a secret is never written here; put it in a file only Docket "
                            + "can read and name that file in oidc.client_secret_file")
                }
                continue
            }
            if known.contains(key) { continue }
            if let section = value as? [String: Any], known.contains(where: { $0.hasPrefix(key + ".") }) {
                try checkKeys(of: section, in: path, prefix: key + ".")
                continue
            }
            let nearest = known.sorted().filter { $0.hasPrefix(prefix) }
            throw SettingsError(
                "\(path): '\(key)' is not a Docket setting (the settings\(prefix.isEmpty ? "" : " in \(prefix.dropLast())") "
                    + "are \(nearest.joined(separator: ", ")); docket config show lists them)")
        }
    }

    /// A list's items trimmed and empty ones dropped ("10.0.0.1, ::1," is two items).
    private static func tidy(_ content: ConfigContent) -> ConfigContent {
        guard case .stringArray(let items) = content else { return content }
        return .stringArray(items.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }
}

/// A setting Docket cannot use, naming where it was given.
struct SettingsError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
