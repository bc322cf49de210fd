import DocketServer
import Foundation
import Logging
import Synchronization
import Testing

/// `docket serve --log-format json`'s lines, as a log shipper reads them.
@Suite struct JSONLogHandlerTests {
    /// The lines a logger wrote.
    final class Lines: Sendable {
        let written = Mutex<[String]>([])
        var all: [String] { written.withLock { $0 } }
    }

    static func logger(_ lines: Lines) -> Logger {
        Logger(label: "docket") { label in
            JSONLogHandler(label: label) { line in lines.written.withLock { $0.append(line) } }
        }
    }

    @Test func eachEntryIsOneLineHoldingOneJSONObject() throws {
        let lines = Lines()
        var logger = Self.logger(lines)
        logger[metadataKey: "request"] = "r-1"
        logger.info("a \"quoted\"\nmessage across\tlines", metadata: ["path": "/api/x", "tries": ["1", "2"]])
        logger.debug("below the level: not written")
        Self.logger(lines).error("plain")  // a logger of its own: no metadata at all
        let written = lines.all
        #expect(written.count == 2)
        for line in written {
            #expect(line.hasSuffix("\n"))
            #expect(line.dropLast().firstIndex(of: "\n") == nil, "one line: \(line)")
        }
        let first = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(first["level"] as? String == "info")
        #expect(first["message"] as? String == "a \"quoted\"\nmessage across\tlines")
        #expect(first["label"] as? String == "docket")
        let metadata = try #require(first["metadata"] as? [String: Any])
        #expect(metadata["request"] as? String == "r-1")
        #expect(metadata["path"] as? String == "/api/x")
        #expect(metadata["tries"] as? [String] == ["1", "2"])
        let stamp = try #require(first["timestamp"] as? String)
        let time = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(stamp)
        #expect(abs(time.timeIntervalSinceNow) < 60, "\(stamp)")
        #expect(stamp.hasSuffix("Z"))
        let second = try #require(try JSONSerialization.jsonObject(with: Data(written[1].utf8)) as? [String: Any])
        #expect(second["level"] as? String == "error")
        #expect(second["metadata"] == nil)
    }
}
