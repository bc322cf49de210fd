import Archive
import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Mail
import Testing
import Workflow

/// Issue 14's pages: each user's address and choice of mail (set by an administrator, or by
/// the user for themselves only), the escalation contacts, the mail the MTA refused on the
/// health page, and the notify pass the web app runs on its own schedule.
@Suite(.serialized) struct MailPagesTests {
    /// A Tuesday that is no bank holiday, after the demo is built: the archive's clock for
    /// mail tests (nothing is sent on weekends).
    static let tuesday = Date(timeIntervalSince1970: 1_901_955_600)  // 2030-04-09T09:00:00Z

    @Test func anAdministratorSeesAndChangesEachUsersMail() async throws {
        let fixture = try await WebFixture()
        try fixture.docket.changeMail(of: "olivia", email: "olivia@council.gov.uk", notify: .digest)
        try await fixture.test { client in
            let ada = try await Browser.signIn("ada", client: client)
            let list = String(buffer: try await ada.get("/users", client: client).body)
            #expect(list.contains("value=\"olivia@council.gov.uk\""))
            #expect(list.contains("<option value=\"digest\" selected>"))

            let changed = try await ada.post(
                "/users/olivia/mail", [("email", "o.new@council.gov.uk"), ("notify", "none")], client: client)
            #expect(changed.status == .seeOther)
            let olivia = try #require(try fixture.docket.users().first { $0.name == "olivia" })
            #expect(olivia.email == "o.new@council.gov.uk" && olivia.notify == NotifyChoice.none)

            // A refused address is explained in the user's row, what was typed kept, nothing written.
            let refused = try await ada.post(
                "/users/olivia/mail", [("email", "olivia at council"), ("notify", "digest")], client: client)
            let page = String(buffer: refused.body)
            #expect([.badRequest, .unprocessableContent].contains(refused.status))
            #expect(page.contains("id=\"mail-error-olivia\"") && page.contains("is not an e-mail address"))
            #expect(page.contains("value=\"olivia at council\""))
            #expect(try fixture.docket.users().first { $0.name == "olivia" }?.email == "o.new@council.gov.uk")

            // A new user gets an address and a choice at once; a bad address adds nobody.
            let added = try await ada.post(
                "/users",
                [
                    ("name", "nadia"), ("role", "officer"), ("password", "first-password-for-nadia"),
                    ("email", "nadia@council.gov.uk"), ("notify", "digest"),
                ], client: client)
            #expect(added.status == .seeOther)
            let nadia = try #require(try fixture.docket.users().first { $0.name == "nadia" })
            #expect(nadia.email == "nadia@council.gov.uk" && nadia.notify == .digest)
            let badAddress = try await ada.post(
                "/users",
                [
                    ("name", "nobody"), ("role", "officer"), ("password", "first-password-for-nobody"),
                    ("email", "nobody@"),
                ], client: client)
            let refusedPage = String(buffer: badAddress.body)
            #expect(badAddress.status == .unprocessableContent)
            #expect(refusedPage.contains("id=\"add-error\"") && refusedPage.contains("value=\"nobody@\""))
            #expect(try fixture.docket.users().first { $0.name == "nobody" } == nil)
        }
    }

    @Test func onlyAnAdministratorChangesOthersMailOrNamesTheGovernanceLead() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let forbidden = try await olivia.post(
                "/users/morgan/mail", [("email", "taken@elsewhere.example.com")], client: client)
            #expect(forbidden.status == .forbidden)
            // The demo's addresses and governance lead, unchanged.
            #expect(try fixture.docket.users().first { $0.name == "morgan" }?.email == "morgan@towerhamlets.example")
            let lead = try await olivia.post("/users/governance-lead", [("user", "olivia")], client: client)
            #expect(lead.status == .forbidden)
            #expect(try fixture.docket.escalationContacts() == ["": "ada"])

            let ada = try await Browser.signIn("ada", client: client)
            #expect(
                try await ada.post("/users/governance-lead", [("user", "clara")], client: client).status == .seeOther)
            #expect(try fixture.docket.escalationContacts()[""] == "clara")
            let list = String(buffer: try await ada.get("/users", client: client).body)
            #expect(list.contains("<option value=\"clara\" selected>"))
        }
    }

    @Test func everyoneChangesTheirOwnNotificationsAndNoOneElses() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let dashboard = String(buffer: try await olivia.get("/", client: client).body)
            #expect(dashboard.contains("href=\"/account/notifications\""))
            let form = try await olivia.get("/account/notifications", client: client)
            #expect(form.status == .ok)
            #expect(String(buffer: form.body).contains("<form method=\"post\" action=\"/account/notifications\""))

            // The form names no user: one naming another is still about the one signed in.
            let saved = try await olivia.post(
                "/account/notifications",
                [("email", "olivia@council.gov.uk"), ("notify", "digest"), ("name", "morgan"), ("user", "morgan")],
                client: client)
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/account/notifications?saved=1")
            let users = try fixture.docket.users()
            #expect(users.first { $0.name == "olivia" }?.email == "olivia@council.gov.uk")
            #expect(users.first { $0.name == "olivia" }?.notify == .digest)
            #expect(users.first { $0.name == "morgan" }?.email == "morgan@towerhamlets.example")
            let confirmed = String(buffer: try await olivia.get("/account/notifications?saved=1", client: client).body)
            #expect(confirmed.contains("role=\"status\"") && confirmed.contains("Saved."))
            #expect(confirmed.contains("value=\"olivia@council.gov.uk\""))

            // Refused: explained beside the form, what was typed kept.
            let refused = try await olivia.post(
                "/account/notifications", [("email", "olivia@council"), ("notify", "immediate")], client: client)
            let page = String(buffer: refused.body)
            #expect(refused.status == .unprocessableContent)
            #expect(page.contains("role=\"alert\"") && page.contains("value=\"olivia@council\""))
            #expect(try fixture.docket.users().first { $0.name == "olivia" }?.email == "olivia@council.gov.uk")

            // Without the session's CSRF token, nothing changes.
            let forged = try await olivia.post(
                "/account/notifications", [("email", ""), ("notify", "none")], csrf: "not-the-token", client: client)
            #expect(forged.status == .forbidden)
            #expect(try fixture.docket.users().first { $0.name == "olivia" }?.notify == .digest)
        }
    }

    @Test func anAdministratorChoosesASeriesEscalationContactThatEveryoneSees() async throws {
        let fixture = try await WebFixture()
        let series = try #require(try fixture.docket.seriesIDs().first)
        try await fixture.test { client in
            let victor = try await Browser.signIn("victor", client: client)
            let refused = try await victor.post("/series/\(series)/escalation", [("user", "victor")], client: client)
            #expect(refused.status == .forbidden)
            #expect(try fixture.docket.escalationContacts() == ["": "ada"], "only the demo's governance lead")

            let ada = try await Browser.signIn("ada", client: client)
            let set = try await ada.post("/series/\(series)/escalation", [("user", "clara")], client: client)
            #expect(set.status == .seeOther)
            #expect(try fixture.docket.escalationContacts()[series] == "clara")

            let seen = String(buffer: try await victor.get("/series", client: client).body)
            #expect(seen.contains("Escalations go to clara."))
            #expect(!seen.contains("action=\"/series/\(series)/escalation\""))  // no form for a viewer
            let administered = String(buffer: try await ada.get("/series", client: client).body)
            #expect(administered.contains("action=\"/series/\(series)/escalation\""))
        }
    }

    @Test func theHealthPageListsMailTheServerRefusedUntilDocketGaveUp() async throws {
        let fixture = try await WebFixture(clock: { Self.tuesday })
        let refusing = try Self.script("echo 'mailbox unavailable' >&2; exit 1")
        defer { try? FileManager.default.removeItem(atPath: refusing) }
        try fixture.docket.changeMail(of: "morgan", email: "mayor@council.gov.uk")
        _ = try SubmissionSteps.awaitingSignOff(fixture.docket, "Refused mail")
        let setup = MailSetup(
            from: Mailbox(name: "Docket", address: "docket@council.gov.uk"), baseURL: "http://docket.test",
            transport: SendmailTransport(path: refusing, arguments: []))
        _ = try fixture.docket.notify(at: Self.tuesday, setup: setup)
        try await fixture.test { client in
            let ada = try await Browser.signIn("ada", client: client)
            let waiting = String(buffer: try await ada.get("/health", client: client).body)
            #expect(waiting.contains("mayor@council.gov.uk"))
            // Five minutes after the refusal, by a London clock (BST on 9 April).
            #expect(waiting.contains("Will be tried again after 2030-04-09 10:05:00 (1 try so far)"))
            #expect(waiting.contains("mailbox unavailable"))
        }
        // Each later pass when the last one's wait is over, until Docket stops trying.
        while let next = try fixture.docket.outboxMessages().compactMap(\.retryAfter).min() {
            _ = try fixture.docket.notify(at: next.addingTimeInterval(1), setup: setup)
        }
        let messages = try fixture.docket.outboxMessages()
        #expect(!messages.isEmpty && messages.allSatisfy { $0.gaveUp && $0.attempts == DocketArchive.mailAttempts })
        try await fixture.test { client in
            let ada = try await Browser.signIn("ada", client: client)
            let failed = String(buffer: try await ada.get("/health", client: client).body)
            #expect(failed.contains("Docket gave up after \(DocketArchive.mailAttempts) tries"))
            #expect(failed.contains("mailbox unavailable") && failed.contains("mayor@council.gov.uk"))
            #expect(!failed.contains("Will be tried again"))
            // The page is the administrator's: no one else sees the addresses.
            let olivia = try await Browser.signIn("olivia", client: client)
            #expect(try await olivia.get("/health", client: client).status == .forbidden)
        }
    }

    @Test func theWebAppSendsTheMailThatIsDueOnItsOwnSchedule() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-mta-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let captured = directory.appendingPathComponent("captured.eml").path
        let capture = try Self.script("cat > '\(captured).part' && mv '\(captured).part' '\(captured)'")
        defer { try? FileManager.default.removeItem(atPath: capture) }
        let setup = MailSetup(
            from: Mailbox(name: "Docket", address: "docket@council.gov.uk"), baseURL: "http://docket.test",
            transport: SendmailTransport(path: capture, arguments: []))
        let fixture = try await WebFixture(
            configuration: WebConfiguration(port: 0, mailSchedule: MailSchedule(every: .seconds(1), setup: setup)),
            clock: { Self.tuesday })
        try fixture.docket.changeMail(of: "morgan", email: "mayor@council.gov.uk")
        let application = fixture.app.application(logger: Logger(label: "mail-schedule-test"))
        let message = try await application.test(.live) { _ in
            // Made once the app is running: a pass at start-up alone need not find it.
            _ = try SubmissionSteps.awaitingSignOff(fixture.docket, "Scheduled mail")
            for _ in 0..<300 where !FileManager.default.fileExists(atPath: captured) {
                try await Task.sleep(for: .milliseconds(100))
            }
            return (try? String(contentsOfFile: captured, encoding: .utf8)) ?? ""
        }
        #expect(message.contains("To: ") && message.contains("mayor@council.gov.uk"), "\(message.prefix(400))")
        #expect(message.contains("Scheduled mail"))
    }

    @Test func aScheduleIsAWholeNumberOfSecondsMinutesOrHours() throws {
        #expect(try MailSchedule.interval("30s") == .seconds(30))
        #expect(try MailSchedule.interval("5m") == .seconds(300))
        #expect(try MailSchedule.interval("1h") == .seconds(3600))
        for bad in ["", "5", "m", "0m", "-5m", "5 m", "1.5h", "5d", "5M"] {
            #expect(throws: MailSchedule.IntervalError.self, "\(bad)") { try MailSchedule.interval(bad) }
        }
    }

    /// An executable shell script with `body`, in the temporary directory.
    static func script(_ body: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mta-\(UUID().uuidString).sh").path
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }
}
