import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
import Workflow

/// Rules the web app asks the library about, shown through the real router: sessions that a
/// password or role change ends (from any process), exempt papers that reach only those who
/// manage meetings, uploads raced with one ETag, and a closed pack.
@Suite(.serialized) struct AccessRulesTests {
    @Test func aPasswordChangedByAnotherProcessEndsThatUsersSessionsAndTokens() async throws {
        let fixture = try await WebFixture()
        let token = try fixture.docket.createToken(for: "olivia", label: "scripts").token
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let victor = try await Browser.signIn("victor", client: client)
            let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            #expect(try await olivia.get("/", client: client).status == .ok)
            #expect(try await client.execute(uri: "/api/submissions", method: .get, headers: bearer).status == .ok)

            // Another process (the CLI's `user passwd`): its own DocketArchive over the same
            // files, with no way to reach the server's memory.
            let cli = try DocketArchive(opening: fixture.path)
            try cli.setPassword("a-new-and-longer-password", for: "olivia")

            let page = try await olivia.get("/", client: client)
            #expect(page.status == .seeOther)
            #expect(page.headers[.location]?.hasPrefix("/sign-in") == true)
            let api = try await client.execute(uri: "/api/submissions", method: .get, headers: bearer)
            #expect(api.status == .unauthorized)
            // Someone else's session is untouched.
            #expect(try await victor.get("/", client: client).status == .ok)
            // The new password opens a new session; the old one no longer signs in.
            #expect(
                try await Browser.signIn("olivia", password: "a-new-and-longer-password", client: client).session != nil
            )
            #expect(fixture.docket.authenticate("olivia", password: WebFixture.password) == nil)
        }
    }

    @Test func disablingAnAccountEndsItsSessionsAndTokensAndRefusesItsSignIn() async throws {
        let fixture = try await WebFixture()
        let token = try fixture.docket.createToken(for: "olivia", label: "scripts").token
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let victor = try await Browser.signIn("victor", client: client)
            let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            #expect(try await olivia.get("/", client: client).status == .ok)

            // `docket user disable` in another process.
            try DocketArchive(opening: fixture.path).disableUser("olivia", reason: "left the council")

            let page = try await olivia.get("/", client: client)
            #expect(page.status == .seeOther && page.headers[.location]?.hasPrefix("/sign-in") == true)
            #expect(
                try await client.execute(uri: "/api/submissions", method: .get, headers: bearer).status == .unauthorized
            )
            // Its password no longer signs in, with the same answer as a wrong password.
            #expect(fixture.docket.authenticate("olivia", password: WebFixture.password) == nil)
            #expect(try await victor.get("/", client: client).status == .ok)
        }
    }

    @Test func anAdministratorDisablesAndEnablesAnAccountFromTheUsersPage() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let ada = try await Browser.signIn("ada", client: client)
            let olivia = try await Browser.signIn("olivia", client: client)
            // Only an administrator, never their own account, and never without a reason.
            #expect(
                try await olivia.post("/users/victor/disable", [("reason", "x")], client: client).status == .forbidden)
            #expect(
                try await ada.post("/users/ada/disable", [("reason", "x")], client: client).status
                    == .unprocessableContent)
            #expect(
                try await ada.post("/users/olivia/disable", [("reason", " ")], client: client).status
                    == .unprocessableContent)
            #expect(try await olivia.get("/", client: client).status == .ok)

            let done = try await ada.post("/users/olivia/disable", [("reason", "on leave")], client: client)
            #expect(done.status == .seeOther)
            #expect(try await olivia.get("/", client: client).status == .seeOther)
            let page = String(buffer: try await ada.get("/users", client: client).body)
            #expect(page.contains("Disabled by ada") && page.contains("on leave"))
            #expect(fixture.docket.authenticate("olivia", password: WebFixture.password) == nil)

            #expect(try await ada.post("/users/olivia/enable", [], client: client).status == .seeOther)
            #expect(try await Browser.signIn("olivia", client: client).session != nil)
        }
    }

    @Test func aRoleTakenAwayEndsTheSessionThatHeldIt() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let clara = try await Browser.signIn("clara", client: client)
            let morgan = try await Browser.signIn("morgan", client: client)
            #expect(try await clara.get("/meetings", client: client).status == .ok)

            let cli = try DocketArchive(opening: fixture.path)
            let changed = try cli.changeRoles(of: "clara", adding: [.viewer], removing: [.clerk])
            #expect(changed.roles == [.viewer])
            #expect(try await clara.get("/meetings", client: client).status == .seeOther)
            #expect(try await morgan.get("/", client: client).status == .ok)

            // An administrator's change through the library (the Users page's path) does the same.
            let again = try await Browser.signIn("clara", client: client)
            #expect(try await again.get("/", client: client).status == .ok)
            try fixture.docket.changeRoles(of: "clara", adding: [.clerk], removing: [], as: "ada")
            #expect(try await again.get("/", client: client).status == .seeOther)
            #expect(throws: DocketError.self) {
                try fixture.docket.changeRoles(of: "morgan", adding: [.admin], removing: [], as: "olivia")
            }
        }
        #expect(try fixture.docket.actor("morgan").grant(for: [.admin]) == nil)
    }

    @Test func roleChangesAreCheckedBeforeAnythingIsWritten() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-roles-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try DemoArchive.build(
            at: path, from: Distribution(root: WebFixture.repositoryRoot.path), meetingHeld: false)
        let docket = try DocketArchive(opening: path)
        let before = docket.credentialGeneration(of: "victor")
        let refusals: [([Role], [Role], String)] = [
            ([], [], "nothing to change"),
            ([.clerk], [.clerk], "both added and removed"),
            ([], [.mayor], "does not hold the role mayor"),
            ([], [.viewer], "must keep at least one role"),
        ]
        for (adding, removing, message) in refusals {
            #expect {
                try docket.changeRoles(of: "victor", adding: adding, removing: removing)
            } throws: { error in
                "\(error)".contains(message)
            }
        }
        #expect(try docket.users().first { $0.name == "victor" }?.roles == [.viewer])
        #expect(docket.credentialGeneration(of: "victor") == before)
        #expect(throws: DocketError.self) { try docket.changeRoles(of: "nobody", adding: [.viewer], removing: []) }
    }

    @Test func exemptItemsReachOnlyClearedRolesWhateverTheyAskFor() async throws {
        let fixture = try await WebFixture()
        let meeting = "BVPB-2016-10-19"
        let item = try #require(try fixture.docket.meeting(meeting).items.first { $0.reference != nil })
        let reference = try #require(item.reference)
        try fixture.docket.setExempt(meeting, reference: reference, paragraph: 3, as: "clara")
        let full = try fixture.docket.renderAgenda(meeting, format: .html, public: false)
        let open = try fixture.docket.renderAgenda(meeting, format: .html, public: true)
        #expect(full != open, "the exempt item must change the public agenda")
        // The pack keeps each item's papers in a folder named after its reference.
        let itemPapers: @Sendable ([String]) -> [String] = { names in names.filter { $0.contains("-\(reference)/") } }
        try await fixture.test { client in
            for user in ["victor"] {
                let browser = try await Browser.signIn(user, client: client)
                // Without ?public=1, the parameter that alone decided before.
                let agenda = try await browser.get("/meetings/\(meeting)/agenda.html", client: client)
                #expect(agenda.status == .ok)
                let isPublic = Array(buffer: agenda.body) == open
                #expect(isPublic, "\(user) got the full agenda")
                let pack = try await browser.get("/meetings/\(meeting)/pack.zip", client: client)
                #expect(pack.status == .ok)
                let names = try Self.zipEntries(Array(buffer: pack.body))
                #expect(names.contains("contents.txt"))
                #expect(itemPapers(names).isEmpty, "\(user)'s pack holds the exempt item's papers: \(names)")
            }
            // Cleared roles (the standard clearance: officer, Mayor, clerk, admin) get it all.
            for user in ["olivia", "morgan", "ada"] {
                let browser = try await Browser.signIn(user, client: client)
                let agenda = try await browser.get("/meetings/\(meeting)/agenda.html", client: client)
                #expect(Array(buffer: agenda.body) == full, "\(user) did not get the full agenda")
            }
            let clara = try await Browser.signIn("clara", client: client)
            let agenda = try await clara.get("/meetings/\(meeting)/agenda.html", client: client)
            let isFull = Array(buffer: agenda.body) == full
            #expect(isFull, "the clerk did not get the full agenda")
            let pack = try await clara.get("/meetings/\(meeting)/pack.zip", client: client)
            #expect(pack.headers[.contentLength] == String(pack.body.readableBytes))
            let names = try Self.zipEntries(Array(buffer: pack.body))
            #expect(itemPapers(names).count >= 3, "the clerk's full pack lacks the exempt item's papers: \(names)")
            // The clerk can still ask for the public version.
            let asked = try await clara.get("/meetings/\(meeting)/agenda.html?public=1", client: client)
            let askedPublic = Array(buffer: asked.body) == open
            #expect(askedPublic, "the clerk asked for the public agenda and did not get it")
        }
        // Nothing of the streamed packs is left in the temporary directory.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
            .filter { $0.hasPrefix("docket-pack-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func twoUploadsSentWithTheSameETagNeverBothLand() async throws {
        let fixture = try await WebFixture()
        let token = try fixture.docket.createToken(for: "olivia", label: "race").token
        for round in 0..<6 {
            let reference = try fixture.docket.newSubmission(
                workflow: "best-value-submission", title: "Race \(round)", as: "olivia")
            let etag = "\"\(reference)-0\""
            let statuses = try await fixture.test { client in
                try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for racer in 0..<3 {
                        group.addTask {
                            var headers = Self.multipartHeaders
                            headers[.authorization] = "Bearer \(token)"
                            headers[.ifMatch] = etag
                            let response = try await client.execute(
                                uri: "/api/submissions/\(reference)/documents", method: .post, headers: headers,
                                body: Self.multipartBody(
                                    fileName: "annex-\(racer).txt", text: "Annex \(round).\(racer)"))
                            return response.status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            #expect(statuses.filter { $0 == .created }.count == 1, "round \(round): \(statuses)")
            #expect(statuses.filter { $0 == .preconditionFailed }.count == 2, "round \(round): \(statuses)")
            let view = try fixture.docket.submission(reference)
            #expect(
                view.documents.count == 1 && view.sequence == 1, "round \(round): \(view.documents.count) documents")
        }
    }

    @Test func aSubmissionInAFinalStateTakesNoDocumentsByAnyPath() async throws {
        let fixture = try await WebFixture()
        let reference = try fixture.docket.newSubmission(
            workflow: "best-value-submission", title: "Withdrawn", as: "olivia")
        try fixture.docket.fire("withdraw", on: reference, as: "olivia", comment: "no longer needed")
        let view = try fixture.docket.submission(reference)
        #expect(view.isFinal)
        #expect(try !fixture.docket.permissions(for: "olivia").mayAddDocuments(to: view))
        // The library.
        #expect {
            try fixture.docket.addDocument(
                to: reference, content: Array("late".utf8),
                description: DocumentDescription(kind: .annex, title: "Late", originalFileName: "late.txt"),
                as: "olivia")
        } throws: { error in
            guard case DocketError.packClosed(let ref, let state) = error else { return false }
            return ref == reference && state == "withdrawn"
        }
        let token = try fixture.docket.createToken(for: "olivia", label: "closed").token
        try await fixture.test { client in
            // The page offers no upload form.
            let olivia = try await Browser.signIn("olivia", client: client)
            let page = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            #expect(!page.contains("Add a document"))
            // The form posted anyway.
            var headers = olivia.cookieHeader
            headers[.contentType] = Self.multipartHeaders[.contentType]
            let form = try await client.execute(
                uri: "/submissions/\(reference)/documents", method: .post, headers: headers,
                body: Self.multipartBody(fileName: "late.txt", text: "late", csrf: olivia.csrf))
            #expect(form.status == .conflict)
            #expect(String(buffer: form.body).contains("its pack is closed"))
            // The API, with a current ETag.
            var api = Self.multipartHeaders
            api[.authorization] = "Bearer \(token)"
            api[.ifMatch] = "\"\(reference)-\(view.sequence)\""
            let response = try await client.execute(
                uri: "/api/submissions/\(reference)/documents", method: .post, headers: api,
                body: Self.multipartBody(fileName: "late.txt", text: "late"))
            #expect(response.status == .conflict)
            #expect(String(buffer: response.body).contains("\"code\":\"pack-closed\""))
        }
        #expect(try fixture.docket.submission(reference).documents.isEmpty)
        let stored =
            (try? FileManager.default.contentsOfDirectory(atPath: "\(fixture.path)/submissions/\(reference)/documents"))
            ?? []
        #expect(stored.isEmpty, "\(stored)")
    }

    @Test func listsMarkOverdueSubmissionsByTheArchivesClock() async throws {
        let fixture = try await WebFixture()
        let reference = try SubmissionSteps.awaitingSignOff(fixture.docket, "Deadline")  // 5 working days to sign
        // By the real clock the submission is not overdue yet; in 2040 by the archive's clock, it is.
        #expect(try fixture.docket.submissionLines().first { $0.reference == reference }?.isOverdue == false)
        // 2040-01-02 by the archive's clock.
        let later = try DocketArchive(opening: fixture.path, clock: { Date(timeIntervalSince1970: 2_209_118_400) })
        let line = try #require(try later.submissionLines().first { $0.reference == reference })
        #expect(line.deadline != nil && line.isOverdue)
        let app = try await DocketWebApp(docket: later)
        try await Application(router: app.router()).test(.router) { client in
            // The Mayor: the submission waits for them, so the dashboard lists it too.
            let olivia = try await Browser.signIn("morgan", client: client)
            for uri in ["/submissions", "/"] {
                let html = String(buffer: try await olivia.get(uri, client: client).body)
                let row = try #require(
                    html.components(separatedBy: "<tr>").first { $0.contains(">\(reference)</a>") }, "\(uri)")
                #expect(row.contains("overdue"), "\(uri): \(row)")
            }
        }
    }

    // MARK: - Helpers

    static let boundary = "docketrace"
    static var multipartHeaders: HTTPFields {
        [.contentType: "multipart/form-data; boundary=\(boundary)"]
    }

    static func multipartBody(fileName: String, text: String, csrf: String? = nil) -> ByteBuffer {
        var body = ""
        if let csrf { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n" }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nannex\r\n"
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\n"
        body += "Content-Type: text/plain\r\n\r\n\(text)\r\n--\(boundary)--\r\n"
        return ByteBuffer(string: body)
    }

    /// The entry names of a ZIP file, as Python's zipfile reads them (an independent reader).
    static func zipEntries(_ bytes: [UInt8]) throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-zip-\(UUID().uuidString).zip")
        try Data(bytes).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let python = try ExternalTool.locate("python3", package: "python3")
        let output = try python.runSucceeding(
            ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", path.path],
            timeout: 30)
        return output.standardOutput.split(separator: "\n").map(String.init)
    }
}
