import Foundation
import Testing
import Workflow

/// The engine as event sequences with expected outcomes.
@Suite struct EngineTests {
    @Test func theModelCaseWalksToConsidered() {
        var walk = Walk()
        #expect(walk.fire("submit-for-sign-off", as: Support.officer) == nil)
        #expect(walk.fire("sign-off", as: Support.mayor) == nil)
        #expect(walk.fire("dispatch", as: Support.officer, fields: ["dispatched-on": "2016-09-20"]) == nil)
        let withResponse = Support.pack + [Support.response]
        #expect(
            walk.fire("record-response", as: Support.officer, fields: ["received-on": "2016-10-05"], pack: withResponse)
                == nil)
        #expect(walk.fire("schedule-for-board", as: Support.clerk, fields: ["meeting": "BVPB-2016-10-19"]) == nil)
        #expect(walk.fire("record-outcome", as: Support.clerk, fields: ["outcome": "Noted"]) == nil)
        #expect(walk.state == "considered")
        #expect(walk.history.map(\.sequence) == [1, 2, 3, 4, 5, 6])
        #expect(walk.history[1].documents == Support.pack.sorted())  // sign-off binds the pack
        #expect(walk.history[2].documents == Support.pack.sorted())  // dispatch records what went
        #expect(walk.history[0].documents.isEmpty)
        #expect(walk.engine.allowedEvents(for: Support.clerk, in: try! walk.engine.replay(walk.history)).isEmpty)
    }

    @Test func withdrawByOfficerOrAdminNeedsAComment() {
        var walk = Walk()
        #expect(walk.fire("withdraw", as: Support.admin) == .unmetRequirements(event: "withdraw", [.comment]))
        #expect(
            walk.fire("withdraw", as: Support.admin, comment: "   ")
                == .unmetRequirements(event: "withdraw", [.comment]))
        #expect(walk.fire("withdraw", as: Support.admin, comment: "Superseded") == nil)
        #expect(walk.state == "withdrawn")
        var second = Walk()
        #expect(second.fire("withdraw", as: Support.officer, comment: "Duplicate") == nil)
        #expect(second.history[0].role == .officer)
        #expect(second.history[0].comment == "Duplicate")
    }

    @Test func returnForRedraftAndDeferGoBack() {
        var walk = Walk()
        walk.fire("submit-for-sign-off", as: Support.officer)
        #expect(
            walk.fire("return-for-redraft", as: Support.mayor)
                == .unmetRequirements(event: "return-for-redraft", [.comment]))
        #expect(walk.fire("return-for-redraft", as: Support.mayor, comment: "Tighten section 2") == nil)
        #expect(walk.state == "drafting")
        walk.fire("submit-for-sign-off", as: Support.officer)
        walk.fire("sign-off", as: Support.mayor)
        walk.fire("dispatch", as: Support.officer, fields: ["dispatched-on": "2016-09-20"])
        walk.fire(
            "record-response", as: Support.officer, fields: ["received-on": "2016-10-05"],
            pack: Support.pack + [Support.response])
        #expect(walk.fire("schedule-for-board", as: Support.officer, fields: ["meeting": "m1"]) == nil)
        #expect(walk.fire("defer", as: Support.clerk) == .unmetRequirements(event: "defer", [.comment]))
        #expect(walk.fire("defer", as: Support.clerk, comment: "Next meeting") == nil)
        #expect(walk.state == "response-received")
    }

    @Test func wrongStateListsWhatThisActorMayDoNow() {
        var walk = Walk()
        #expect(
            walk.fire("sign-off", as: Support.mayor)
                == .wrongState(event: "sign-off", state: "drafting", allowedNow: []))
        #expect(
            walk.fire("dispatch", as: Support.officer, fields: ["dispatched-on": "2016-09-20"])
                == .wrongState(event: "dispatch", state: "drafting", allowedNow: ["submit-for-sign-off", "withdraw"]))
        #expect(walk.fire("withdraw", as: Support.admin, comment: "x") == nil)
        // Nothing leaves a final state.
        #expect(
            walk.fire("submit-for-sign-off", as: Support.officer)
                == .wrongState(event: "submit-for-sign-off", state: "withdrawn", allowedNow: []))
    }

    @Test func unknownEventIsNamed() {
        var walk = Walk()
        #expect(
            walk.fire("approve", as: Support.officer)
                == .unknownEvent(event: "approve", allowedNow: ["submit-for-sign-off", "withdraw"]))
    }

    /// Every transition refuses every role outside its row, and admin can do only "withdraw".
    @Test(arguments: Role.allCases)
    func wrongRoleNamesTheRolesThatMay(role: Role) {
        let actor = Actor(user: "someone", roles: [role])
        for state in Support.bestValue.states {
            for transition in state.transitions where !transition.roles.contains(role) {
                var walk = Walk()
                walk.history = Self.history(reaching: state.id)
                let rejection = walk.fire(transition.event, as: actor, fields: [:], comment: "c")
                #expect(
                    rejection
                        == .wrongRole(
                            event: transition.event, allowedRoles: transition.roles.sorted(), actorRoles: [role]),
                    "\(role) firing \(transition.event)")
            }
        }
        if role == .admin {
            let events = Support.bestValue.states.flatMap(\.transitions).filter { $0.roles.contains(.admin) }.map(
                \.event)
            #expect(events == ["withdraw"])
        }
    }

    @Test func missingDocumentsAndFieldsAreAllListed() {
        var walk = Walk()
        #expect(
            walk.fire("submit-for-sign-off", as: Support.officer, pack: [])
                == .unmetRequirements(event: "submit-for-sign-off", [.document(.submission), .document(.coverLetter)]))
        #expect(
            walk.fire("submit-for-sign-off", as: Support.officer, pack: [Support.submission])
                == .unmetRequirements(event: "submit-for-sign-off", [.document(.coverLetter)]))
        walk.fire("submit-for-sign-off", as: Support.officer)
        walk.fire("sign-off", as: Support.mayor)
        #expect(
            walk.fire("dispatch", as: Support.officer)
                == .unmetRequirements(event: "dispatch", [.field(.init(name: "dispatched-on", type: .pastDate))]))
        #expect(
            walk.fire("dispatch", as: Support.officer, fields: ["dispatched-on": "2016-02-30"])
                == .unmetRequirements(
                    event: "dispatch",
                    [
                        .invalidField(
                            name: "dispatched-on", value: "2016-02-30",
                            reason: "must be a calendar date written YYYY-MM-DD")
                    ]))
        #expect(
            walk.fire(
                "dispatch", as: Support.officer, fields: ["dispatched-on": "2016-09-20", "dispatched-by": "post"])
                == .unmetRequirements(event: "dispatch", [.unexpectedField(name: "dispatched-by")]))
        walk.fire("dispatch", as: Support.officer, fields: ["dispatched-on": "2016-09-20"])
        #expect(
            walk.fire("record-response", as: Support.officer, fields: [:])
                == .unmetRequirements(
                    event: "record-response",
                    [.document(.response), .field(.init(name: "received-on", type: .pastDate))]))
        #expect(walk.state == "dispatched")
    }

    /// A walk as far as the dispatch, to try its date against the day it is recorded on.
    static func signedOff() -> Walk {
        var walk = Walk()
        walk.fire("submit-for-sign-off", as: Support.officer)
        walk.fire("sign-off", as: Support.mayor)
        return walk
    }

    @Test func aDispatchDatedInTheFutureIsRefusedNamingTheFieldAndTheDate() {
        let walk = Self.signedOff()
        let today = CalendarDate(iso: "2016-10-10")!
        func dispatch(on date: String) -> Result<EventRecord, Rejection> {
            walk.engine.fire(
                FireRequest(
                    event: "dispatch", actor: Support.officer, fields: ["dispatched-on": date], time: walk.clock,
                    pack: Support.pack, today: today),
                after: walk.history)
        }
        guard case .failure(let rejection) = dispatch(on: "2099-01-01") else {
            Issue.record("a dispatch dated 2099-01-01 was accepted")
            return
        }
        #expect(
            rejection
                == .unmetRequirements(
                    event: "dispatch",
                    [
                        .invalidField(
                            name: "dispatched-on", value: "2099-01-01",
                            reason: "is after today (2016-10-10): it must be the date it happened")
                    ]))
        #expect(rejection.description.contains("dispatched-on '2099-01-01'"))
        // Tomorrow is refused; today and earlier are what happened.
        #expect((try? dispatch(on: "2016-10-11").get()) == nil)
        #expect((try? dispatch(on: "2016-10-10").get())?.toState == "dispatched")
        #expect((try? dispatch(on: "2016-09-20").get())?.toState == "dispatched")
        // A past-date must still be a date.
        #expect((try? dispatch(on: "2016-02-30").get()) == nil)
    }

    @Test func withoutTheArchivesDateTodayIsTheUTCDateOfTheTime() {
        let walk = Self.signedOff()
        // 23:30 UTC on 20 September 2016 is already the 21st in London (BST, UTC+1).
        let lateEvening = Date(timeIntervalSince1970: 1_474_414_200)
        func dispatch(on date: String, today: CalendarDate?) -> EventRecord? {
            let request = FireRequest(
                event: "dispatch", actor: Support.officer, fields: ["dispatched-on": date], time: lateEvening,
                pack: Support.pack, today: today)
            return try? walk.engine.fire(request, after: walk.history).get()
        }
        #expect(dispatch(on: "2016-09-21", today: nil) == nil)
        #expect(dispatch(on: "2016-09-20", today: nil) != nil)
        // The archive passes the London date: there, the 21st has begun.
        #expect(dispatch(on: "2016-09-21", today: CalendarDate(iso: "2016-09-21")) != nil)
    }

    @Test func dispatchRefusesAPackChangedSinceSignOffNamingEachChange() {
        var walk = Walk()
        walk.fire("submit-for-sign-off", as: Support.officer)
        walk.fire("sign-off", as: Support.mayor)
        let annex = PackDocument(kind: .annex, name: "Annex 1", sha256: String(repeating: "d", count: 64))
        var editedLetter = Support.coverLetter
        editedLetter.sha256 = String(repeating: "e", count: 64)
        let changed = [Support.submission, editedLetter, annex]
        guard
            case .packChangedSinceSignOff(let change) = walk.fire(
                "dispatch", as: Support.officer, fields: ["dispatched-on": "2016-09-20"], pack: changed)
        else {
            Issue.record("expected a pack-changed rejection")
            return
        }
        #expect(change.added == [annex])
        #expect(change.removed.isEmpty)
        #expect(change.replaced.map(\.signed) == [Support.coverLetter])
        #expect(change.replaced.map(\.current) == [editedLetter])

        guard
            case .packChangedSinceSignOff(let removal) = walk.fire(
                "dispatch", as: Support.officer, fields: ["dispatched-on": "2016-09-20"], pack: [Support.submission])
        else {
            Issue.record("expected a pack-changed rejection")
            return
        }
        #expect(removal.removed == [Support.coverLetter])
        #expect("\(Rejection.packChangedSinceSignOff(removal))".contains("removed cover-letter 'Cover letter'"))
        #expect(walk.state == "signed-off")
    }

    @Test func reopenCancelsTheSignOff() {
        var walk = Walk()
        walk.fire("submit-for-sign-off", as: Support.officer)
        walk.fire("sign-off", as: Support.mayor)
        #expect(walk.fire("reopen", as: Support.officer) == .unmetRequirements(event: "reopen", [.comment]))
        #expect(walk.fire("reopen", as: Support.officer, comment: "Figures updated") == nil)
        let status = try! walk.engine.replay(walk.history)
        #expect(status.state == "drafting")
        #expect(status.signedPack == nil)
        // A new sign-off binds the new pack; dispatch checks against it, not the old one.
        let annex = PackDocument(kind: .annex, name: "Annex 1", sha256: String(repeating: "d", count: 64))
        walk.fire("submit-for-sign-off", as: Support.officer, pack: Support.pack + [annex])
        walk.fire("sign-off", as: Support.mayor, pack: Support.pack + [annex])
        #expect(
            walk.fire(
                "dispatch", as: Support.officer, fields: ["dispatched-on": "2016-09-20"], pack: Support.pack + [annex])
                == nil)
    }

    @Test func aDeputyActsOnBehalfOfTheMayor() {
        var walk = Walk()
        walk.fire("submit-for-sign-off", as: Support.officer)
        #expect(walk.fire("sign-off", as: Support.deputy) == nil)
        #expect(walk.history.last?.actor == "deputy")
        #expect(walk.history.last?.onBehalfOf == "mayor")
        #expect(walk.history.last?.role == .mayor)
        // Where the deputy holds the role themselves, no on-behalf-of is recorded.
        #expect(walk.fire("dispatch", as: Support.deputy, fields: ["dispatched-on": "2016-09-20"]) == nil)
        #expect(walk.history.last?.onBehalfOf == nil)
        #expect(walk.history.last?.role == .officer)
    }

    @Test func aTamperedHistoryDoesNotReplay() {
        var walk = Walk()
        walk.fire("submit-for-sign-off", as: Support.officer)
        walk.fire("sign-off", as: Support.mayor)
        var skipped = walk.history
        skipped.remove(at: 0)
        #expect(throws: Rejection.self) { try walk.engine.replay(skipped) }
        var forged = walk.history
        forged[1].toState = "dispatched"
        #expect(throws: Rejection.self) { try walk.engine.replay(forged) }
        let request = FireRequest(
            event: "dispatch", actor: Support.officer, fields: ["dispatched-on": "2016-09-20"], time: walk.clock,
            pack: Support.pack)
        guard case .failure(.historyDoesNotReplay(let sequence, _)) = walk.engine.fire(request, after: forged) else {
            Issue.record("expected the forged history to be refused")
            return
        }
        #expect(sequence == 2)
    }

    /// A history that reaches `state` along the happy path (or the withdrawal).
    static func history(reaching state: String) -> [EventRecord] {
        var walk = Walk()
        let steps: [(String, Actor, [String: String], [PackDocument])] = [
            ("submit-for-sign-off", Support.officer, [:], Support.pack),
            ("sign-off", Support.mayor, [:], Support.pack),
            ("dispatch", Support.officer, ["dispatched-on": "2016-09-20"], Support.pack),
            ("record-response", Support.officer, ["received-on": "2016-10-05"], Support.pack + [Support.response]),
            ("schedule-for-board", Support.clerk, ["meeting": "m1"], Support.pack + [Support.response]),
            ("record-outcome", Support.clerk, ["outcome": "Noted"], Support.pack + [Support.response]),
        ]
        if state == "withdrawn" {
            walk.fire("withdraw", as: Support.officer, comment: "x")
            return walk.history
        }
        for (event, actor, fields, pack) in steps where walk.state != state {
            walk.fire(event, as: actor, fields: fields, pack: pack)
        }
        return walk.history
    }
}
