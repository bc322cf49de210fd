import DocketKit
import Foundation
import Workflow

/// Submissions and meetings taken to the point a test starts from, through the library as the
/// demo's people (Olivia the officer, Morgan the Mayor, Clara the clerk).
enum SubmissionSteps {
    /// A submission waiting for the Mayor's sign-off (5 working days from the archive's now).
    static func awaitingSignOff(_ docket: DocketArchive, _ title: String) throws -> String {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: title, as: "olivia")
        for (kind, name) in [(DocumentKind.submission, "update.txt"), (.coverLetter, "cover.txt")] {
            try docket.addDocument(
                to: reference, content: Array("\(name) \(title)\n".utf8),
                description: DocumentDescription(kind: kind, title: name, originalFileName: name), as: "olivia")
        }
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        return reference
    }

    /// A submission signed off by the Mayor, ready to dispatch.
    static func signedOff(_ docket: DocketArchive, _ title: String) throws -> String {
        let reference = try awaitingSignOff(docket, title)
        try docket.fire("sign-off", on: reference, as: "morgan")
        return reference
    }

    /// A submission taken to `response-received`, where it can be scheduled for the Board.
    static func responded(_ docket: DocketArchive, _ title: String) throws -> String {
        let reference = try signedOff(docket, title)
        try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
        try docket.addDocument(
            to: reference, content: Array("reply to \(title)\n".utf8),
            description: DocumentDescription(kind: .response, title: "Reply", originalFileName: "reply.txt"),
            as: "olivia")
        try docket.fire("record-response", on: reference, as: "olivia", fields: ["received-on": "2016-10-05"])
        return reference
    }

    /// A Board meeting years ahead of the archive's clock, created by the clerk.
    static func meetingToCome(_ docket: DocketArchive) throws -> String {
        try docket.newMeeting(board: "Best Value Programme Board", date: CalendarDate(iso: "2031-03-12")!, as: "clara")
    }
}
