import Foundation
import Mail
import TestSupport
import Testing

/// mbox files written by Python's `mailbox` (and in mboxrd style by `mbox_reference.py`), read
/// by `MboxReader` and by `mailbox.mbox`, the reference, compared message by message.
///
/// Python's `get_bytes()` returns a message as it lies in the file: `From ` quoting not undone,
/// and, in a CRLF file, with the separator's empty line (`mailbox` only knows `\n` as an empty
/// line). So each message this reader returns is compared twice: with the bytes the writer was
/// given, and, quoted again and (in the CRLF file) with that empty line added, with Python's.
@Suite struct MboxReaderTests {
    struct Reference: Decodable {
        var path: String
        var count: Int
        var messages: [Message]
    }

    struct Message: Decodable {
        var original: String
        var python: String
        var from: String
        var offset: UInt64
    }

    static func references(in directory: TemporaryDirectory) throws -> [String: Reference] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "mbox_reference.py")
        let python = try ExternalTool.locate("python3", package: "python3")
        let output = try python.runSucceeding([script.path, directory.url.path, "4155"], timeout: 120)
        return try JSONDecoder().decode([String: Reference].self, from: Data(output.standardOutput.utf8))
    }

    static func bytes(_ base64: String) -> [UInt8] { [UInt8](Data(base64Encoded: base64) ?? Data()) }

    /// Every message, failing the test on an oversized one.
    static func readAll(_ reader: inout MboxReader) throws -> [MboxMessage] {
        var messages: [MboxMessage] = []
        while let result = try reader.next() { messages.append(try result.get()) }
        return messages
    }

    /// `From ` quoting as the variant's writer does it: a `>` before each line matching
    /// `^From ` (mboxo) or `^>*From ` (mboxrd).
    static func quoted(_ message: [UInt8], _ variant: MboxVariant) -> [UInt8] {
        var output: [UInt8] = []
        for line in message.split(separator: 10, omittingEmptySubsequences: false) {
            let quotes = variant == .mboxrd ? line.prefix { $0 == UInt8(ascii: ">") }.count : 0
            if line.dropFirst(quotes).starts(with: Array("From ".utf8)) { output.append(UInt8(ascii: ">")) }
            output += line + [10]
        }
        output.removeLast()
        return output
    }

    @Test(arguments: [("python", MboxVariant.mboxo), ("mboxrd", .mboxrd), ("crlf", .mboxrd)])
    func everyMessageReadsAsPythonReadsIt(name: String, variant: MboxVariant) throws {
        let directory = try TemporaryDirectory("mbox")
        defer { directory.remove() }
        let reference = try #require(try Self.references(in: directory)[name])
        // Small chunks put line and separator boundaries across reads; the default reads it whole.
        for chunkSize in [64, 1000, 1 << 20] {
            var reader = try MboxReader(path: reference.path, variant: variant, chunkSize: chunkSize)
            let messages = try Self.readAll(&reader)
            #expect(messages.count == reference.count, "\(name), chunks of \(chunkSize)")
            #expect(reader.bytesConsumed == reader.fileSize)
            for (index, (message, expected)) in zip(messages, reference.messages).enumerated() {
                let place = "\(name) message \(index), chunks of \(chunkSize)"
                #expect(message.bytes == Self.bytes(expected.original), "\(place)")
                let pythonBytes = Self.quoted(message.bytes, variant) + (name == "crlf" ? [13, 10] : [])
                #expect(pythonBytes == Self.bytes(expected.python), "\(place)")
                // `get_from()` keeps a CRLF file's `\r`; `separatorLine` is without its line break.
                let from = expected.from.hasSuffix("\r") ? String(expected.from.dropLast()) : expected.from
                #expect(message.separatorLine == "From " + from, "\(place)")
                #expect(message.offset == expected.offset, "\(place)")
            }
        }
        #expect(reference.messages.contains { Self.bytes($0.original).filter { $0 == 10 }.count > 20_000 })
    }

    @Test func readingResumesAtASavedOffset() throws {
        let directory = try TemporaryDirectory("mbox")
        defer { directory.remove() }
        let reference = try #require(try Self.references(in: directory)["mboxrd"])
        var reader = try MboxReader(path: reference.path)
        var all: [MboxMessage] = []
        var consumed: [UInt64] = []
        while let result = try reader.next() {
            all.append(try result.get())
            consumed.append(reader.bytesConsumed)
        }
        // After each message, progress stands at the next one's separator.
        #expect(Array(consumed.dropLast()) == all.dropFirst().map(\.offset))
        #expect(consumed.last == reader.fileSize)
        var resumed = try MboxReader(path: reference.path, startingAt: consumed[2])
        let rest = try Self.readAll(&resumed)
        #expect(rest == Array(all.dropFirst(3)))
        var atEnd = try MboxReader(path: reference.path, startingAt: reader.fileSize)
        let afterTheEnd = try atEnd.next()
        #expect(afterTheEnd == nil)
        #expect(throws: MboxError.noSeparatorAtOffset(path: reference.path, offset: all[2].offset + 1)) {
            try MboxReader(path: reference.path, startingAt: all[2].offset + 1)
        }
    }

    @Test func anOversizedMessageIsReportedAndTheNextOnesAreRead() throws {
        let directory = try TemporaryDirectory("mbox")
        defer { directory.remove() }
        let reference = try #require(try Self.references(in: directory)["python"])
        let sizes = reference.messages.map { Self.bytes($0.original).count }
        let limit = 100_000
        let oversized = try #require(sizes.firstIndex { $0 > limit })
        var reader = try MboxReader(path: reference.path, variant: .mboxo, maximumMessageBytes: limit, chunkSize: 4096)
        var results: [Result<MboxMessage, MboxError>] = []
        while let result = try reader.next() { results.append(result) }
        #expect(results.count == reference.count)
        for (index, result) in results.enumerated() {
            switch result {
            case .success(let message):
                #expect(index != oversized)
                #expect(message.bytes == Self.bytes(reference.messages[index].original))
            case .failure(let error):
                #expect(index == oversized)
                let offset = reference.messages[index].offset
                #expect(error == .messageTooLarge(offset: offset, size: sizes[index], limit: limit))
                #expect(error.description.contains("at byte \(offset) has \(sizes[index]) bytes"))
            }
        }
    }

    @Test func separatorsNeedAnEmptyLineBeforeThemAndTheLastMayLackOne() throws {
        let directory = try TemporaryDirectory("mbox")
        defer { directory.remove() }
        let text =
            "From a Tue\nSubject: 1\n\nbody\nFrom here on, not a separator\n\n\nFrom b Wed\r\nSubject: 2\r\n"
            + "\r\n>>From x\r\n>From y\r\n\r\nFrom c Thu\nno final line break"
        let path = try directory.write(Array(text.utf8), to: "mixed.mbox")
        var reader = try MboxReader(path: path, variant: .mboxrd)
        let messages = try Self.readAll(&reader)
        #expect(messages.map(\.separatorLine) == ["From a Tue", "From b Wed", "From c Thu"])
        #expect(
            messages.map { String(decoding: $0.bytes, as: UTF8.self) } == [
                "Subject: 1\n\nbody\nFrom here on, not a separator\n\n",
                "Subject: 2\r\n\r\n>From x\r\nFrom y\r\n", "no final line break",
            ])
        var mboxo = try MboxReader(path: path, variant: .mboxo)
        let unquotedOnce = try Self.readAll(&mboxo)
        #expect(unquotedOnce[1].bytes == Array("Subject: 2\r\n\r\n>>From x\r\nFrom y\r\n".utf8))
        // A body line that starts with "From " is no place to resume at; a separator is.
        let bodyLine = UInt64(try #require(Array(text.utf8).firstRange(of: Array("From here".utf8))).lowerBound)
        #expect(throws: MboxError.noSeparatorAtOffset(path: path, offset: bodyLine)) {
            try MboxReader(path: path, startingAt: bodyLine)
        }
        for resumeAt in 1...2 {
            var resumed = try MboxReader(path: path, startingAt: messages[resumeAt].offset)
            let rest = try Self.readAll(&resumed)
            #expect(rest == Array(messages.dropFirst(resumeAt)))
        }
    }

    @Test func emptyFilesHaveNoMessagesAndOtherFilesAreRefusedClearly() throws {
        let directory = try TemporaryDirectory("mbox")
        defer { directory.remove() }
        var empty = try MboxReader(path: try directory.write([], to: "empty.mbox"))
        let first = try empty.next()
        #expect(first == nil)
        #expect(empty.fileSize == 0)
        let notMbox = try directory.write(Array("Subject: hi\n\nFrom x\n".utf8), to: "message.eml")
        #expect(throws: MboxError.notAnMbox(path: notMbox)) { try MboxReader(path: notMbox) }
        let missing = directory.path("missing.mbox")
        #expect(throws: MboxError.unreadable(path: missing, reason: "No such file or directory")) {
            try MboxReader(path: missing)
        }
        #expect(throws: MboxError.unreadable(path: directory.url.path, reason: "not a regular file")) {
            try MboxReader(path: directory.url.path)
        }
    }
}
