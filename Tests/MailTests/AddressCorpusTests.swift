import Foundation
import Mail
import TestSupport
import Testing

/// Generated address headers read by `ParsedMessage.toAddresses` and by Python's `email`
/// package: `address_reference.py` writes the messages and what `email.headerregistry`
/// (policy.default) and, where it reads the same forms, `email.utils.getaddresses` read in them.
@Suite struct AddressCorpusTests {
    struct Reference: Decodable {
        var message: String
        var mailboxes: [Mailbox]
        var getaddresses: [[String]]?
    }

    struct Mailbox: Decodable {
        var name: String
        var address: String
        var text: String
    }

    static func references(count: Int, seed: Int) throws -> [Reference] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "address_reference.py")
        let python = try ExternalTool.locate("python3", package: "python3")
        let output = try python.runSucceeding([script.path, String(count), String(seed)], timeout: 120)
        return try JSONDecoder().decode([Reference].self, from: Data(output.standardOutput.utf8))
    }

    @Test func everyMailboxReadsAsPythonReadsIt() throws {
        let references = try Self.references(count: 400, seed: 5322)
        #expect(references.count == 400)
        var comparedWithGetaddresses = 0
        for (index, reference) in references.enumerated() {
            let bytes = try #require(Data(base64Encoded: reference.message))
            let mailboxes = try ParsedMessage(bytes: [UInt8](bytes)).toAddresses
            let place = "message \(index): \(String(decoding: bytes, as: UTF8.self))"
            #expect(mailboxes.map(\.address) == reference.mailboxes.map(\.address), "\(place)")
            // Python says "" where a mailbox has no name; this API says nil.
            #expect(mailboxes.map { $0.displayName ?? "" } == reference.mailboxes.map(\.name), "\(place)")
            #expect(mailboxes.map(\.displayText) == reference.mailboxes.map(\.text), "\(place)")
            if let pairs = reference.getaddresses {
                comparedWithGetaddresses += 1
                #expect(mailboxes.map { [$0.displayName ?? "", $0.address] } == pairs, "\(place)")
            }
        }
        // The generator's mix must leave enough plain headers for the second reference to count.
        #expect(comparedWithGetaddresses >= 20)
    }
}
