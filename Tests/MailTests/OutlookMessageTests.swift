import Foundation
import Mail
import TestSupport
import Testing

/// Outlook `.msg` files converted by the real `msgconvert` and read by `ParsedMessage`, checked
/// against PyPI's extract-msg reading the same file (`msg_reference.py`); and, with stand-in
/// converters, every way a conversion can fail.
@Suite struct OutlookMessageTests {
    struct Reference: Decodable {
        var subject: String
        var senderName: String
        var senderEmail: String
        var to: [Recipient]
        var cc: [Recipient]
        var body: String
        var attachments: [Attachment]
    }

    struct Recipient: Decodable {
        var name: String
        var email: String
    }

    struct Attachment: Decodable {
        var name: String
        var size: Int
        var data: String
    }

    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// Apache POI's sample (see Fixtures/outlook/PROVENANCE.md): a French subject, two attachments.
    static let sample = here.appendingPathComponent("Fixtures/outlook/attachment_test_msg.msg")

    /// What extract-msg reads in `file`, from the first python3 on PATH that has it.
    static func reference(_ file: URL) throws -> Reference {
        let python = try ExternalTool.locate("python3", package: "python3 (and PyPI's extract-msg: run scripts/test)") {
            candidate in (try? candidate.run(["-c", "import extract_msg"], timeout: 60).status) == 0
        }
        let script = here.appendingPathComponent("msg_reference.py").path
        let output = try python.runSucceeding([script, file.path], timeout: 120)
        return try JSONDecoder().decode(Reference.self, from: Data(output.standardOutput.utf8))
    }

    /// The text with CRLF line ends made LF and the blank lines at its ends dropped: the .msg
    /// keeps Outlook's CRLF, msgconvert's output is read with LF.
    static func normalized(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory("msg")
    }

    /// A stand-in converter: a shell script, run like msgconvert (`--outfile OUT IN`, in the
    /// conversion's directory).
    func converter(_ name: String, _ body: String) throws -> String {
        try directory.script(name, body)
    }

    func sampleBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.sample))
    }

    /// Runs a conversion that must fail and hands back its error.
    func failure(
        _ bytes: [UInt8], converter: String? = nil, timeLimit: Duration = .seconds(30),
        maximumOutputBytes: Int = 1 << 20
    ) -> OutlookConversionError? {
        do {
            let output = try OutlookMessage.convertToRFC5322(
                bytes, converter: converter, timeLimit: timeLimit, maximumOutputBytes: maximumOutputBytes)
            Issue.record("the conversion was expected to fail; it gave \(output.count) bytes")
            return nil
        } catch {
            return error
        }
    }

    /// The detail of a `.converterMissing` error, once its description is seen to name the
    /// Debian package to install.
    func converterMissingDetail(_ error: OutlookConversionError?) -> String? {
        guard case .converterMissing(let detail)? = error else {
            Issue.record("expected .converterMissing, got \(String(describing: error))")
            return nil
        }
        #expect(error?.description.contains("Debian package libemail-outlook-message-perl") == true)
        return detail
    }

    @Test func theSampleReadsAfterConversionAsExtractMsgReadsTheMsg() throws {
        let bytes = try sampleBytes()
        #expect(OutlookMessage.isOutlookMessage(bytes))
        let reference = try Self.reference(Self.sample)
        let converted = try OutlookMessage.convertToRFC5322(bytes, maximumOutputBytes: 1 << 20)
        let message = try ParsedMessage(bytes: converted)

        // msgconvert writes this subject as raw Latin-1 bytes: the reader must still get "pièce".
        #expect(reference.subject == "test pièce jointe 1", "the reference reads what PROVENANCE.md says")
        #expect(message.subject == reference.subject)
        #expect(message.from == "\(reference.senderName) <\(reference.senderEmail)>")
        #expect(message.to == reference.to.map { "\($0.name) <\($0.email)>" }.joined(separator: ", "))
        #expect(reference.cc.isEmpty && message.cc == nil)
        #expect(Self.normalized(try #require(message.plainTextBody)) == Self.normalized(reference.body))

        let attachments = message.attachments
        #expect(attachments.map(\.fileName) == reference.attachments.map(\.name))
        #expect(attachments.map(\.body.count) == reference.attachments.map(\.size))
        for (attachment, expected) in zip(attachments, reference.attachments) {
            let data = try #require(Data(base64Encoded: expected.data))
            #expect(attachment.body == [UInt8](data), "\(expected.name): the same bytes as extract-msg reads")
        }
        #expect(reference.attachments.count == 2)
    }

    @Test func theWordDocumentInsideTheSampleIsACompoundFileButNotAMessage() throws {
        let message = try ParsedMessage(
            bytes: OutlookMessage.convertToRFC5322(try sampleBytes(), maximumOutputBytes: 1 << 20))
        let document = try #require(message.attachments.first { $0.fileName == "test-unicode.doc" }).body
        #expect(document.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        #expect(!OutlookMessage.isOutlookMessage(document))
        let error = failure(document)
        #expect(error == .notOutlookMessage)
    }

    @Test func bytesThatAreNotAMessageAreRefusedBeforeAnyConverterIsLookedFor() throws {
        let absent = directory.path("absent")
        let samples: [[UInt8]] = [
            [], Array("From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n".utf8),
            [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            Array(try sampleBytes().dropFirst()),
        ]
        for bytes in samples {
            #expect(!OutlookMessage.isOutlookMessage(bytes))
            let error = failure(bytes, converter: absent, maximumOutputBytes: 1000)
            #expect(error == .notOutlookMessage, "\(bytes.prefix(8))")
        }
    }

    @Test func aMissingConverterNamesTheDebianPackage() throws {
        let absent = directory.path("no-such-msgconvert")
        let bytes = try sampleBytes()
        let error = failure(bytes, converter: absent)
        #expect(converterMissingDetail(error)?.contains(absent) == true)
    }

    @Test func aConverterThatCannotLoadItsPerlModulesCountsAsMissing() throws {
        let broken = try converter(
            "broken", "echo \"Can't locate Email/Address.pm in @INC (you may need to install it)\" >&2; exit 2")
        let bytes = try sampleBytes()
        let error = failure(bytes, converter: broken)
        #expect(converterMissingDetail(error)?.contains("Email/Address.pm") == true)
    }

    @Test func theConverterRunsInAPrivateDirectoryThatIsRemovedAfterwards() throws {
        let log = directory.url.path
        let fake = try converter(
            "fake",
            """
            echo "$@" > '\(log)/arguments'
            pwd > '\(log)/directory'
            stat -c %a . > '\(log)/mode'
            cp message.msg '\(log)/input.msg'
            printf 'Subject: converted\\r\\n\\r\\nbody\\r\\n' > "$2"
            """)
        let bytes = try sampleBytes()
        let output = try OutlookMessage.convertToRFC5322(bytes, converter: fake, maximumOutputBytes: 1000)
        #expect(output == Array("Subject: converted\r\n\r\nbody\r\n".utf8))
        func logged(_ name: String) throws -> String {
            try String(contentsOfFile: "\(log)/\(name)", encoding: .utf8).trimmingCharacters(in: .newlines)
        }
        #expect(try logged("arguments") == "--outfile message.eml message.msg")
        #expect(try logged("mode") == "700")
        #expect([UInt8](try Data(contentsOf: directory.url.appendingPathComponent("input.msg"))) == bytes)
        let workspace = try logged("directory")
        #expect(workspace.hasPrefix(FileManager.default.temporaryDirectory.path))
        #expect(!FileManager.default.fileExists(atPath: workspace), "the conversion's directory is removed")
    }

    @Test func aConverterThatExitsNonZeroIsAFailureWithWhatItSaid() throws {
        let failing = try converter("failing", "echo 'this is not a message I can read' >&2; exit 1")
        let bytes = try sampleBytes()
        let error = failure(bytes, converter: failing)
        #expect(error == .conversionFailed(status: 1, printed: "this is not a message I can read"))
    }

    @Test func aConverterThatSucceedsWithoutOutputIsAFailure() throws {
        let silent = try converter("silent", "exit 0")
        let bytes = try sampleBytes()
        let error = failure(bytes, converter: silent)
        guard case .conversionFailed(status: 0, _)? = error else {
            Issue.record("expected .conversionFailed, got \(String(describing: error))")
            return
        }
    }

    @Test func aHungConverterIsStoppedAtTheTimeLimitAndItsDirectoryRemoved() throws {
        let log = directory.url.path
        // exec: the shell becomes sleep, so that killing it leaves nothing behind.
        let hung = try converter("hung", "pwd > '\(log)/directory'; exec sleep 60")
        let bytes = try sampleBytes()
        let error = failure(bytes, converter: hung, timeLimit: .milliseconds(500))
        #expect(error == .timedOut(.milliseconds(500)))
        let workspace = try String(contentsOfFile: "\(log)/directory", encoding: .utf8)
        #expect(!FileManager.default.fileExists(atPath: workspace.trimmingCharacters(in: .newlines)))
    }

    @Test func outputPastTheCapIsRefusedAtAndNotBelowIt() throws {
        let bytes = try sampleBytes()
        let writer = try converter("writer", "head -c 5000 /dev/zero > \"$2\"")
        #expect(try OutlookMessage.convertToRFC5322(bytes, converter: writer, maximumOutputBytes: 5000).count == 5000)
        let error = failure(bytes, converter: writer, maximumOutputBytes: 4999)
        #expect(error == .outputTooLarge(limit: 4999))
        // The real converter's message for the sample is far larger than a kilobyte.
        let real = failure(bytes, maximumOutputBytes: 1000)
        #expect(real == .outputTooLarge(limit: 1000))
    }
}
