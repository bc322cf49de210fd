import Foundation
import TestSupport
import Testing
import XML

/// What a validator concluded about one file.
enum Verdict: String, Sendable {
    case valid, invalid, malformed
}

/// One located problem: the line it points at and libxml2's message.
struct LocatedProblem: Hashable, Comparable, CustomStringConvertible {
    var line: Int
    var message: String

    static func < (left: LocatedProblem, right: LocatedProblem) -> Bool {
        (left.line, left.message) < (right.line, right.message)
    }

    var description: String { "\(line): \(message)" }
}

/// Runs `xmllint --noout --schema` as the reference implementation Docket must agree with.
enum Xmllint {
    static let path = "/usr/bin/xmllint"

    /// Fails the current test with installation advice when xmllint is missing: the comparison
    /// is the point of the test, so skipping it silently would hide a gap.
    static func require() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "xmllint not found at \(path): install libxml2-utils (apt-get install libxml2-utils)")
    }

    /// xmllint's verdict and problems for `file` (a name inside `directory`) against `schema`.
    static func check(_ file: String, schema: String, in directory: URL) throws -> (Verdict, [LocatedProblem]) {
        let output = try runProcess(path, ["--noout", "--schema", schema, file], in: directory)
        let verdict: Verdict
        switch output.status {
        case 0: verdict = .valid
        case 3: verdict = .invalid
        case 1: verdict = .malformed
        default:
            throw FixtureError(description: "xmllint exited \(output.status) on \(file):\n\(output.standardError)")
        }
        return (verdict, problems(in: output.standardError, file: file))
    }

    /// The problems in xmllint's stderr, from lines of the forms
    /// `FILE:LINE: element X: Schemas validity error : MESSAGE` and
    /// `FILE:LINE: parser error : MESSAGE`. The source excerpt and caret lines that follow a
    /// parser error do not start with `FILE:LINE:` and are skipped.
    static func problems(in standardError: String, file: String) -> [LocatedProblem] {
        var result: [LocatedProblem] = []
        for line in standardError.split(separator: "\n", omittingEmptySubsequences: true) {
            guard line.hasPrefix(file + ":") else { continue }
            let rest = line.dropFirst(file.count + 1)
            guard let colon = rest.firstIndex(of: ":"), let number = Int(rest[..<colon]) else { continue }
            let kinds = [" Schemas validity error : ", "parser error : "]
            guard let separator = kinds.lazy.compactMap({ rest.range(of: $0) }).first else { continue }
            result.append(LocatedProblem(line: number, message: String(rest[separator.upperBound...])))
        }
        return result
    }
}

@Suite("XML Schema validation")
struct SchemaValidationTests {
    /// Docket's verdict and problems for a file, the way `docket xml validate` computes them.
    private func docketCheck(_ path: String, schema: XMLSchema) -> (Verdict, [XMLDiagnostic]) {
        do {
            let document = try XMLDocument(contentsOfFile: path)
            let problems = schema.problems(in: document)
            return (problems.isEmpty ? .valid : .invalid, problems)
        } catch let error as XMLError {
            guard case .notWellFormed(let diagnostics) = error else {
                return (.malformed, [XMLDiagnostic(severity: .fatal, line: 0, column: 0, message: "\(error)")])
            }
            return (.malformed, diagnostics)
        } catch {
            return (.malformed, [XMLDiagnostic(severity: .fatal, line: 0, column: 0, message: "\(error)")])
        }
    }

    /// The instance files committed next to the schema.
    static func instanceFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("schema"))
            .filter { $0.hasSuffix(".xml") }.sorted()
    }

    @Test("Docket and xmllint agree on every instance: verdict, lines and messages")
    func agreesWithXmllint() throws {
        try Xmllint.require()
        let directory = URL(fileURLWithPath: try Fixtures.path("schema"))
        let schema = try XMLSchema(contentsOfFile: try Fixtures.path("schema/metadata.xsd"))
        let files = try Self.instanceFiles()
        var verdicts: Set<Verdict> = []
        for file in files {
            let (expectedVerdict, expectedProblems) = try Xmllint.check(file, schema: "metadata.xsd", in: directory)
            let path = directory.appendingPathComponent(file).path
            let (verdict, diagnostics) = docketCheck(path, schema: schema)
            verdicts.insert(verdict)
            #expect(verdict == expectedVerdict, "\(file): Docket says \(verdict), xmllint says \(expectedVerdict)")
            let problems = diagnostics.map { LocatedProblem(line: $0.line, message: $0.message) }
            #expect(
                problems.sorted() == expectedProblems.sorted(),
                "\(file): Docket \(problems.map(\.description)) vs xmllint \(expectedProblems.map(\.description))")
            #expect(problems.map(\.line).sorted() == expectedProblems.map(\.line).sorted(), "\(file): lines differ")
            #expect(diagnostics.allSatisfy { $0.source == path }, "\(file): diagnostics name another source")
            #expect(verdict == .valid || !diagnostics.isEmpty, "\(file): refused without a reason")
        }
        // The corpus must exercise every verdict, or the comparison proves less than it claims.
        #expect(verdicts == [.valid, .invalid, .malformed], "fixtures cover only \(verdicts)")
        #expect(files.count >= 8)
    }

    @Test("the xmllint stderr parser reads both line forms and skips excerpt lines")
    func xmllintOutputParser() {
        let sample = """
            a.xml:4: element title: Schemas validity error : Element 'title': [facet 'minLength'] too short.
            a.xml:7: parser error : Opening and ending tag mismatch: a line 2 and b
              <a></b>
                     ^
            other.xml:9: parser error : not this file
            a.xml fails to validate
            """
        #expect(
            Xmllint.problems(in: sample, file: "a.xml") == [
                LocatedProblem(line: 4, message: "Element 'title': [facet 'minLength'] too short."),
                LocatedProblem(line: 7, message: "Opening and ending tag mismatch: a line 2 and b"),
            ])
    }

    @Test("three problems in three elements give three diagnostics, each with its line and column")
    func threeSeparateProblems() throws {
        let schema = try XMLSchema(contentsOfFile: try Fixtures.path("schema/metadata.xsd"))
        let path = try Fixtures.path("schema/invalid-three-problems.xml")
        let document = try XMLDocument(contentsOfFile: path)
        let problems = schema.problems(in: document)
        #expect(problems.map(\.line) == [4, 6, 7])
        // Each element starts at column 3, after two spaces of indentation.
        #expect(problems.map(\.column) == [3, 3, 3])
        #expect(problems.count == 3)
        if problems.count == 3 {
            #expect(problems[0].message.contains("reference") && problems[0].message.contains("bvp-16-3"))
            #expect(problems[1].message.contains("author") && problems[1].message.contains("clerk"))
            #expect(problems[2].message.contains("dated") && problems[2].message.contains("2016-02-30"))
        }
        #expect(problems.allSatisfy { $0.severity == .error && $0.source == path })
        #expect(problems.first?.description.hasPrefix("\(path):4:3: ") == true)

        let error = #expect(throws: XMLError.self) { try schema.validate(document) }
        guard case .schemaInvalid(let thrown) = error else {
            Issue.record("expected .schemaInvalid, got \(String(describing: error))")
            return
        }
        #expect(thrown == problems)
    }

    @Test("problems on one element's attributes are each reported")
    func severalProblemsOnOneElement() throws {
        let schema = try XMLSchema(contentsOfFile: try Fixtures.path("schema/metadata.xsd"))
        let document = try XMLDocument(contentsOfFile: try Fixtures.path("schema/invalid-root-attributes.xml"))
        let problems = schema.problems(in: document)
        #expect(problems.count == 3)
        #expect(problems.allSatisfy { $0.line == 4 && $0.column > 0 })
        for word in ["memo", "fixed value", "sha256"] {
            #expect(problems.contains { $0.message.contains(word) }, "no problem mentions \(word)")
        }
    }

    @Test(
        "valid documents validate, with or without a namespace prefix",
        arguments: [
            "valid-submission.xml", "valid-response.xml",
        ])
    func validDocuments(_ file: String) throws {
        let schema = try XMLSchema(contentsOfFile: try Fixtures.path("schema/metadata.xsd"))
        let document = try XMLDocument(contentsOfFile: try Fixtures.path("schema/\(file)"))
        #expect(schema.problems(in: document).isEmpty)
        try schema.validate(document)
    }

    @Test("a built document validates like a parsed one")
    func builtDocumentValidates() throws {
        let schema = try XMLSchema(contentsOfFile: try Fixtures.path("schema/metadata.xsd"))
        let metadata = XMLNamespace(prefix: "m", uri: "urn:docket:test:metadata:1")
        func document(dated: String) -> XMLElement {
            XMLElement(
                "document", namespace: metadata,
                attributes: [
                    XMLAttribute("kind", value: "cover-letter"),
                    XMLAttribute("sha256", value: String(repeating: "ab", count: 32)),
                ],
                elements: [
                    XMLElement("reference", namespace: metadata, text: "BVP-2016-03"),
                    XMLElement("title", namespace: metadata, text: "Cover letter — “six-monthly” & final"),
                    XMLElement(
                        "author", namespace: metadata, attributes: [XMLAttribute("role", value: "mayor")],
                        text: "The Mayor"),
                    XMLElement("dated", namespace: metadata, text: dated),
                ])
        }
        #expect(schema.problems(in: try XMLDocument(root: document(dated: "2016-09-20"))).isEmpty)
        let problems = schema.problems(in: try XMLDocument(root: document(dated: "20th September 2016")))
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("xs:date") == true)
    }

    @Test("a document's xsi:schemaLocation is ignored: no network, the given schema decides")
    func schemaLocationHintIgnored() throws {
        let listener = try LoopbackListener()
        let schema = try XMLSchema(contentsOfFile: try Fixtures.path("schema/metadata.xsd"))
        let text = """
            <m:document xmlns:m="urn:docket:test:metadata:1"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                xsi:schemaLocation="urn:docket:test:metadata:1 http://127.0.0.1:\(listener.port)/metadata.xsd"
                kind="annex" sha256="\(String(repeating: "0", count: 64))">
              <m:reference>BVP-2016-03</m:reference>
              <m:title>Annex</m:title>
              <m:author role="officer">Officer</m:author>
              <m:dated>2016-09-20</m:dated>
            </m:document>
            """
        #expect(schema.problems(in: try XMLDocument(parsing: text)).isEmpty)
        #expect(listener.acceptPendingConnections() == 0)
    }
}

@Suite("Loading schemas")
struct SchemaLoadingTests {
    /// The error thrown when loading the schema at `path`, which must be `.schemaUnusable`.
    private func unusable(_ path: String) -> (path: String, diagnostics: [XMLDiagnostic])? {
        let error = #expect(throws: XMLError.self, "\(path) must be refused") {
            _ = try XMLSchema(contentsOfFile: path)
        }
        guard case .schemaUnusable(let reported, let diagnostics) = error else {
            Issue.record("expected .schemaUnusable for \(path), got \(String(describing: error))")
            return nil
        }
        return (reported, diagnostics)
    }

    @Test("a schema importing a sibling file in its own directory loads and validates")
    func siblingImportLoads() throws {
        let schema = try XMLSchema(contentsOfFile: try Fixtures.path("schema-imports/sibling/main.xsd"))
        let good = try XMLDocument(contentsOfFile: try Fixtures.path("schema-imports/sibling/instance.xml"))
        #expect(schema.problems(in: good).isEmpty)
        // The imported type is really in force, not skipped.
        let bad = try XMLDocument(parsing: #"<submission xmlns="urn:docket:test:main:1" reference="bvp"/>"#)
        let problems = schema.problems(in: bad)
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("pattern") == true)
    }

    @Test("an xs:import that climbs out of the schema's directory is refused")
    func importOutsideDirectoryRefused() throws {
        // ../shared/common.xsd exists and is a fine schema: only its location is wrong.
        #expect(FileManager.default.fileExists(atPath: try Fixtures.path("schema-imports/shared/common.xsd")))
        let path = try Fixtures.path("schema-imports/outside/main.xsd")
        guard let (reported, diagnostics) = unusable(path) else { return }
        #expect(reported == path)
        #expect(diagnostics.contains { $0.message.contains("refused to load external resource") })
        #expect(diagnostics.contains { $0.message.contains("shared/common.xsd") })
    }

    @Test("an xs:import of an absolute file:// URL is refused and discloses nothing")
    func importAbsoluteFileRefused() throws {
        let path = try Fixtures.path("schema-imports/absolute/main.xsd")
        guard let (_, diagnostics) = unusable(path) else { return }
        #expect(diagnostics.contains { $0.message.contains("refused to load external resource 'file:///etc/passwd'") })
        let text = diagnostics.map(\.description).joined(separator: "\n")
        for secret in forbiddenDisclosures {
            #expect(!text.contains(secret), "disclosed '\(secret)': \(text)")
        }
    }

    @Test("an xs:import over http:// is refused without connecting")
    func importOverNetworkRefused() throws {
        let listener = try LoopbackListener()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(
            Fixtures.bytes("schema-imports/network/main.xsd", substituting: ["PORT": String(listener.port)]),
            to: "main.xsd")
        guard let (_, diagnostics) = unusable(path) else { return }
        #expect(diagnostics.contains { $0.message.contains("http://127.0.0.1:\(listener.port)/common.xsd") })
        #expect(listener.acceptPendingConnections() == 0, "loading the schema opened a network connection")
    }

    @Test("a symbolic link in the schema's directory cannot smuggle in a file from outside it")
    func symbolicLinkEscapeRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Fixtures.bytes("schema-imports/sibling/main.xsd"), to: "main.xsd")
        try FileManager.default.createSymbolicLink(
            atPath: directory.url.appendingPathComponent("common.xsd").path,
            withDestinationPath: try Fixtures.path("schema-imports/shared/common.xsd"))
        guard let (_, diagnostics) = unusable(path) else { return }
        #expect(diagnostics.contains { $0.message.contains("refused to load external resource") })

        // Control: the same schema with a real copy of the file next to it loads.
        try FileManager.default.removeItem(atPath: directory.url.appendingPathComponent("common.xsd").path)
        try directory.write(Fixtures.bytes("schema-imports/shared/common.xsd"), to: "common.xsd")
        _ = try XMLSchema(contentsOfFile: path)
    }

    @Test("a missing schema file and a file that is not a schema are unusable, with a reason")
    func missingOrNotASchema() throws {
        if let (_, diagnostics) = unusable("/nonexistent/docket/metadata.xsd") {
            #expect(diagnostics.first?.message.contains("cannot open schema") == true)
        }
        if let (_, diagnostics) = unusable(try Fixtures.path("schema/valid-submission.xml")) {
            #expect(!diagnostics.isEmpty)
        }
    }
}

/// A reused validator gives each document exactly the diagnostics a fresh one would.
@Suite struct ReusedValidatorTests {
    @Test func aReusedValidatorMatchesFreshValidation() throws {
        let schema = try XMLSchema(contentsOfFile: try Fixtures.path("schema/metadata.xsd"))
        let validator = try #require(schema.makeValidator())
        let names = [
            "valid-submission.xml", "invalid-three-problems.xml", "valid-response.xml", "invalid-missing-title.xml",
            "valid-submission.xml",
        ]
        for name in names {
            let document = try XMLDocument(contentsOfFile: try Fixtures.path("schema/\(name)"))
            #expect(validator.problems(in: document) == schema.problems(in: document), "\(name)")
        }
        let invalid = try XMLDocument(contentsOfFile: try Fixtures.path("schema/invalid-three-problems.xml"))
        #expect(validator.problems(in: invalid).count == 3)
    }
}
