import Testing
import Workflow

/// Each loading check reports `FILE:LINE: reason` for a broken definition.
@Suite struct LoaderTests {
    /// A small valid definition whose body the tests vary.
    static func scxml(initial: String? = "a", _ body: String, extra: String = "") -> String {
        let initialAttribute = initial.map { " initial=\"\($0)\"" } ?? ""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <scxml xmlns="http://www.w3.org/2005/07/scxml" xmlns:docket="urn:docket:workflow:1"
                   version="1.0" name="t"\(initialAttribute)\(extra)>
            \(body)
            </scxml>
            """
    }

    static let valid = """
          <state id="a">
            <transition event="go" target="b" docket:roles="officer"/>
          </state>
          <final id="b"/>
        """

    /// Asserts exactly one problem on `line` whose reason contains `phrase`.
    func expectProblem(_ text: String, line: Int, _ phrase: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let problems = Support.problems(text)
        #expect(
            problems.contains { $0.line == line && $0.reason.contains(phrase) },
            "expected line \(line): …\(phrase)…, got \(problems)", sourceLocation: sourceLocation)
        #expect(problems.allSatisfy { $0.file == "test.scxml" }, sourceLocation: sourceLocation)
    }

    @Test func aValidDefinitionLoads() {
        #expect(Support.problems(Self.scxml(Self.valid)).isEmpty)
    }

    @Test func schemaInvalidSCXMLIsReported() {
        // <transition> directly under <scxml> is not SCXML at all.
        let text = Self.scxml(Self.valid + "\n  <transition event=\"x\" target=\"a\"/>")
        #expect(Support.problems(text).contains { $0.line == 8 && $0.reason.contains("transition") })
    }

    @Test func elementsOutsideTheSubsetAreRefused() {
        let text = Self.scxml(
            """
              <state id="a">
                <onentry><log expr="'hi'"/></onentry>
                <transition event="go" target="b" docket:roles="officer"/>
              </state>
              <final id="b"/>
            """)
        expectProblem(text, line: 5, "<onentry> is outside Docket's SCXML subset")
        let parallel = Self.scxml(Self.valid + "\n  <parallel id=\"p\"/>")
        expectProblem(parallel, line: 8, "<parallel> is outside")
    }

    @Test func attributesOutsideTheSubsetAreRefused() {
        let text = Self.scxml(
            """
              <state id="a">
                <transition event="go" target="b" cond="true" docket:roles="officer" docket:colour="red"/>
              </state>
              <final id="b"/>
            """)
        expectProblem(text, line: 5, "attribute cond on <transition> is outside")
        expectProblem(text, line: 5, "unknown Docket attribute docket:colour")
    }

    @Test func unknownTargetIsReported() {
        let text = Self.scxml(
            """
              <state id="a">
                <transition event="go" target="nowhere" docket:roles="officer"/>
                <transition event="done" target="b" docket:roles="officer"/>
              </state>
              <final id="b"/>
            """)
        expectProblem(text, line: 5, "targets unknown state 'nowhere'")
    }

    @Test func duplicateStateIdIsReported() {
        let text = Self.scxml(Self.valid + "\n  <final id=\"b\"/>")
        expectProblem(text, line: 8, "duplicate state id 'b'")
    }

    @Test func missingInitialStateIsReported() {
        // libxml2 numbers an element by the line its start tag ends on.
        expectProblem(Self.scxml(initial: nil, Self.valid), line: 3, "missing initial state")
        expectProblem(Self.scxml(initial: "zzz", Self.valid), line: 3, "initial state 'zzz' is not defined")
    }

    @Test func unreachableStateIsReported() {
        let text = Self.scxml(
            Self.valid + """

                  <state id="island">
                    <transition event="leave" target="b" docket:roles="officer"/>
                  </state>
                """)
        expectProblem(text, line: 8, "state 'island' is unreachable")
    }

    @Test func stateWithNoPathToAFinalStateIsReported() {
        let text = Self.scxml(
            """
              <state id="a">
                <transition event="go" target="b" docket:roles="officer"/>
                <transition event="loop" target="trap" docket:roles="officer"/>
              </state>
              <state id="trap">
                <transition event="spin" target="trap" docket:roles="officer"/>
              </state>
              <final id="b"/>
            """)
        expectProblem(text, line: 8, "state 'trap' has no path to a final state")
    }

    @Test func unknownRoleAndDocumentKindAreReported() {
        let text = Self.scxml(
            """
              <state id="a">
                <transition event="go" target="b" docket:roles="officer treasurer" docket:documents="memo"/>
              </state>
              <final id="b"/>
            """)
        expectProblem(text, line: 5, "unknown role 'treasurer'")
        expectProblem(text, line: 5, "unknown document kind 'memo'")
    }

    @Test func twoTransitionsOnOneEventFromOneStateAreReported() {
        let text = Self.scxml(
            """
              <state id="a">
                <transition event="go" target="b" docket:roles="officer"/>
                <transition event="go" target="a" docket:roles="mayor"/>
              </state>
              <final id="b"/>
            """)
        expectProblem(text, line: 6, "two transitions on event 'go'")
    }

    @Test func badRuleValuesAreReported() {
        let text = Self.scxml(
            """
              <state id="a" docket:deadline-working-days="soon">
                <transition event="go" target="b" docket:roles="officer" docket:fields="when:datetime"
                            docket:comment="maybe" docket:pack="seal"/>
              </state>
              <final id="b"/>
            """)
        expectProblem(text, line: 4, "deadline-working-days of 'a' must be a positive whole number")
        expectProblem(text, line: 6, "field 'when:datetime' must be written name:type")
        expectProblem(text, line: 6, "docket:comment must be 'required' or 'optional'")
        expectProblem(text, line: 6, "docket:pack must be bind")
    }

    @Test func aStateSetsItsReminderLeadTimeOnlyBeforeADeadline() {
        let good = Self.scxml(
            """
              <state id="a" docket:deadline-working-days="10" docket:reminder-working-days="3">
                <transition event="go" target="b" docket:roles="officer"/>
              </state>
              <final id="b"/>
            """)
        #expect(Support.problems(good).isEmpty, "\(Support.problems(good))")
        let bad = Self.scxml(
            """
              <state id="a" docket:reminder-working-days="3">
                <transition event="go" target="b" docket:roles="officer"/>
              </state>
              <state id="b" docket:deadline-working-days="5" docket:reminder-working-days="-1">
                <transition event="go" target="c" docket:roles="officer"/>
              </state>
              <final id="c"/>
            """)
        expectProblem(bad, line: 4, "reminder-working-days of 'a' must be a whole number of days (0 or more) before")
        expectProblem(bad, line: 7, "reminder-working-days of 'b' must be")
    }

    @Test func hostileOrBrokenXMLIsReportedWithItsLine() {
        let doctype = """
            <?xml version="1.0"?>
            <!DOCTYPE scxml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <scxml xmlns="http://www.w3.org/2005/07/scxml" version="1.0">&x;</scxml>
            """
        expectProblem(doctype, line: 2, "DOCTYPE")
        expectProblem("<scxml", line: 1, "Start Tag")
    }

    @Test func theDigestIgnoresFormattingButNotMeaning() throws {
        let compact = Self.scxml(Self.valid)
        let spaced = compact.replacingOccurrences(of: "event=\"go\" target=\"b\"", with: "target='b'   event='go'")
        let retargeted = compact.replacingOccurrences(of: "docket:roles=\"officer\"", with: "docket:roles=\"mayor\"")
        let first = try Support.loader.load(Array(compact.utf8), source: "1")
        let second = try Support.loader.load(Array(spaced.utf8), source: "2")
        let third = try Support.loader.load(Array(retargeted.utf8), source: "3")
        #expect(first.digest == second.digest)
        #expect(first.digest != third.digest)
    }

    @Test func labelsAreReadAndAnUnlabelledIdIsMadeReadable() throws {
        let text = Self.scxml(
            initial: "awaiting-sign-off",
            """
              <state id="awaiting-sign-off" docket:label="Awaiting the Mayor’s
                     sign-off">
                <transition event="sign-off" target="signed-off" docket:roles="mayor"
                            docket:label="Sign off the pack"/>
                <transition event="return-for-redraft" target="signed-off" docket:roles="mayor"/>
              </state>
              <final id="signed-off"/>
            """)
        let definition = try Support.loader.load(Array(text.utf8), source: "labels.scxml")
        // A label wrapped over two lines in the file reads as one line.
        #expect(definition.stateLabel("awaiting-sign-off") == "Awaiting the Mayor’s sign-off")
        #expect(definition.eventLabel("sign-off", from: "awaiting-sign-off") == "Sign off the pack")
        // Definitions pinned before labels existed have none: the ids still read as words.
        #expect(definition.stateLabel("signed-off") == "Signed off")
        #expect(definition.eventLabel("return-for-redraft", from: "awaiting-sign-off") == "Return for redraft")
        // A state or event this definition does not know (recorded under an older one).
        #expect(definition.stateLabel("in-review") == "In review")
        #expect(definition.eventLabel(WorkflowEngine.importEvent, from: "awaiting-sign-off") == "Imported")
    }

    @Test func anEmptyLabelIsReported() {
        let text = Self.scxml(
            """
              <state id="a" docket:label="  ">
                <transition event="go" target="b" docket:roles="officer"/>
              </state>
              <final id="b"/>
            """)
        expectProblem(text, line: 4, "docket:label of state 'a' is empty")
    }
}
