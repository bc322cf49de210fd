import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// The meeting page as the clerk works from it: adding the items that can be scheduled now,
/// and a warning beside an item whose report was edited after publication.
@Suite struct MeetingPageTests {
    @Test func theClerkSchedulesAnItemFromTheMeetingPage() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let meeting = try SubmissionSteps.meetingToCome(docket)
        let reference = try SubmissionSteps.responded(docket, "From the meeting page")
        try await fixture.test { client in
            // A viewer sees no form, and a forged post is refused.
            let victor = try await Browser.signIn("victor", client: client)
            let seen = String(buffer: try await victor.get("/meetings/\(meeting)", client: client).body)
            #expect(!seen.contains("/meetings/\(meeting)/schedule"))
            let forged = try await victor.post(
                "/meetings/\(meeting)/schedule", [("reference", reference)], client: client)
            #expect(forged.status == .forbidden)
            #expect(try docket.submission(reference).state == "response-received")

            let clara = try await Browser.signIn("clara", client: client)
            let page = String(buffer: try await clara.get("/meetings/\(meeting)", client: client).body)
            #expect(page.contains(#"action="/meetings/\#(meeting)/schedule""#))
            #expect(page.contains(#"name="reference" value="\#(reference)""#))
            let form = try #require(page.components(separatedBy: #"value="\#(reference)""#).last)
            let sequence = try #require(Browser.value(of: "sequence", in: form))
            let scheduled = try await clara.post(
                "/meetings/\(meeting)/schedule", [("reference", reference), ("sequence", sequence)], client: client)
            #expect(scheduled.status == .seeOther)
            let after = String(buffer: try await clara.get("/meetings/\(meeting)", client: client).body)
            #expect(after.contains(#"<a href="/submissions/\#(reference)">\#(reference)</a></td>"#))
            #expect(!after.contains(#"name="reference" value="\#(reference)""#), "scheduled: no longer offered")
        }
        #expect(try docket.submission(reference).state == "scheduled-for-board")
        #expect(try docket.meeting(meeting).items.contains { $0.reference == reference })
    }

    @Test func theLibraryOffersOnlyWhatTheUserMaySchedule() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let meeting = try SubmissionSteps.meetingToCome(docket)
        let reference = try SubmissionSteps.responded(docket, "Candidate")
        let drafting = try docket.newSubmission(workflow: "best-value-submission", title: "Not yet", as: "olivia")
        let offered = try docket.schedulingCandidates(for: meeting, as: "clara").map(\.reference)
        #expect(offered.contains(reference))
        #expect(!offered.contains(drafting))
        #expect(try docket.schedulingCandidates(for: meeting, as: "victor").isEmpty)
        // A meeting already held takes no new items.
        let held = try #require(
            try docket.meetingIDs().first { try docket.meeting($0).definition.date < docket.today() })
        #expect(try docket.schedulingCandidates(for: held, as: "clara").isEmpty)
    }

    @Test func aReportEditedAfterPublicationIsFlaggedBesideItsItem() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let meeting = try SubmissionSteps.meetingToCome(docket)
        let reference = try SubmissionSteps.responded(docket, "Edited later")
        try docket.schedule(reference, for: meeting, as: "clara")
        try docket.publishAgenda(meeting, as: "clara")
        let warning = "Report edited after publication"
        try await fixture.test { client in
            let clara = try await Browser.signIn("clara", client: client)
            func page() async throws -> String {
                String(buffer: try await clara.get("/meetings/\(meeting)", client: client).body)
            }
            #expect(try await !page().contains(warning), "as published")
            try docket.editReportSection(reference, section: .finance, text: "Within budget.", as: "olivia")
            let edited = try await page()
            let row = try #require(edited.components(separatedBy: "<tr>").first { $0.contains(">\(reference)</a>") })
            #expect(row.contains(warning))
            // Archiving the changed report as a new version puts the archive level with the pack.
            try docket.publishAgenda(meeting, as: "clara")
            #expect(try await !page().contains(warning), "archived again")
        }
    }
}
