import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// Scheduling an item for the Board means choosing one of the meetings to come, not typing an
/// id no page shows.
@Suite struct ScheduleChoiceTests {
    @Test func theClerkChoosesAMeetingFromThoseToCome() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let meeting = try SubmissionSteps.meetingToCome(docket)
        let reference = try SubmissionSteps.responded(docket, "To schedule")
        try await fixture.test { client in
            let clara = try await Browser.signIn("clara", client: client)
            let page = String(buffer: try await clara.get("/submissions/\(reference)", client: client).body)
            #expect(page.contains(#"<select id="schedule-for-board-meeting" name="field.meeting" required>"#))
            #expect(page.contains(#"<option value="\#(meeting)">Best Value Programme Board, 12th March 2031"#))
            // Meetings already held are not offered.
            #expect(!page.contains(#"<option value="BVPB-2016-10-19">"#))
            let sequence = try #require(Browser.value(of: "sequence", in: page))
            let scheduled = try await clara.post(
                "/submissions/\(reference)/events",
                [("event", "schedule-for-board"), ("field.meeting", meeting), ("sequence", sequence)], client: client)
            #expect(scheduled.status == .seeOther)
        }
        #expect(try docket.submission(reference).state == "scheduled-for-board")
        #expect(try docket.meeting(meeting).items.contains { $0.reference == reference })
    }
}
