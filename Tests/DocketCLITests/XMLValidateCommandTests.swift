import Foundation
import Testing

/// `docket xml validate`, `--version` and `--help`, run as a real process.
@Suite final class XMLValidateCommandTests {
    /// A scratch directory with a small schema and instance files.
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("docket-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try write(
            "letter.xsd",
            """
            <?xml version="1.0"?>
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test:letter"
                       xmlns="urn:test:letter" elementFormDefault="qualified">
              <xs:element name="letter">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="title" type="xs:string"/>
                    <xs:element name="sent" type="xs:date"/>
                  </xs:sequence>
                  <xs:attribute name="id" type="xs:ID" use="required"/>
                </xs:complexType>
              </xs:element>
            </xs:schema>
            """)
        try write(
            "good.xml",
            """
            <?xml version="1.0"?>
            <letter xmlns="urn:test:letter" id="l1">
              <title>Third six-month progress update</title>
              <sent>2016-09-20</sent>
            </letter>
            """)
        try write(
            "bad.xml",
            """
            <?xml version="1.0"?>
            <letter xmlns="urn:test:letter">
              <title>Update</title>
              <sent>20th September</sent>
            </letter>
            """)
        try write(
            "entity.xml",
            """
            <?xml version="1.0"?>
            <!DOCTYPE letter [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <letter xmlns="urn:test:letter" id="l2"><title>&secret;</title><sent>2016-09-20</sent></letter>
            """)
    }

    deinit {
        CommandRunner.removeTree(directory)
    }

    private func write(_ name: String, _ text: String) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    @Test func validFileIsReportedValidWithStatusZero() throws {
        let outcome = try CommandRunner.docket(
            ["xml", "validate", "--schema", "letter.xsd", "good.xml"], in: directory)
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == "good.xml: valid\n")
    }

    @Test func invalidFileListsEachProblemWithLineAndColumn() throws {
        let outcome = try CommandRunner.docket(
            ["xml", "validate", "--schema", "letter.xsd", "good.xml", "bad.xml"], in: directory)
        #expect(outcome.status == 1)
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "good.xml: valid")
        // The missing id is reported on the root element (line 2), the bad date on line 4.
        #expect(lines.contains { $0.hasPrefix("bad.xml:2:1: ") && $0.contains("'id'") })
        #expect(lines.contains { $0.hasPrefix("bad.xml:4:3: ") && $0.contains("xs:date") })
        #expect(lines.count == 3)
    }

    @Test func doctypeIsRefusedWithoutDisclosingTheFile() throws {
        let outcome = try CommandRunner.docket(
            ["xml", "validate", "--schema", "letter.xsd", "entity.xml"], in: directory)
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.contains("entity.xml:2:"))
        #expect(outcome.standardOutput.contains("DOCTYPE"))
        #expect(!outcome.standardOutput.contains("root:"))
        #expect(!outcome.standardError.contains("root:"))
    }

    @Test func missingSchemaIsAUsageError() throws {
        let outcome = try CommandRunner.docket(
            ["xml", "validate", "--schema", "absent.xsd", "good.xml"], in: directory)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("absent.xsd"))
        #expect(outcome.standardOutput.isEmpty)
    }

    @Test func missingArgumentsAreUsageErrors() throws {
        let noFiles = try CommandRunner.docket(["xml", "validate", "--schema", "letter.xsd"], in: directory)
        #expect(noFiles.status == 2)
        #expect(noFiles.standardError.contains("FILE"))
        let noSchema = try CommandRunner.docket(["xml", "validate", "good.xml"], in: directory)
        #expect(noSchema.status == 2)
        #expect(noSchema.standardError.contains("--schema"))
    }

    @Test func unreadableFileIsAProblemNotACrash() throws {
        let outcome = try CommandRunner.docket(
            ["xml", "validate", "--schema", "letter.xsd", "nowhere.xml"], in: directory)
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.hasPrefix("nowhere.xml: cannot read"))
    }

    @Test func oversizedFileIsRefusedBeforeParsing() throws {
        let outcome = try CommandRunner.docket(
            ["xml", "validate", "--schema", "letter.xsd", "--max-size", "64", "good.xml"], in: directory)
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.contains("over the 64-byte limit"))
    }

    @Test func versionNamesDocketAndLibxml2() throws {
        let outcome = try CommandRunner.docket(["--version"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.hasPrefix("docket "))
        #expect(outcome.standardOutput.contains("libxml2 2."))
    }

    @Test func helpListsTheCommands() throws {
        let outcome = try CommandRunner.docket(["--help"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("xml"))
        let validateHelp = try CommandRunner.docket(["xml", "validate", "--help"])
        #expect(validateHelp.status == 0)
        #expect(validateHelp.standardOutput.contains("--schema"))
        #expect(validateHelp.standardOutput.contains("Exit status"))
    }

    /// Every shipped workflow is valid W3C SCXML by the schema the default archive carries.
    @Test func shippedWorkflowsValidateAgainstTheArchivedSCXMLSchema() throws {
        let workflows = try FileManager.default.contentsOfDirectory(
            atPath: CommandRunner.repositoryRoot.appendingPathComponent("workflows").path
        ).filter { $0.hasSuffix(".scxml") }.sorted()
        #expect(!workflows.isEmpty)
        let outcome = try CommandRunner.docket(
            ["xml", "validate", "--schema", "archive/schema/scxml/scxml.xsd"] + workflows.map { "workflows/\($0)" })
        #expect(outcome.status == 0, "\(outcome.standardOutput)")
        #expect(outcome.standardOutput.split(separator: "\n").count == workflows.count)
    }
}
