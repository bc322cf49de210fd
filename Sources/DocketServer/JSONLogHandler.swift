import Foundation
import Logging
import Synchronization

/// A swift-log handler writing one JSON object per line (`docket serve --log-format json`), for
/// a log shipper that reads JSON lines: `timestamp` (UTC, RFC 3339 with milliseconds), `level`,
/// `label`, `message`, `source`, and `metadata` when there is any.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    let label: String
    let write: @Sendable (String) -> Void

    /// - Parameter write: takes each line, newline included (default: standard output, one
    ///   line at a time, so that lines from concurrent requests never interleave).
    public init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardOutput) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Line(
            timestamp: Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date()),
            level: event.level.rawValue, label: label, message: "\(event.message)", source: event.source,
            metadata: merged.isEmpty ? nil : merged.mapValues(JSONValue.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and dictionaries of strings cannot fail; should it, the line is not lost.
        let text =
            (try? encoder.encode(line)).map { String(decoding: $0, as: UTF8.self) }
            ?? #"{"message":"unencodable log line"}"#
        write(text + "\n")
    }

    private static let output = Mutex(())

    /// Writes `line` to standard output (unbuffered), one writer at a time.
    public static let standardOutput: @Sendable (String) -> Void = { line in
        // A closed output (the shipper gone) loses the line, never the server.
        output.withLock { _ in try? FileHandle.standardOutput.write(contentsOf: Data(line.utf8)) }
    }

    struct Line: Encodable {
        var timestamp: String
        var level: String
        var label: String
        var message: String
        var source: String
        var metadata: [String: JSONValue]?
    }

    /// Logger metadata as JSON: strings, arrays and objects as themselves.
    enum JSONValue: Encodable {
        case string(String)
        case array([JSONValue])
        case object([String: JSONValue])

        init(_ value: Logger.Metadata.Value) {
            switch value {
            case .string(let text): self = .string(text)
            case .stringConvertible(let value): self = .string(value.description)
            case .array(let values): self = .array(values.map(JSONValue.init))
            case .dictionary(let values): self = .object(values.mapValues(JSONValue.init))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let text): try container.encode(text)
            case .array(let values): try container.encode(values)
            case .object(let values): try container.encode(values)
            }
        }
    }
}
