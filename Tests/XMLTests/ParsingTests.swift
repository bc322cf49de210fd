import Foundation
import TestSupport
import Testing
import XML

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Parsing: diagnostics carry line and column")
struct ParsingTests {
    /// The diagnostics of a document that must fail to parse as not well-formed.
    private func notWellFormed(_ text: String, source: String = "(memory)") -> [XMLDiagnostic] {
        let error = #expect(throws: XMLError.self) { _ = try XMLDocument(parsing: text, source: source) }
        guard case .notWellFormed(let diagnostics) = error else {
            Issue.record("expected .notWellFormed, got \(String(describing: error))")
            return []
        }
        return diagnostics
    }

    @Test("a well-formed document parses, keeps its source name and has no warnings")
    func wellFormed() throws {
        let document = try XMLDocument(parsing: "<a x=\"1\"><b>text</b></a>", source: "label.xml")
        #expect(document.source == "label.xml")
        #expect(document.warnings.isEmpty)
        #expect(document.root?.name == "a")
        #expect(document.root?.childElements.map(\.text) == ["text"])
    }

    @Test("every error of a document with several is reported, each with line and column")
    func severalParseErrors() throws {
        let path = try Fixtures.path("schema/malformed-bad-attribute.xml")
        let error = #expect(throws: XMLError.self) { _ = try XMLDocument(contentsOfFile: path) }
        let diagnostics = error?.diagnostics ?? []
        // xmllint reports the same five (SchemaValidationTests compares the text).
        #expect(diagnostics.count == 5)
        #expect(diagnostics.map(\.line) == [4, 4, 4, 4, 5])
        #expect(diagnostics.allSatisfy { $0.line > 0 && $0.column > 0 && $0.source == path }, "\(diagnostics)")
        #expect(diagnostics.first?.column == 15)
    }

    @Test("namespace errors do not stop the parse: three undeclared prefixes, three diagnostics")
    func threeNamespaceErrors() {
        let diagnostics = notWellFormed("<r><p:a/><q:b/><s:c x='1'/></r>")
        #expect(diagnostics.map(\.line) == [1, 1, 1])
        #expect(diagnostics.map(\.column) == [8, 14, 26])
        #expect(diagnostics.map { $0.message.contains("prefix") } == [true, true, true])
        #expect(diagnostics.map { $0.message.split(separator: " ")[2] } == ["p", "q", "s"])
    }

    @Test("an error on a later line points at that line and column")
    func laterLine() {
        let diagnostics = notWellFormed("<a>\n  <b>\n    <c></d>\n  </b>\n</a>\n", source: "nested.xml")
        #expect(diagnostics.first?.line == 3)
        #expect(diagnostics.first?.column == 12)
        #expect(diagnostics.first?.message.contains("mismatch") == true)
        #expect(diagnostics.first?.description.hasPrefix("nested.xml:3:12: ") == true)
    }

    @Test("invalid UTF-8 is located at its byte's line and column")
    func invalidUTF8Location() throws {
        let error = #expect(throws: XMLError.self) {
            _ = try XMLDocument(parsing: Fixtures.bytes("hostile/invalid-utf8.xml"))
        }
        let first = error?.diagnostics.first
        #expect(first?.line == 3 && first?.column == 13)
        #expect(first?.message.contains("UTF-8") == true)
    }

    @Test("a control character in text is not well-formed, with a position")
    func controlCharacterInInput() {
        let diagnostics = notWellFormed("<r>\u{1}</r>")
        #expect(diagnostics.first.map { ($0.line, $0.column) } ?? (0, 0) == (1, 4))
        #expect(diagnostics.first?.message.contains("Char value 1") == true)
    }

    @Test("warnings of an accepted document are kept, with line and column")
    func warningsKept() throws {
        let document = try XMLDocument(parsing: "<r>\n  <d xmlns=\"not-absolute\"/>\n</r>")
        #expect(document.root?.name == "r")
        #expect(document.warnings.count == 1)
        #expect(document.warnings.first?.severity == .warning)
        #expect(document.warnings.first?.line == 2)
        #expect((document.warnings.first?.column ?? 0) > 0)
        #expect(document.warnings.first?.message.contains("not-absolute") == true)
    }

    @Test("element positions count characters, not bytes, and survive on the nodes")
    func elementPositions() throws {
        let document = try XMLDocument(parsing: "<a>é—<b/>\n  <c\n/></a>")
        let children = document.root?.childElements ?? []
        #expect(document.root.map { ($0.line, $0.column) } ?? (0, 0) == (1, 1))
        #expect(children.map(\.name) == ["b", "c"])
        #expect(children.first.map { ($0.line, $0.column) } ?? (0, 0) == (1, 6))
        // A start tag broken over lines still gets a line and some column.
        #expect((children.last?.line ?? 0) >= 2 && (children.last?.column ?? 0) > 0)
    }

    @Test("a whitespace-only input is not 'empty' (it has bytes) but not well-formed: no start tag")
    func whitespaceOnly() {
        let diagnostics = notWellFormed("  \n ")
        #expect(diagnostics.first?.message.contains("Start tag expected") == true)
        #expect(diagnostics.first?.line == 2)
    }

    @Test("errors render as SOURCE:LINE:COLUMN, or SOURCE: message when there is no line")
    func diagnosticDescription() {
        #expect(
            XMLDiagnostic(severity: .error, source: "f.xml", line: 3, column: 9, message: "bad").description
                == "f.xml:3:9: bad")
        #expect(
            XMLDiagnostic(severity: .fatal, line: 0, column: 0, message: "input is empty").description
                == "-: input is empty")
        #expect(XMLError.emptyInput(source: "e.xml").description == "e.xml: input is empty")
    }
}

/// Runs `body` with file descriptor 2 pointed at a temporary file, restores it, copies what
/// was captured back to the real stderr (so no report from a test running meanwhile is lost),
/// and returns it.
func capturingStandardError(_ body: () throws -> Void) throws -> String {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.url.appendingPathComponent("stderr.txt").path
    let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard file >= 0 else { throw FixtureError(description: "cannot create \(path): errno \(errno)") }
    // fflush(nil) flushes every C stream: `stderr` itself is off limits in Swift 6.
    fflush(nil)
    let saved = dup(2)
    dup2(file, 2)
    close(file)
    var failure: (any Error)?
    do { try body() } catch { failure = error }
    fflush(nil)
    dup2(saved, 2)
    close(saved)
    let captured = try Data(contentsOf: URL(fileURLWithPath: path))
    captured.withUnsafeBytes { buffer in
        if let base = buffer.baseAddress { _ = write(2, base, buffer.count) }
    }
    if let failure { throw failure }
    return String(decoding: captured, as: UTF8.self)
}

@Suite("Nothing reaches stderr")
struct StandardErrorTests {
    /// How libxml2's default handlers format what they print ("parser error : ",
    /// "Schemas validity error : ", "XPath error : ", "I/O warning : ", "Entity: line 1: ").
    /// Swift Testing, which also writes issues of concurrently running tests to stderr, never
    /// puts a space before a colon, so these cannot be confused with its output.
    static let libxml2Signatures = [" error : ", " warning : ", "Entity: line "]

    @Test("every kind of failure is captured into diagnostics and nothing is printed")
    func nothingPrinted() throws {
        // A marker unique to this run, which libxml2 would quote if it printed these errors.
        let marker = "zq\(UUID().uuidString.prefix(8))"
        let probe = "docket-stderr-probe-\(marker)\n"
        var collected: [XMLDiagnostic] = []
        let printed = try capturingStandardError {
            // Control: the redirection really captures what is written to stderr.
            _ = probe.withCString { write(2, $0, strlen($0)) }
            for hostile in HostileCase.all {
                let bytes = try Fixtures.bytes(
                    "hostile/\(hostile.file)",
                    substituting: ["PORT": "9", "SECRET_URL": try Fixtures.secretURL()])
                do { _ = try XMLDocument(parsing: bytes) } catch let error as XMLError {
                    collected += error.diagnostics
                }
            }
            let schema = try XMLSchema(contentsOfFile: try Fixtures.path("schema/metadata.xsd"))
            for file in try SchemaValidationTests.instanceFiles() {
                do {
                    let document = try XMLDocument(contentsOfFile: try Fixtures.path("schema/\(file)"))
                    collected += schema.problems(in: document)
                } catch let error as XMLError {
                    collected += error.diagnostics
                }
            }
            for file in ["outside", "absolute"] {
                do {
                    _ = try XMLSchema(contentsOfFile: try Fixtures.path("schema-imports/\(file)/main.xsd"))
                } catch let error as XMLError {
                    collected += error.diagnostics
                }
            }
            do { _ = try XMLDocument(parsing: "<\(marker)><a></b></\(marker)>") } catch let error as XMLError {
                collected += error.diagnostics
            }
            let document = try XMLDocument(parsing: "<r xmlns='not-absolute-\(marker)'/>")
            collected += document.warnings
            for expression in ["//\(marker)[", "//\(marker):r", "\(marker)()"] {
                do { _ = try document.nodes(expression) } catch let error as XMLError {
                    collected += error.diagnostics
                }
            }
        }
        #expect(printed.contains(probe), "the stderr capture did not work")
        let rest = printed.replacingOccurrences(of: probe, with: "")
        #expect(!rest.contains(marker), "libxml2 wrote to stderr:\n\(rest)")
        for signature in Self.libxml2Signatures {
            #expect(!rest.contains(signature), "libxml2 wrote to stderr:\n\(rest)")
        }
        // The messages went somewhere: into diagnostics, including those quoting the marker.
        #expect(collected.count >= 40)
        #expect(collected.filter { $0.message.contains(marker) }.count >= 2, "\(collected)")
    }
}
