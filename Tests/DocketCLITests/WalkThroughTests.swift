import Foundation
import Testing

/// The whole default workflow walked from the command line, with each kind of refusal shown
/// to a user with the wrong role, state, pack or fields — as the README's walk-through does.
@Suite final class WalkThroughTests {
    let directory: URL
    var archive: String { directory.appendingPathComponent("archive").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-walk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in [
            "submission.txt": "The Council's third six-month submission",
            "cover.txt": "Cover letter from the Mayor",
            "response.txt": "The Commissioners' response",
            "annex.txt": "A late annex",
        ] {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    deinit {
        CommandRunner.removeTree(directory)
    }

    /// Runs `docket` on the test's archive.
    @discardableResult
    func docket(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws
        -> CommandRunner.Outcome
    {
        try CommandRunner.docket(arguments + ["--archive", archive], in: directory)
    }

    /// Runs `docket` and expects success.
    @discardableResult
    func ok(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let outcome = try CommandRunner.docket(arguments + ["--archive", archive], in: directory)
        #expect(outcome.status == 0, "\(arguments): \(outcome.standardError)", sourceLocation: sourceLocation)
        return outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `docket` and expects a refusal (status 1) whose message contains `phrase`.
    func refused(_ phrase: String, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws {
        let outcome = try CommandRunner.docket(arguments + ["--archive", archive], in: directory)
        #expect(outcome.status == 1, "\(arguments) should be refused", sourceLocation: sourceLocation)
        #expect(
            outcome.standardError.contains(phrase), "expected …\(phrase)… in \(outcome.standardError)",
            sourceLocation: sourceLocation)
    }

    @Test func theModelCaseFromTheCommandLine() throws {
        try ok("init")
        try ok("user", "add", "olivia", "--role", "officer", "--name", "Olivia Officer")
        try ok("user", "add", "mayor", "--role", "mayor", "--name", "John Biggs")
        try ok("user", "add", "clive", "--role", "clerk")
        try ok("user", "add", "ada", "--role", "admin")
        try ok(
            "series", "add", "BVP", "--title", "Best Value Plan updates", "--cadence", "P6M", "--first-due",
            "2015-09-30", "--workflow", "best-value-submission", "--as", "olivia")
        for date in ["2016-10-19", "2016-11-16"] {
            try ok("meeting", "new", "--board", "Best Value Programme Board", "--date", date, "--as", "clive")
        }
        let reference = try ok(
            "submission", "new", "--workflow", "best-value-submission", "--title", "Third six-month update",
            "--series", "BVP", "--as", "olivia")
        #expect(reference.hasPrefix("BVP-"))

        try refused(
            "needs: a submission document", "submission", "fire", reference, "submit-for-sign-off", "--as", "olivia")
        let submission = try ok(
            "document", "add", reference, "submission.txt", "--kind", "submission", "--title", "Submission",
            "--annex", "A", "--to", "Secretary of State (DCLG)", "--as", "olivia")
        #expect(submission.count == 64)
        try ok(
            "document", "add", reference, "cover.txt", "--kind", "cover-letter", "--title", "Cover letter",
            "--from", "John Biggs (Mayor)", "--date", "2016-09-20", "--as", "olivia")
        try refused(
            "may be fired only by officer", "submission", "fire", reference, "submit-for-sign-off", "--as", "mayor")
        #expect(try ok("submission", "fire", reference, "submit-for-sign-off", "--as", "olivia") == "awaiting-sign-off")
        try refused(
            "cannot be fired in state 'awaiting-sign-off'", "submission", "fire", reference, "dispatch", "--as",
            "olivia")
        try refused("needs: a comment", "submission", "fire", reference, "return-for-redraft", "--as", "mayor")
        #expect(try ok("submission", "fire", reference, "sign-off", "--as", "mayor") == "signed-off")
        try ok(
            "document", "add", reference, "annex.txt", "--kind", "annex", "--title", "Late", "--annex", "C", "--as",
            "olivia")
        try refused(
            "pack changed since sign-off: added annex", "submission", "fire", reference, "dispatch",
            "--field", "dispatched-on=2016-09-20", "--as", "olivia")
        try ok("submission", "fire", reference, "reopen", "--comment", "Annex C added", "--as", "olivia")
        try ok("submission", "fire", reference, "submit-for-sign-off", "--as", "olivia")
        try ok("submission", "fire", reference, "sign-off", "--as", "mayor")
        try refused(
            "field dispatched-on '20/09/2016' must be a calendar date", "submission", "fire", reference, "dispatch",
            "--field", "dispatched-on=20/09/2016", "--as", "olivia")
        try refused(
            "field dispatched-on '2099-01-01' is after today", "submission", "fire", reference, "dispatch",
            "--field", "dispatched-on=2099-01-01", "--as", "olivia")
        // The text a person reads names the state and the events by their labels, and the ids to type.
        let signedOff = try ok("submission", "show", reference, "--as", "olivia")
        #expect(signedOff.contains("State:     Signed off by the Mayor (signed-off)"), "\(signedOff)")
        #expect(signedOff.contains("You may:   dispatch  (Record the dispatch)"), "\(signedOff)")
        #expect(signedOff.contains("Sign off the pack: Awaiting the Mayor’s sign-off → Signed off by the Mayor"))
        #expect(
            try ok("submission", "fire", reference, "dispatch", "--field", "dispatched-on=2016-09-20", "--as", "olivia")
                == "dispatched")
        try ok(
            "document", "add", reference, "response.txt", "--kind", "response", "--title", "Commissioners' response",
            "--from", "(Commissioners)", "--as", "olivia")
        try ok(
            "submission", "fire", reference, "record-response", "--field", "received-on=2016-10-05", "--as", "olivia")
        try refused(
            "only by officer or clerk", "submission", "fire", reference, "schedule-for-board", "--field", "meeting=m1",
            "--as", "ada")
        try refused(
            "no meeting 'm1'", "submission", "fire", reference, "schedule-for-board", "--field", "meeting=m1", "--as",
            "clive")
        try ok(
            "submission", "fire", reference, "schedule-for-board", "--field", "meeting=BVPB-2016-10-19", "--as", "clive"
        )
        try ok("submission", "fire", reference, "defer", "--comment", "Next meeting", "--as", "clive")
        try ok(
            "submission", "fire", reference, "schedule-for-board", "--field", "meeting=BVPB-2016-11-16", "--as",
            "olivia")
        #expect(
            try ok("submission", "fire", reference, "record-outcome", "--field", "outcome=Noted", "--as", "clive")
                == "considered")
        try refused("allowed now: nothing", "submission", "fire", reference, "defer", "--comment", "x", "--as", "clive")

        let show = try ok("submission", "show", reference, "--json")
        let json = try JSONSerialization.jsonObject(with: Data(show.utf8)) as? [String: Any]
        #expect(json?["state"] as? String == "considered")
        #expect((json?["documents"] as? [Any])?.count == 4)
        #expect((json?["events"] as? [Any])?.count == 15)  // 4 documents, 11 transitions
        let considered = try ok("submission", "list", "--state", "considered")
        #expect(considered.contains(reference))
        #expect(considered.contains("Considered by the Board"), "the list shows the state's label: \(considered)")
        #expect(try ok("verify").contains("no problems"))

        // The archived document comes back byte for byte, and is never overwritten.
        let copy = directory.appendingPathComponent("copy.txt").path
        try ok("document", "get", reference, submission, "-o", copy)
        #expect(FileManager.default.contents(atPath: copy) == Data("The Council's third six-month submission".utf8))
        #expect(try docket("document", "get", reference, submission, "-o", copy).status != 0)
    }

    @Test func workflowCommands() throws {
        try ok("init")
        let list = try ok("workflow", "list")
        #expect(list.contains("best-value-submission"))
        let show = try ok("workflow", "show", "best-value-submission")
        #expect(show.contains("awaiting-sign-off"))
        #expect(show.contains("Awaiting the Mayor’s sign-off"))
        #expect(show.contains("Submit for the Mayor’s sign-off"))
        #expect(show.contains("5 working days"))
        #expect(show.contains("documents: submission, cover-letter"))
        let graph = try ok("workflow", "graph", "best-value-submission")
        #expect(graph.hasPrefix("digraph \"best-value-submission\""))
        #expect(graph.contains("\"signed-off\" -> \"dispatched\""))
        let check = try ok(
            "workflow", "check", CommandRunner.repositoryRoot.path + "/workflows/best-value-submission.scxml")
        #expect(check.contains(": ok"))

        let broken = directory.appendingPathComponent("broken.scxml")
        try """
        <?xml version="1.0"?>
        <scxml xmlns="http://www.w3.org/2005/07/scxml" xmlns:docket="urn:docket:workflow:1" version="1.0"
               name="broken" initial="a">
          <state id="a"><transition event="go" target="nowhere" docket:roles="officer"/></state>
          <final id="b"/>
        </scxml>
        """.write(to: broken, atomically: true, encoding: .utf8)
        let outcome = try docket("workflow", "check", broken.path)
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.contains("broken.scxml:4: transition 'go' targets unknown state 'nowhere'"))
        #expect(try docket("workflow", "show", "no-such-flow").standardError.contains("no workflow no-such-flow"))
    }

    @Test func commandsOnAMissingArchiveSayWhatToDo() throws {
        let outcome = try docket("submission", "list")
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("not a Docket archive"))
        #expect(outcome.standardError.contains("docket init"))
        try ok("init")
        #expect(try docket("init").standardError.contains("already holds a Docket archive"))
        #expect(try docket("user", "delegate", "a", "b", "--role", "mayor", "--until", "soon").status == 2)
    }
}
