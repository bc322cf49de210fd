import Archive
import DocketKit
import Foundation
import Testing
import Workflow

/// Who may change mail settings through the checked methods the web app calls: everyone
/// their own, an administrator anyone's and the escalation contacts; the refusals the mail
/// rules give are the same whoever asks.
@Suite struct MailSettingsTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }

    init() throws {
        archive = try TemporaryArchive()
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("mayor", roles: [.mayor], email: "mayor@council.gov.uk")
        try docket.addUser("ada", roles: [.admin])
        try docket.addSeries(
            "bvp", title: "Best Value Plan updates", cadence: "P6M", firstDue: CalendarDate(iso: "2016-09-30")!,
            workflow: "best-value-submission", as: "olivia")
    }

    /// Records an issue unless `body` is refused for want of a role.
    func expectNotPermitted(_ what: String, _ body: () throws -> some Any) {
        guard case .notPermitted = failure(of: body) else {
            Issue.record("\(what): allowed")
            return
        }
    }

    @Test func everyoneChangesTheirOwnMailAndOnlyAnAdministratorSomeoneElses() throws {
        let own = try docket.changeMail(of: "olivia", email: "olivia@council.gov.uk", notify: .digest, as: "olivia")
        #expect(own.email == "olivia@council.gov.uk" && own.notify == .digest)
        #expect(try docket.mailSettings(of: "olivia", as: "olivia").notify == .digest)

        expectNotPermitted("an officer changes the Mayor's address") {
            try docket.changeMail(of: "mayor", email: "", notify: nil, as: "olivia")
        }
        expectNotPermitted("an officer reads the Mayor's address") {
            try docket.mailSettings(of: "mayor", as: "olivia")
        }
        #expect(try docket.mailSettings(of: "mayor", as: "ada").email == "mayor@council.gov.uk")

        try docket.changeMail(of: "mayor", email: "", notify: NotifyChoice.none, as: "ada")
        let mayor = try docket.mailSettings(of: "mayor", as: "mayor")
        #expect(mayor.email == nil && mayor.notify == NotifyChoice.none)

        guard
            case .invalidInput = failure(of: {
                try docket.changeMail(of: "olivia", email: "o@", notify: nil, as: "olivia")
            })
        else {
            Issue.record("a bad address was taken")
            return
        }
        #expect(try docket.mailSettings(of: "olivia", as: "olivia").email == "olivia@council.gov.uk")
    }

    @Test func onlyAnAdministratorNamesEscalationContactsOrSeesUndeliveredMail() throws {
        expectNotPermitted("an officer names an escalation contact") {
            try docket.setEscalationContact(series: "bvp", user: "olivia", as: "olivia")
        }
        expectNotPermitted("an officer sees the undelivered mail, addresses and all") {
            try docket.undeliveredMail(as: "olivia")
        }
        #expect(try docket.escalationContacts().isEmpty)
        try docket.setEscalationContact(series: "bvp", user: "olivia", as: "ada")
        try docket.setEscalationContact(series: nil, user: "mayor", as: "ada")
        #expect(try docket.escalationContacts() == ["bvp": "olivia", "": "mayor"])
        #expect(try docket.undeliveredMail(as: "ada").isEmpty)
        #expect(try docket.permissions(for: "ada").mayManageMail)
        #expect(try !docket.permissions(for: "olivia").mayManageMail)
    }
}
