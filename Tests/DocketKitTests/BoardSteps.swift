import DocketKit
import Foundation
import Workflow

/// Submissions taken to the point a Board test starts from, as olivia (officer) and mayor.
enum BoardSteps {
    /// A new submission holding the pack `submit-for-sign-off` requires, so that only what a
    /// test arranges (a full disk, a failing device) can refuse its fires.
    static func readyForSignOff(_ docket: DocketArchive, title: String) throws -> String {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: title, as: "olivia")
        for kind in [DocumentKind.submission, .coverLetter] {
            _ = try docket.addDocument(
                to: reference, content: Array("\(title) \(kind.rawValue)".utf8),
                description: DocumentDescription(kind: kind, title: kind.rawValue, originalFileName: "x.txt"),
                as: "olivia")
        }
        return reference
    }

    /// A new submission signed off, dispatched and answered (`response-received`): ready to be
    /// scheduled for a meeting.
    static func answered(_ docket: DocketArchive, title: String) throws -> String {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: title, as: "olivia")
        for (kind, text) in [(DocumentKind.submission, "The \(title.lowercased())"), (.coverLetter, "Dear Secretary")] {
            try docket.addDocument(
                to: reference, content: Array(text.utf8),
                description: DocumentDescription(kind: kind, title: text, originalFileName: "\(kind.rawValue).txt"),
                as: "olivia")
        }
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
        try docket.addDocument(
            to: reference, content: Array("The Commissioners reply".utf8),
            description: DocumentDescription(kind: .response, title: "Reply", originalFileName: "reply.txt"),
            as: "olivia")
        try docket.fire("record-response", on: reference, as: "olivia", fields: ["received-on": "2016-09-20"])
        return reference
    }
}
