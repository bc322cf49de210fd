import Foundation
import Mail
import TestSupport
import Testing

/// Generated messages read by `ParsedMessage` and by Python's `email` package (policy.default),
/// the reference, compared part by part: `mime_reference.py` writes both the messages and what
/// Python reads in them.
@Suite struct MessageCorpusTests {
    struct Reference: Decodable {
        var message: String
        var subject: String
        var from: String
        var parts: [PartReference]
    }

    struct PartReference: Decodable {
        var type: String
        var filename: String?
        var payload: String?
        var text: String?
    }

    static func references(script name: String = "mime_reference.py", count: Int, seed: Int) throws -> [Reference] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(name)
        let python = try ExternalTool.locate("python3", package: "python3")
        let output = try python.runSucceeding([script.path, String(count), String(seed)], timeout: 120)
        return try JSONDecoder().decode([Reference].self, from: Data(output.standardOutput.utf8))
    }

    /// Python's `get_content_type()` keeps a comment after the type (`text/plain (a comment)`):
    /// it splits the field at `;` without reading RFC 5322 comments. RFC 2045 §5.1 allows
    /// comments there, so the comparison is of what both agree on: the type without it.
    static func withoutComment(_ type: String) -> String {
        guard let open = type.firstIndex(of: "(") else { return type }
        return type[..<open].trimmingCharacters(in: .whitespaces)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    @Test func everyPartReadsAsPythonReadsIt() throws {
        let references = try Self.references(count: 240, seed: 16)
        #expect(references.count == 240)
        try Self.expectSameParts(references)
    }

    /// Enclosed messages sent base64-encoded (which RFC 2046 §5.2.1 forbids and some mailers
    /// do) are read as messages once decoded. Python reads the base64 text itself as the
    /// message, so `encoded_message_reference.py` compares with Python's reading of the decoded
    /// bytes.
    @Test func base64EnclosedMessagesReadAsPythonReadsTheirDecodedBytes() throws {
        let references = try Self.references(script: "encoded_message_reference.py", count: 60, seed: 2046)
        #expect(references.count == 60)
        #expect(references.allSatisfy { $0.parts.filter { $0.type == "message/rfc822" }.count >= 1 })
        try Self.expectSameParts(references)
    }

    static func expectSameParts(_ references: [Reference]) throws {
        for (index, reference) in references.enumerated() {
            let bytes = try #require(Data(base64Encoded: reference.message))
            let message = try ParsedMessage(bytes: [UInt8](bytes))
            #expect(message.subject == reference.subject, "message \(index)")
            #expect(message.from == reference.from, "message \(index)")
            #expect(message.problems == [], "message \(index)")
            let parts = message.parts
            guard parts.count == reference.parts.count else {
                Issue.record("message \(index): \(parts.count) parts, Python reads \(reference.parts.count)")
                continue
            }
            for (number, (part, expected)) in zip(parts, reference.parts).enumerated() {
                let place = "message \(index) part \(number)"
                #expect(part.contentType == Self.withoutComment(expected.type), "\(place)")
                #expect(part.fileName == expected.filename, "\(place)")
                if let payload = expected.payload {
                    #expect(Self.hex(part.body) == payload, "\(place)")
                }
                if let text = expected.text {
                    #expect(part.text == text, "\(place)")
                }
            }
        }
    }
}
