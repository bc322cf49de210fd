import Foundation
import Testing
import Workflow

/// `docket.import`: a submission brought in from outside Docket, already in some state.
@Suite struct ImportReplayTests {
    let engine = WorkflowEngine(definition: Support.bestValue)

    func importRecord(sequence: Int = 3, from: String = "drafting", to: String, pack: [PackDocument] = Support.pack)
        -> EventRecord
    {
        EventRecord(
            sequence: sequence, event: WorkflowEngine.importEvent, fromState: from, toState: to, actor: "ada",
            onBehalfOf: nil, role: .admin, time: Support.start, comment: "Imported from legacy.csv", fields: [:],
            documents: pack)
    }

    @Test func anImportPutsTheSubmissionInItsStateAndAttestsThePack() throws {
        let status = try engine.replay([importRecord(to: "dispatched")])
        #expect(status.state == "dispatched")
        #expect(status.signedPack == Support.pack)
        // From there the workflow carries on as usual.
        let request = FireRequest(
            event: "record-response", actor: Support.officer, fields: ["received-on": "2016-10-05"],
            time: Support.start + 60, pack: Support.pack + [Support.response])
        guard case .success(let next) = engine.fire(request, after: [importRecord(to: "dispatched")]) else {
            Issue.record("record-response after an import was refused")
            return
        }
        #expect(next.toState == "response-received")
    }

    @Test func anImportIsOnlyEverTheFirstTransitionIntoAKnownState() {
        var walk = Walk()
        walk.fire("submit-for-sign-off", as: Support.officer)
        let late = importRecord(sequence: 5, from: "awaiting-sign-off", to: "dispatched")
        #expect(throws: Rejection.self) { try engine.replay(walk.history + [late]) }
        #expect(throws: Rejection.self) { try engine.replay([importRecord(to: "no-such-state")]) }
        #expect(throws: Rejection.self) { try engine.replay([importRecord(from: "signed-off", to: "dispatched")]) }
    }

    @Test func nobodyCanFireAnImportThroughTheWorkflow() {
        let request = FireRequest(event: WorkflowEngine.importEvent, actor: Support.admin, time: Support.start)
        guard case .failure(.unknownEvent) = engine.fire(request, after: []) else {
            Issue.record("the import event was accepted as a workflow event")
            return
        }
    }

    @Test func workflowsCannotDefineDocketsOwnEvents() {
        let text = LoaderTests.scxml(
            """
              <state id="a">
                <transition event="docket.import" target="b" docket:roles="officer"/>
              </state>
              <final id="b"/>
            """)
        #expect(Support.problems(text).contains { $0.line == 5 && $0.reason.contains("reserved") })
    }
}
