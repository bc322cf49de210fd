import Testing
import Workflow

/// The shipped workflow is exactly the table in the issue.
@Suite struct DefaultWorkflowTests {
    struct Row: CustomStringConvertible {
        var from: String, event: String, to: String, roles: Set<Role>
        var documents: [DocumentKind] = []
        var fields: [FieldRequirement] = []
        var comment = false
        var pack: PackRule? = nil
        var description: String { "\(from) --\(event)--> \(to)" }
    }

    static let table: [Row] = [
        Row(
            from: "drafting", event: "submit-for-sign-off", to: "awaiting-sign-off", roles: [.officer],
            documents: [.submission, .coverLetter]),
        Row(from: "drafting", event: "withdraw", to: "withdrawn", roles: [.officer, .admin], comment: true),
        Row(from: "awaiting-sign-off", event: "sign-off", to: "signed-off", roles: [.mayor], pack: .bind),
        Row(from: "awaiting-sign-off", event: "return-for-redraft", to: "drafting", roles: [.mayor], comment: true),
        Row(
            from: "signed-off", event: "dispatch", to: "dispatched", roles: [.officer],
            fields: [.init(name: "dispatched-on", type: .pastDate)], pack: .unchangedSinceSignOff),
        Row(from: "signed-off", event: "reopen", to: "drafting", roles: [.officer], comment: true, pack: .release),
        Row(
            from: "dispatched", event: "record-response", to: "response-received", roles: [.officer],
            documents: [.response], fields: [.init(name: "received-on", type: .pastDate)]),
        Row(
            from: "response-received", event: "schedule-for-board", to: "scheduled-for-board",
            roles: [.officer, .clerk],
            fields: [.init(name: "meeting", type: .text)]),
        Row(from: "scheduled-for-board", event: "defer", to: "response-received", roles: [.clerk], comment: true),
        Row(
            from: "scheduled-for-board", event: "record-outcome", to: "considered", roles: [.clerk],
            fields: [.init(name: "outcome", type: .text)]),
    ]

    @Test func everyRowOfTheTableAndNothingElse() {
        let definition = Support.bestValue
        #expect(definition.name == "best-value-submission")
        #expect(definition.initialState == "drafting")
        let transitions = definition.states.flatMap(\.transitions)
        #expect(transitions.count == Self.table.count)
        for row in Self.table {
            let transition = definition.transition(from: row.from, on: row.event)
            #expect(transition?.target == row.to, "\(row)")
            #expect(transition?.roles == row.roles, "\(row)")
            #expect(transition?.requiredDocuments == row.documents, "\(row)")
            #expect(transition?.requiredFields == row.fields, "\(row)")
            #expect(transition?.commentRequired == row.comment, "\(row)")
            #expect(transition?.packRule == row.pack, "\(row)")
        }
    }

    @Test func finalStatesAndDeadlines() {
        let definition = Support.bestValue
        #expect(definition.states.filter(\.isFinal).map(\.id).sorted() == ["considered", "withdrawn"])
        #expect(definition.state("awaiting-sign-off")?.deadlineWorkingDays == 5)
        #expect(definition.state("dispatched")?.deadlineWorkingDays == 20)
        #expect(definition.states.filter { $0.deadlineWorkingDays != nil }.count == 2)
    }

    @Test func everyStateAndTransitionHasItsOwnLabel() {
        let definition = Support.bestValue
        #expect(definition.stateLabel("awaiting-sign-off") == "Awaiting the Mayor’s sign-off")
        #expect(definition.eventLabel("submit-for-sign-off", from: "drafting") == "Submit for the Mayor’s sign-off")
        #expect(
            definition.eventLabel("record-response", from: "dispatched") == "Record the Commissioners’ response")
        // Written in the file, not made from the id: no label is the id read as words.
        for state in definition.states {
            #expect(state.label != WorkflowDefinition.readable(state.id), "\(state.id)")
            for transition in state.transitions {
                #expect(transition.label != WorkflowDefinition.readable(transition.event), "\(transition.event)")
            }
        }
    }

    @Test func digestIsStableAndHex() throws {
        let digest = Support.bestValue.digest
        #expect(digest.count == 64)
        #expect(digest.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }
}
