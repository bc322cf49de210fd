import Archive
import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// The Retention page on the demo archive (the demo's 2016 records are long due): a records
/// manager reviews, holds, proposes; an officer approves; the records manager carries the list
/// out; destroyed content answers 410 Gone in the pages and the API; a hold answers 409 with its
/// reason; the proposer approving their own list, or a viewer posting, is refused.
@Suite struct RetentionPagesTests {
    @Test func aRecordsManagerTakesTheDemoThroughReviewHoldApprovalAndDisposal() async throws {
        let fixture = try await WebFixture(meetingHeld: true)
        let docket = fixture.docket
        let cover = try #require(try docket.submission("BVP-2016-01").documents.first { $0.kind == .coverLetter })
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let list = "DL-\(year)-001"
        try await fixture.test { client in
            let rhona = try await Browser.signIn("rhona", client: client)
            let page = String(buffer: try await rhona.get("/retention", client: client).body)
            #expect(page.contains(#"href="/retention""#), "the navigation links the page")
            #expect(page.contains("GOV-COVER-6: destroy") && page.contains("GOV-SUBMISSION-REVIEW: review"), "\(page)")
            #expect(page.contains("Propose a disposal list") && page.contains("Place a hold"))

            // A viewer has no such page and cannot post to it.
            let victor = try await Browser.signIn("victor", client: client)
            #expect(try await victor.get("/retention", client: client).status == .forbidden)
            let forged = try await victor.post(
                "/retention/holds", [("submissions", "BVP-2016-01"), ("reason", "x")], client: client)
            #expect(forged.status == .forbidden)

            // Hold one submission; propose the cover letters: the held one is left out.
            let held = try await rhona.post(
                "/retention/holds", [("submissions", "BVP-2015-01"), ("reason", "Audit inquiry 2026")], client: client)
            #expect(held.status == .seeOther)
            let proposed = try await rhona.post(
                "/retention/lists", [("action", "destroy"), ("class", "GOV-COVER-6"), ("comment", "Six years")],
                client: client)
            #expect(proposed.status == .seeOther)
            let listed = try #require(try docket.retentionLedger().list(list))
            #expect(!listed.submissions.contains("BVP-2015-01") && listed.submissions.contains("BVP-2016-01"))

            // The proposer cannot approve; an officer can, naming the service.
            let own = try await rhona.post(
                "/retention/lists/\(list)/approval", [("service", "Records")], client: client)
            #expect(own.status == .forbidden)
            let olivia = try await Browser.signIn("olivia", client: client)
            let toApprove = String(buffer: try await olivia.get("/retention", client: client).body)
            #expect(toApprove.contains("Approve \(list)"))
            // A hold placed meanwhile on a listed submission: 409, with its reason.
            let second = try docket.placeHold(reason: "Litigation: Smith v LBTH", on: ["BVP-2016-01"], as: "ada")
            let conflict = try await olivia.post(
                "/retention/lists/\(list)/approval", [("service", "Corporate Strategy")], client: client)
            #expect(conflict.status == .conflict)
            #expect(String(buffer: conflict.body).contains("Litigation: Smith v LBTH"))
            try docket.releaseHold(second.id, reason: "Settled", as: "ada")
            let approved = try await olivia.post(
                "/retention/lists/\(list)/approval", [("service", "Corporate Strategy")], client: client)
            #expect(approved.status == .seeOther)

            // Only the records manager carries it out; then the certificate page.
            let notHers = try await olivia.post("/retention/lists/\(list)/disposal", [], client: client)
            #expect(notHers.status == .forbidden)
            let carried = try await rhona.post("/retention/lists/\(list)/disposal", [], client: client)
            #expect(carried.status == .seeOther)
            #expect(carried.headers[.location] == "/retention/certificates/\(list)")
            let certificate = String(
                buffer: try await rhona.get("/retention/certificates/\(list)", client: client).body)
            #expect(certificate.contains("Certificate of destruction") && certificate.contains(cover.sha256))
            #expect(certificate.contains("olivia for Corporate Strategy"))

            // Destroyed content: 410 in the pages and the API; the submission page says why.
            let download = try await olivia.get("/submissions/BVP-2016-01/documents/\(cover.sha256)", client: client)
            #expect(download.status == .gone)
            #expect(String(buffer: download.body).contains(list))
            let preview = try await olivia.get(
                "/submissions/BVP-2016-01/documents/\(cover.sha256)/preview", client: client)
            #expect(preview.status == .gone)
            let api = try await olivia.get("/api/submissions/BVP-2016-01/documents/\(cover.sha256)", client: client)
            #expect(api.status == .gone)
            let submission = String(buffer: try await olivia.get("/submissions/BVP-2016-01", client: client).body)
            #expect(submission.contains("Destroyed on") && submission.contains("under disposal list \(list)"))
            let json = String(buffer: try await olivia.get("/api/submissions/BVP-2016-01", client: client).body)
            #expect(json.contains(#""destroyedUnder":"\#(list)""#), "\(json)")
            // What was not destroyed is still served.
            let kept = try #require(try docket.submission("BVP-2016-01").documents.first { $0.kind == .submission })
            let fine = try await olivia.get("/submissions/BVP-2016-01/documents/\(kept.sha256)", client: client)
            #expect(fine.status == .ok)
            let fromAPI = try await olivia.get("/api/submissions/BVP-2016-01/documents/\(kept.sha256)", client: client)
            #expect(fromAPI.status == .ok)
            #expect(ArchiveStore.sha256(Array(buffer: fromAPI.body)) == kept.sha256, "the bytes as archived")
        }
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }
}
