import Foundation
import TestSupport
import Testing
import XML

/// How Docket must refuse one hostile input.
struct HostileCase: Sendable, CustomTestStringConvertible {
    /// The `XMLError` case expected, without its payload.
    enum Refusal: String, Sendable {
        case doctype, xinclude, notWellFormed, empty, tooLarge
    }

    /// The fixture under `Fixtures/hostile/`.
    var file: String
    var refusal: Refusal
    /// A word the error's text must contain, so the user learns the reason, not just "failed".
    var word: String

    var testDescription: String { file }

    /// Every committed hostile fixture, with the refusal it must meet.
    static let all: [HostileCase] = [
        HostileCase(file: "xxe-etc-passwd.xml", refusal: .doctype, word: "DOCTYPE"),
        HostileCase(file: "xxe-local-secret.xml", refusal: .doctype, word: "DOCTYPE"),
        HostileCase(file: "xxe-network.xml", refusal: .doctype, word: "DOCTYPE"),
        HostileCase(file: "parameter-entities.xml", refusal: .doctype, word: "DOCTYPE"),
        HostileCase(file: "external-dtd.xml", refusal: .doctype, word: "DOCTYPE"),
        HostileCase(file: "external-dtd-public.xml", refusal: .doctype, word: "DOCTYPE"),
        HostileCase(file: "billion-laughs.xml", refusal: .doctype, word: "DOCTYPE"),
        HostileCase(file: "quadratic-blowup.xml", refusal: .doctype, word: "DOCTYPE"),
        HostileCase(file: "deep-nesting-300.xml", refusal: .notWellFormed, word: "nested deeper"),
        HostileCase(file: "xinclude.xml", refusal: .xinclude, word: "XInclude"),
        HostileCase(file: "xinclude-2003.xml", refusal: .xinclude, word: "XInclude"),
        HostileCase(file: "invalid-utf8.xml", refusal: .notWellFormed, word: "UTF-8"),
        HostileCase(file: "truncated.xml", refusal: .notWellFormed, word: "expected"),
        HostileCase(file: "empty.xml", refusal: .empty, word: "empty"),
        HostileCase(file: "binary.png", refusal: .notWellFormed, word: "Start tag expected"),
    ]
}

extension XMLError {
    /// The case of this error, without its payload, for comparing with a `HostileCase`.
    var refusal: HostileCase.Refusal? {
        switch self {
        case .doctypeRefused: .doctype
        case .xincludeRefused: .xinclude
        case .notWellFormed: .notWellFormed
        case .emptyInput: .empty
        case .inputTooLarge: .tooLarge
        default: nil
        }
    }
}

@Suite("Hostile input is refused")
struct HostileInputTests {
    /// Parses `bytes` both from memory and from a file, checking the refusal each time.
    private func expectRefused(_ bytes: [UInt8], as hostile: HostileCase, options: XMLParseOptions = .default)
        throws
    {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(bytes, to: hostile.file)
        let attempts: [(String, () throws -> XMLDocument)] = [
            ("memory", { try XMLDocument(parsing: bytes, source: hostile.file, options: options) }),
            ("file", { try XMLDocument(contentsOfFile: path, options: options) }),
        ]
        for (how, attempt) in attempts {
            let error = #expect(throws: XMLError.self, "\(hostile.file) from \(how) must be refused") {
                _ = try attempt()
            }
            guard let error else { continue }
            #expect(error.refusal == hostile.refusal, "\(hostile.file) from \(how): wrong reason: \(error)")
            let text = disclosedText(of: error)
            #expect(text.contains(hostile.word), "\(hostile.file) from \(how): no '\(hostile.word)' in: \(text)")
            for secret in forbiddenDisclosures {
                #expect(!text.contains(secret), "\(hostile.file) from \(how) disclosed '\(secret)': \(text)")
            }
            #expect(!error.diagnostics.isEmpty)
            if hostile.refusal == .doctype || hostile.refusal == .xinclude {
                // A single diagnostic, with a position: the parser stopped at the construct,
                // so no declaration after it was read and no entity was ever expanded.
                #expect(error.diagnostics.count == 1, "more than the refusal was reported: \(error)")
                #expect(error.diagnostics.allSatisfy { $0.line > 0 && $0.column > 0 }, "\(error)")
            }
        }
    }

    @Test("each committed hostile fixture is refused with its reason", arguments: HostileCase.all)
    func refusesFixture(_ hostile: HostileCase) throws {
        let listener = try LoopbackListener()
        let bytes = try Fixtures.bytes(
            "hostile/\(hostile.file)",
            substituting: ["PORT": String(listener.port), "SECRET_URL": try Fixtures.secretURL()])
        #expect(!String(decoding: bytes, as: UTF8.self).contains("@PORT@"))
        try expectRefused(bytes, as: hostile)
        #expect(listener.acceptPendingConnections() == 0, "\(hostile.file) opened a network connection")
    }

    @Test("every file in Fixtures/hostile is in the table above, so none is committed but never run")
    func everyFixtureListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("hostile"))
        #expect(Set(files) == Set(HostileCase.all.map(\.file)))
    }

    @Test("the network fixtures really point at the listener, and it would count a connection")
    func listenerControl() throws {
        let listener = try LoopbackListener()
        for file in ["xxe-network.xml", "parameter-entities.xml", "external-dtd.xml"] {
            let text = String(
                decoding: try Fixtures.bytes("hostile/\(file)", substituting: ["PORT": String(listener.port)]),
                as: UTF8.self)
            #expect(text.contains("http://127.0.0.1:\(listener.port)/"), "\(file) does not target the listener")
        }
        try listener.connectOnce()
        #expect(listener.acceptPendingConnections() == 1)
    }

    @Test("the secret fixture holds the marker the XXE tests look for")
    func secretControl() throws {
        let secret = String(decoding: try Fixtures.bytes("secret/secret.txt"), as: UTF8.self)
        #expect(secret.contains(Fixtures.secretMarker))
    }

    @Test("a 20 MB text node is refused by the default size cap before parsing")
    func hugeTextNodeOverDefaultCap() throws {
        let bytes = Self.documentWithTextNode(of: 20 * 1024 * 1024)
        let hostile = HostileCase(file: "huge-text.xml", refusal: .tooLarge, word: "over the")
        try expectRefused(bytes, as: hostile)
    }

    @Test("the size cap, not some other limit, is what refuses the 20 MB text node")
    func hugeTextNodeUnderRaisedCap() throws {
        // libxml2 2.9.14 parsing from memory does not apply its 10 MB text limit, so the cap is
        // the only guard: with the cap raised the same document parses, whole and unaltered.
        let size = 20 * 1024 * 1024
        let options = XMLParseOptions(maximumInputSize: 32 * 1024 * 1024)
        let document = try XMLDocument(parsing: Self.documentWithTextNode(of: size), options: options)
        #expect(try document.number("string-length(/document/text)") == Double(size))
    }

    /// A well-formed document whose only text node is `size` bytes long; built at test time
    /// so the repository holds no 20 MB file.
    static func documentWithTextNode(of size: Int) -> [UInt8] {
        // Whole-array appends: element-by-element generation takes seconds in a debug build.
        Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<document><text>".utf8)
            + [UInt8](repeating: UInt8(ascii: "x"), count: size)
            + Array("</text></document>\n".utf8)
    }

    @Test("entity references without a DOCTYPE are not expanded: undeclared, so not well-formed")
    func undeclaredEntity() throws {
        let error = #expect(throws: XMLError.self) {
            _ = try XMLDocument(parsing: "<document>&leak;</document>")
        }
        #expect(error?.refusal == .notWellFormed)
        #expect(error.map(disclosedText)?.contains("leak") == true)
    }

    @Test("predefined and character entities still work (the hardening is not a blanket refusal)")
    func predefinedEntities() throws {
        let document = try XMLDocument(parsing: "<d a=\"&quot;&#x41;\">&lt;&amp;&gt;&apos;&#233;</d>")
        #expect(document.root?.text == "<&>'é")
        #expect(document.root?.attribute("a") == "\"A")
    }

    @Test("the depth cap is exact: maximumDepth levels parse, one more is refused")
    func depthCapBoundary() throws {
        func nested(_ depth: Int) -> String {
            (0..<depth).map { "<e\($0)>" }.joined() + (0..<depth).reversed().map { "</e\($0)>" }.joined()
        }
        let options = XMLParseOptions(maximumDepth: 5)
        #expect(try XMLDocument(parsing: nested(5), options: options).root?.name == "e0")
        let error = #expect(throws: XMLError.self) {
            _ = try XMLDocument(parsing: nested(6), options: options)
        }
        #expect(error?.refusal == .notWellFormed)
        #expect(error.map(disclosedText)?.contains("nested deeper than 5") == true)
        // 128 is the default and stays under libxml2's own 256.
        #expect(try XMLDocument(parsing: nested(128)).root != nil)
        #expect(throws: XMLError.self) { _ = try XMLDocument(parsing: nested(129)) }
    }

    @Test("a caller who raises the depth cap still meets libxml2's own limit of 256 (no XML_PARSE_HUGE)")
    func libxml2DepthLimitHolds() throws {
        let bytes = try Fixtures.bytes("hostile/deep-nesting-300.xml")
        let error = #expect(throws: XMLError.self) {
            _ = try XMLDocument(parsing: bytes, options: XMLParseOptions(maximumDepth: 1000))
        }
        #expect(error?.refusal == .notWellFormed)
        #expect(error.map(disclosedText)?.contains("Excessive depth") == true)
    }

    @Test("a device file such as /dev/zero is refused without reading it")
    func deviceFile() throws {
        let error = #expect(throws: XMLError.self) {
            _ = try XMLDocument(contentsOfFile: "/dev/zero")
        }
        guard case .unreadable(let path, let reason) = error else {
            Issue.record("expected .unreadable, got \(String(describing: error))")
            return
        }
        #expect(path == "/dev/zero")
        #expect(reason.contains("not a regular file"))
    }

    @Test("a missing file is reported as unreadable, naming the path")
    func missingFile() throws {
        let error = #expect(throws: XMLError.self) {
            _ = try XMLDocument(contentsOfFile: "/nonexistent/docket/metadata.xml")
        }
        guard case .unreadable(let path, _) = error else {
            Issue.record("expected .unreadable, got \(String(describing: error))")
            return
        }
        #expect(path == "/nonexistent/docket/metadata.xml")
    }
}

@Suite("Input size cap")
struct SizeCapTests {
    private let limit = 64

    /// A well-formed document of exactly `size` bytes.
    private func document(ofSize size: Int) -> [UInt8] {
        let frame = Array("<d></d>".utf8)
        return Array("<d>".utf8) + Array(repeating: UInt8(ascii: "a"), count: size - frame.count) + Array("</d>".utf8)
    }

    @Test("a document exactly at the cap parses; one byte over is refused")
    func boundaryInMemory() throws {
        let options = XMLParseOptions(maximumInputSize: limit)
        #expect(try XMLDocument(parsing: document(ofSize: limit), options: options).root?.name == "d")
        let error = #expect(throws: XMLError.self) {
            _ = try XMLDocument(parsing: document(ofSize: limit + 1), source: "big.xml", options: options)
        }
        guard case .inputTooLarge(let source, let size, let reportedLimit) = error else {
            Issue.record("expected .inputTooLarge, got \(String(describing: error))")
            return
        }
        #expect(source == "big.xml" && size == limit + 1 && reportedLimit == limit)
        #expect(disclosedText(of: error!).contains("over the"))
    }

    @Test("an oversized input is refused before parsing: garbage over the cap is 'too large', not 'not well-formed'")
    func refusedBeforeParsing() throws {
        let garbage = Array(repeating: UInt8(ascii: "<"), count: limit + 10)
        let options = XMLParseOptions(maximumInputSize: limit)
        let error = #expect(throws: XMLError.self) {
            _ = try XMLDocument(parsing: garbage, options: options)
        }
        #expect(error?.refusal == .tooLarge)

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(garbage, to: "garbage.xml")
        let fileError = #expect(throws: XMLError.self) {
            _ = try XMLDocument(contentsOfFile: path, options: options)
        }
        guard case .inputTooLarge(let source, let size, _) = fileError else {
            Issue.record("expected .inputTooLarge, got \(String(describing: fileError))")
            return
        }
        #expect(source == path && size == limit + 10)
    }

    @Test("XMLDocument(contentsOfFile:) applies the cap at the boundary too")
    func boundaryFromFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let options = XMLParseOptions(maximumInputSize: limit)
        let atLimit = try directory.write(document(ofSize: limit), to: "at-limit.xml")
        let overLimit = try directory.write(document(ofSize: limit + 1), to: "over-limit.xml")
        let parsed = try XMLDocument(contentsOfFile: atLimit, options: options)
        #expect(parsed.source == atLimit)
        #expect(throws: XMLError.self) { _ = try XMLDocument(contentsOfFile: overLimit, options: options) }
    }
}
