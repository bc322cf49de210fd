import Foundation
import Mail
import Testing

/// Messages built to hurt the reader: each limit refuses with its own error, and damage that
/// can be read around is reported in `problems` instead of thrown. (No timings are asserted:
/// the limits, not a clock, are what keeps the work bounded.)
@Suite struct HostileMessageTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func tenThousandLevelsOfNestingAreRefusedAtTheDepthLimit() {
        var message = ""
        for level in 0..<10_000 {
            message += "Content-Type: multipart/mixed; boundary=b\(level)\r\n\r\n--b\(level)\r\n"
        }
        message += "Content-Type: text/plain\r\n\r\nbottom\r\n"
        #expect(throws: MessageParseError.nestingTooDeep(limit: 32)) {
            try ParsedMessage(bytes: Self.bytes(message))
        }
        #expect(MessageParseError.nestingTooDeep(limit: 32).description == "nesting deeper than 32 levels")
    }

    @Test func messagesForwardedInsideEachOtherCountAsNesting() throws {
        let level = "Content-Type: message/rfc822\r\n\r\n"
        let deep = String(repeating: level, count: 40) + "\r\nbottom"
        #expect(throws: MessageParseError.nestingTooDeep(limit: 32)) {
            try ParsedMessage(bytes: Self.bytes(deep))
        }
        let allowed = try ParsedMessage(bytes: Self.bytes(String(repeating: level, count: 31) + "\r\nbottom"))
        #expect(allowed.parts.count == 32)
        #expect(allowed.parts.last?.body == Self.bytes("bottom"))
    }

    @Test func aHundredThousandPartsAreRefusedAtThePartLimit() {
        var message = [UInt8]("Content-Type: multipart/mixed; boundary=b\r\n\r\n".utf8)
        let part = Array("--b\r\n\r\nx\r\n".utf8)
        message.reserveCapacity(message.count + part.count * 100_000 + 8)
        for _ in 0..<100_000 { message += part }
        message += Array("--b--\r\n".utf8)
        #expect(throws: MessageParseError.tooManyParts(limit: 10_000)) {
            try ParsedMessage(bytes: message)
        }
    }

    @Test func aFiftyMegabyteHeaderLineIsRefusedAtTheHeaderLimit() {
        var message = [UInt8]("Subject: ".utf8)
        message += [UInt8](repeating: UInt8(ascii: "a"), count: 50 << 20)
        message += Array("\r\n\r\nbody\r\n".utf8)
        #expect(throws: MessageParseError.headerTooLarge(limit: 1 << 20, offset: 0)) {
            try ParsedMessage(bytes: message)
        }
    }

    @Test func aMessageOverTheSizeLimitIsRefused() {
        let message = Self.bytes("Subject: x\r\n\r\n" + String(repeating: "y", count: 2_000))
        #expect(throws: MessageParseError.messageTooLarge(limit: 1_000, size: message.count)) {
            try ParsedMessage(bytes: message, limits: MessageLimits(maximumMessageBytes: 1_000))
        }
    }

    @Test func aMissingFinalBoundaryIsReadWithAProblem() throws {
        let message = try ParsedMessage(
            bytes: Self.bytes(
                "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo, cut off"))
        #expect(message.parts.map(\.body) == [[], Self.bytes("one"), Self.bytes("two, cut off")])
        #expect(message.problems.contains { $0.contains("no final boundary") })
    }

    @Test func base64GarbageIsAProblemNotACrash() throws {
        let message = try ParsedMessage(
            bytes: Self.bytes(
                "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    + "SGVs!!**bG8=\r\n@@@=\r\nA\r\n"))
        #expect(message.root.body == Self.bytes("Hello"))
        #expect(message.problems.contains { $0.contains("outside base64") })
        #expect(message.problems.contains { $0.contains("after padding ignored") })
    }

    @Test func nulBytesAreKept() throws {
        var bytes = Self.bytes("Subject: a\u{0}b\r\nContent-Type: application/octet-stream\r\n\r\n")
        bytes += [0, 1, 0, 2, 0]
        let message = try ParsedMessage(bytes: bytes)
        #expect(message.subject == "a\u{0}b")
        #expect(message.root.body == [0, 1, 0, 2, 0])
    }

    @Test func aFileNameThatClimbsOutIsMadeSafe() throws {
        let message = try ParsedMessage(
            bytes: Self.bytes(
                "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                    + "Content-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\nroot\r\n--b\r\n"
                    + "Content-Disposition: attachment; filename=\"..\\\\..\\\\x\u{7}\u{1}.txt\"\r\n\r\n2\r\n--b\r\n"
                    + "Content-Disposition: attachment; filename=\"..\"\r\n\r\n3\r\n--b--\r\n"))
        #expect(message.attachments.map(\.fileName) == ["../../etc/passwd", "..\\..\\x\u{7}\u{1}.txt", ".."])
        #expect(message.attachments.map(\.safeFileName) == ["passwd", "x.txt", "attachment"])
    }

    @Test func anUnknownCharsetKeepsTheBytesWithAProblem() throws {
        var bytes = Self.bytes("Content-Type: text/plain; charset=x-klingon\r\n\r\n")
        bytes += [0x48, 0xE9, 0x21]
        let message = try ParsedMessage(bytes: bytes)
        #expect(message.root.body == [0x48, 0xE9, 0x21])
        #expect(message.root.charset == "x-klingon")
        #expect(message.root.text == "H\u{FFFD}!")
        #expect(message.problems.contains { $0.contains("unknown charset x-klingon") })
    }

    @Test func base64EnclosedMessagesCountTowardTheDepthLimit() throws {
        // Each level hides the next in base64, so no single buffer shows the nesting. (A low
        // limit keeps the test fast: each level is a third larger than the one inside it.)
        func wrapped(_ levels: Int) -> [UInt8] {
            var message = Self.bytes("\r\nbottom")
            for _ in 0..<levels {
                message =
                    Self.bytes("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n")
                    + Self.bytes(Data(message).base64EncodedString(options: .lineLength76Characters))
            }
            return message
        }
        let limits = MessageLimits(maximumDepth: 6)
        #expect(throws: MessageParseError.nestingTooDeep(limit: 6)) {
            try ParsedMessage(bytes: wrapped(12), limits: limits)
        }
        let allowed = try ParsedMessage(bytes: wrapped(5), limits: limits)
        #expect(allowed.parts.count == 6)
        #expect(allowed.parts.last?.body == Self.bytes("bottom"))
        #expect(allowed.problems.isEmpty)
    }
}
