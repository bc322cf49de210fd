import ArgumentParser
import DocketServer
import Foundation
import Logging

/// `docket serve`'s options for the council's monitoring: the log's format and the metrics token.
struct OperationsOptions: ParsableArguments {
    /// How the server writes its log.
    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        /// Lines for people (swift-log's default handler).
        case text
        /// One JSON object per line, for a log shipper.
        case json
    }

    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp("How to write the log: text, or json (one object a line) \(Setting.logFormat.helpSuffix)."))
    var logFormatFlag: LogFormat?

    @Option(
        name: .customLong("metrics-token-file"),
        help: ArgumentHelp(
            "Serve /metrics to requests bearing the token in this file (see the README) \(Setting.metricsTokenFile.helpSuffix).",
            valueName: "FILE"))
    var metricsTokenFileFlag: String?

    /// The log's format from the flag, the environment or the configuration file.
    var logFormat: LogFormat {
        (try? chosenLogFormat()) ?? .text
    }

    /// The metrics token file from the flag, the environment or the configuration file.
    var metricsTokenFile: String? {
        Settings.current.text(.metricsTokenFile, flag: metricsTokenFileFlag)
    }

    private func chosenLogFormat() throws -> LogFormat {
        let settings = Settings.current
        let text = settings.defaultedText(.logFormat, flag: logFormatFlag?.rawValue)
        guard let format = LogFormat(rawValue: text) else {
            throw ValidationError(
                "\(settings.origin(of: .logFormat, flagGiven: false)) must be text or json, not '\(text)'")
        }
        return format
    }

    func validate() throws {
        _ = try chosenLogFormat()
        if let metricsTokenFile { _ = try Self.token(metricsTokenFile) }
    }

    /// The token in `path`, its surrounding white space trimmed. A file, never the command line:
    /// a process's arguments are readable by every user of the machine.
    static func token(_ path: String) throws -> String {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the metrics token file \(path)")
        }
        let token = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16, !token.contains(where: \.isWhitespace) else {
            throw ValidationError("the metrics token in \(path) must be one word of at least 16 characters")
        }
        return token
    }

    /// The server's logger. With `json`, every logger of the process writes JSON lines (swift-log's
    /// system bootstrapped once, here: `serve` is the only command that runs long enough to ship).
    func logger() -> Logger {
        if logFormat == .json { LoggingSystem.bootstrap { JSONLogHandler(label: $0) } }
        var logger = Logger(label: "docket")
        logger.logLevel = .info
        return logger
    }

    /// Says `text` as the log does: a printed line for text, an info entry for JSON (where every
    /// line on standard output must be a JSON object).
    func say(_ text: String, to logger: Logger) {
        if logFormat == .json { logger.info("\(text)") } else { print(text) }
    }

    /// The metrics and their token into `configuration`, the process's swift-metrics backend
    /// bootstrapped to them, when `--metrics-token-file` was given.
    func configureMetrics(_ configuration: inout WebConfiguration) throws {
        guard let metricsTokenFile else { return }
        let metrics = ServerMetrics()
        metrics.bootstrapMetricsSystem()
        configuration.metrics = metrics
        configuration.metricsToken = try Self.token(metricsTokenFile)
    }
}
