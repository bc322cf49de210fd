import Archive
import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// Taking a wrong document back, through the pages and the API: the upload form names an
/// annex and what the new document replaces; each document in the pack has a removal form;
/// what left the pack is listed apart, still to be read.
@Suite struct PackChangePageTests {
    static let boundary = "docketpack"

    static func multipart(_ fields: [(String, String)], fileName: String, text: String) -> ByteBuffer {
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\n"
        body += "Content-Type: text/plain\r\n\r\n\(text)\r\n--\(boundary)--\r\n"
        return ByteBuffer(string: body)
    }

    /// A submission returned for redraft, with a submission and a wrong cover letter.
    static func returnedSubmission(_ docket: DocketArchive) throws -> (
        reference: String, letter: String, update: String
    ) {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Returned", as: "olivia")
        let update = try docket.addDocument(
            to: reference, content: Array("update\n".utf8),
            description: DocumentDescription(kind: .submission, title: "Update", originalFileName: "update.txt"),
            as: "olivia")
        let letter = try docket.addDocument(
            to: reference, content: Array("wrong letter\n".utf8),
            description: DocumentDescription(
                kind: .coverLetter, title: "Cover letter (wrong date)", originalFileName: "letter.txt"),
            as: "olivia")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("return-for-redraft", on: reference, as: "morgan", comment: "The date is wrong")
        return (reference, letter.sha256, update.sha256)
    }

    @Test func theUploadFormReplacesAWrongCoverLetterAndNamesAnAnnex() async throws {
        let fixture = try await WebFixture()
        let (reference, wrong, update) = try Self.returnedSubmission(fixture.docket)
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let form = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            #expect(form.contains("<label for=\"upload-annex\">Annex label</label>"))
            #expect(form.contains("<select id=\"upload-replaces\" name=\"replaces\""))
            #expect(form.contains("<option value=\"\(wrong)\">Cover letter (wrong date)"))
            let sequence = try #require(Browser.value(of: "sequence", in: form))

            var headers = olivia.cookieHeader
            headers[.contentType] = "multipart/form-data; boundary=\(Self.boundary)"
            let replaced = try await client.execute(
                uri: "/submissions/\(reference)/documents", method: .post, headers: headers,
                body: Self.multipart(
                    [
                        ("csrf", olivia.csrf ?? ""), ("sequence", sequence), ("kind", "cover-letter"),
                        ("title", "Cover letter"), ("replaces", wrong),
                    ], fileName: "letter-2.txt", text: "corrected letter"))
            #expect(replaced.status == .seeOther)
            let annexed = try await client.execute(
                uri: "/submissions/\(reference)/documents", method: .post, headers: headers,
                body: Self.multipart(
                    [
                        ("csrf", olivia.csrf ?? ""), ("sequence", String(Int(sequence)! + 1)), ("kind", "annex"),
                        ("title", "Action plan"), ("annex", "B"), ("relation-kind", "annex-of"),
                        ("relation-target", update),
                    ], fileName: "plan.txt", text: "the plan"))
            #expect(annexed.status == .seeOther)
            let halfRelation = try await client.execute(
                uri: "/submissions/\(reference)/documents", method: .post, headers: headers,
                body: Self.multipart(
                    [
                        ("csrf", olivia.csrf ?? ""), ("sequence", String(Int(sequence)! + 2)), ("kind", "annex"),
                        ("relation-kind", "reply-to"),
                    ], fileName: "half.txt", text: "half a relation"))
            #expect(halfRelation.status == .unprocessableContent)

            let page = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            #expect(page.contains("Taken out of the pack (still archived)"))
            #expect(page.contains("replaced by “Cover letter”"))
            #expect(page.contains("replacing “Cover letter (wrong date)”, which left the pack"))
            // Still there to read, from the page.
            #expect(page.contains("/submissions/\(reference)/documents/\(wrong)/preview"))
        }
        let view = try fixture.docket.submission(reference)
        #expect(view.documents.filter { $0.kind == .coverLetter }.map(\.title) == ["Cover letter"])
        let annex = try #require(view.documents.first { $0.kind == .annex })
        #expect(annex.annex == "B")
        #expect(annex.relations == [Relation(kind: .annexOf, target: update)])
        #expect(view.departedDocuments.map(\.metadata.sha256) == [wrong])
    }

    @Test func theRemovalFormNeedsAReasonAndARoleThatMayChangeThePack() async throws {
        let fixture = try await WebFixture()
        let (reference, wrong, _) = try Self.returnedSubmission(fixture.docket)
        let before = try fixture.docket.submission(reference).sequence
        try await fixture.test { client in
            let victor = try await Browser.signIn("victor", client: client)
            let seen = String(buffer: try await victor.get("/submissions/\(reference)", client: client).body)
            #expect(!seen.contains("Take it out of the pack"), "a viewer is offered no removal")
            let forged = try await victor.post(
                "/submissions/\(reference)/documents/\(wrong)/removal", [("reason", "x"), ("sequence", "\(before)")],
                client: client)
            #expect(forged.status == .forbidden)

            let olivia = try await Browser.signIn("olivia", client: client)
            let page = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            #expect(page.contains("action=\"/submissions/\(reference)/documents/\(wrong)/removal\""))
            let blank = try await olivia.post(
                "/submissions/\(reference)/documents/\(wrong)/removal", [("reason", "  "), ("sequence", "\(before)")],
                client: client)
            #expect(blank.status == .unprocessableContent)
            #expect(String(buffer: blank.body).contains("say why"))

            let removed = try await olivia.post(
                "/submissions/\(reference)/documents/\(wrong)/removal",
                [("reason", "Wrong date on the letter"), ("sequence", "\(before)")], client: client)
            #expect(removed.status == .seeOther)
            let location = try #require(removed.headers[.location])
            let after = String(buffer: try await olivia.get(location, client: client).body)
            #expect(after.contains("Took “Cover letter (wrong date)” out of the pack; it stays archived."))
            #expect(after.contains("removed: Wrong date on the letter"))
            // The same page, posted again, is out of date: refused, not applied twice.
            let stale = try await olivia.post(
                "/submissions/\(reference)/documents/\(wrong)/removal",
                [("reason", "again"), ("sequence", "\(before)")], client: client)
            #expect(stale.status == .preconditionFailed)
        }
        #expect(try fixture.docket.submission(reference).sequence == before + 1)
    }

    @Test func theAPIRemovesWithIfMatchAndListsWhatLeft() async throws {
        let fixture = try await WebFixture()
        let (reference, wrong, _) = try Self.returnedSubmission(fixture.docket)
        let token = try fixture.docket.createToken(for: "olivia", label: "pack").token
        let sequence = try fixture.docket.submission(reference).sequence
        try await fixture.test { client in
            func remove(ifMatch: String?) async throws -> TestResponse {
                var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
                if let ifMatch { headers[.ifMatch] = ifMatch }
                return try await client.execute(
                    uri: "/api/submissions/\(reference)/documents/\(wrong)/removal", method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"reason": "Wrong date"}"#))
            }
            #expect(try await remove(ifMatch: nil).status == .preconditionRequired)
            #expect(try await remove(ifMatch: "\"\(reference)-\(sequence - 1)\"").status == .preconditionFailed)
            let done = try await remove(ifMatch: "\"\(reference)-\(sequence)\"")
            #expect(done.status == .created)
            #expect(done.headers[.eTag] == "\"\(reference)-\(sequence + 1)\"")
            let shown = try await client.execute(
                uri: "/api/submissions/\(reference)", method: .get, headers: [.authorization: "Bearer \(token)"])
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: shown.body)) as? [String: Any])
            let departed = try #require(json["departedDocuments"] as? [[String: Any]])
            #expect(departed.compactMap { $0["sha256"] as? String } == [wrong])
            let documents = try #require(json["documents"] as? [[String: Any]])
            #expect(!documents.contains { $0["sha256"] as? String == wrong })
        }
    }
}
