import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow

/// Accounts the council's identity provider vouches for (archive format 3): linked by issuer
/// and subject, named by Docket, with the roles the provider's claims map to; and accounts an
/// administrator disables.
@Suite struct ProviderAccountsTests {
    static let issuer = "https://login.microsoftonline.com/4f1c0d2e-0000-4000-8000-000000000001/v2.0"

    @Test func aFirstSignInCreatesALinkedAccountWithTheMappedRolesAndNoneWithout() throws {
        let archive = try TemporaryArchive()
        let docket = archive.docket!
        let first = try docket.signIn(
            with: ProviderIdentity(
                issuer: Self.issuer, subject: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
                nameHint: "Jo.Bloggs@TowerHamlets.gov.uk", fullName: "Jo Bloggs",
                email: "jo.bloggs@towerhamlets.gov.uk",
                roles: []))
        #expect(first.created && first.user == "jo.bloggs" && first.roles.isEmpty)
        let record = try docket.users().first { $0.name == "jo.bloggs" }
        #expect(record?.identity?.issuer == Self.issuer)
        #expect(record?.roles == [])
        // Signed in, but with access to nothing.
        #expect(try docket.permissions(for: "jo.bloggs").roles.isEmpty)
        #expect(try docket.permissions(for: "jo.bloggs").mayStartSubmissions == false)

        // Roles follow the provider at each sign-in: two groups, two roles; the same account.
        let again = try docket.signIn(
            with: ProviderIdentity(
                issuer: Self.issuer, subject: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", nameHint: "someone.else",
                roles: [.officer, .clerk]))
        #expect(!again.created && again.user == "jo.bloggs" && Set(again.roles) == [.clerk, .officer])
        #expect(try Set(docket.actor("jo.bloggs").grants.map(\.role)) == [.clerk, .officer])
        // … and a role the provider stops granting is gone at the next, with the old sessions.
        let generation = try #require(docket.credentialGeneration(of: "jo.bloggs"))
        _ = try docket.signIn(
            with: ProviderIdentity(
                issuer: Self.issuer, subject: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", roles: [.officer]))
        #expect(try docket.actor("jo.bloggs").grants.map(\.role) == [.officer])
        #expect(docket.credentialGeneration(of: "jo.bloggs") == generation + 1)

        // The record is format 3 and checks with xmllint alone against the shipped schema.
        let file = "\(archive.path)/users/jo.bloggs.xml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("urn:docket:archive:3"))
        _ = try ExternalTool.xmllint().runSucceeding(
            ["--noout", "--schema", "\(archive.path)/schema/docket-archive-3.xsd", file])
    }

    @Test func theLinkIsBySubjectNeverByName() throws {
        let archive = try TemporaryArchive()
        let docket = archive.docket!
        try docket.addUser("olivia", roles: [.admin], fullName: "A local administrator")
        // Someone at the provider whose name hint is "olivia" does not take over the local account.
        let outsider = try docket.signIn(
            with: ProviderIdentity(issuer: Self.issuer, subject: "subject-1", nameHint: "Olivia", roles: []))
        #expect(outsider.user == "olivia-2")
        #expect(try docket.actor("olivia-2").grants.isEmpty)
        #expect(try docket.actor("olivia").grants.map(\.role) == [.admin])
        // The same name at another subject is another person; the same subject at another
        // issuer too.
        let second = try docket.signIn(
            with: ProviderIdentity(issuer: Self.issuer, subject: "subject-2", nameHint: "olivia", roles: []))
        #expect(second.user == "olivia-3")
        let elsewhere = try docket.signIn(
            with: ProviderIdentity(issuer: "https://idp.example", subject: "subject-1", nameHint: "olivia", roles: []))
        #expect(elsewhere.user == "olivia-4")
        // Names that fit no rule are made to fit.
        let odd = try docket.signIn(
            with: ProviderIdentity(
                issuer: Self.issuer, subject: "subject-3", nameHint: "9 Ünïcode Name, Jr.@x", roles: []))
        #expect(odd.user == "n-code-name--jr.")
        let none = try docket.signIn(with: ProviderIdentity(issuer: Self.issuer, subject: "subject-4", roles: []))
        #expect(none.user == "user")
    }

    @Test func twoFirstSignInsOfOnePersonAtOnceMakeOneAccount() async throws {
        let archive = try TemporaryArchive()
        let identity = ProviderIdentity(issuer: Self.issuer, subject: "racing", nameHint: "racer", roles: [.viewer])
        let first = try archive.reopen()
        let second = try archive.reopen()
        async let one = Task.detached { try first.signIn(with: identity).user }.value
        async let two = Task.detached { try second.signIn(with: identity).user }.value
        let names = try await [one, two]
        #expect(names == ["racer", "racer"])
        #expect(try archive.docket.users().filter { $0.identity?.subject == "racing" }.count == 1)
    }

    @Test func aDisabledAccountCannotSignInUseATokenOrActAndItsSessionsEnd() throws {
        let archive = try TemporaryArchive()
        let docket = archive.docket!
        try docket.addUser("ada", roles: [.admin])
        try docket.addUser("olivia", roles: [.officer])
        try docket.setPassword("a-password-long-enough", for: "olivia")
        let token = try docket.createToken(for: "olivia", label: "scripts").token
        let generation = try #require(docket.authenticate("olivia", password: "a-password-long-enough"))
        #expect(docket.user(forToken: token) == "olivia")

        #expect(failure { try docket.disableUser("olivia", reason: "x", as: "olivia") } != nil)
        #expect(failure { try docket.disableUser("ada", reason: "leaving", as: "ada") } != nil)
        #expect(failure { try docket.disableUser("olivia", reason: "  ", as: "ada") } != nil)
        try docket.disableUser("olivia", reason: "left the council on 30 November", as: "ada")

        #expect(docket.authenticate("olivia", password: "a-password-long-enough") == nil)
        #expect(docket.user(forToken: token) == nil)
        #expect(docket.credentialGeneration(of: "olivia") == nil)
        #expect(try docket.actor("olivia").grants.isEmpty)
        #expect(failure { try docket.newSubmission(workflow: "best-value-update", title: "t", as: "olivia") } != nil)
        let record = try #require(try docket.users().first { $0.name == "olivia" })
        #expect(record.disabled?.by == "ada")
        #expect(failure { try docket.disableUser("olivia", reason: "again", as: "ada") } != nil)

        // Enabled again: a new sign-in works; the old token and session generation do not.
        try docket.enableUser("olivia", as: "ada")
        let renewed = try #require(docket.authenticate("olivia", password: "a-password-long-enough"))
        #expect(renewed > generation)
        #expect(docket.user(forToken: token) == nil)
    }

    /// A token check looks first where the token was found last time; what it finds there still
    /// decides, so a revoked token, a changed password or a wrong secret is refused after use.
    @Test func aTokenUsedBeforeIsStillRefusedOnceRevokedOrOutdated() throws {
        let archive = try TemporaryArchive()
        let docket = archive.docket!
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("morgan", roles: [.mayor])
        let revoked = try docket.createToken(for: "olivia", label: "revoked")
        let outdated = try docket.createToken(for: "olivia", label: "outdated")
        let other = try docket.createToken(for: "morgan", label: "other").token
        for token in [revoked.token, outdated.token] { #expect(docket.user(forToken: token) == "olivia") }
        #expect(docket.user(forToken: other) == "morgan")
        // The right id with another secret.
        let forged = String(revoked.token.dropLast(64)) + String(repeating: "0", count: 64)
        #expect(docket.user(forToken: forged) == nil)

        try docket.revokeToken(revoked.id, of: "olivia")
        #expect(docket.user(forToken: revoked.token) == nil)
        #expect(docket.user(forToken: outdated.token) == "olivia")
        try docket.setPassword("a-password-long-enough", for: "olivia")
        #expect(docket.user(forToken: outdated.token) == nil)
        #expect(docket.user(forToken: other) == "morgan")
    }

    @Test func aProviderSignInOfADisabledAccountIsRefused() throws {
        let archive = try TemporaryArchive()
        let docket = archive.docket!
        let identity = ProviderIdentity(issuer: Self.issuer, subject: "s", nameHint: "pat", roles: [.officer])
        _ = try docket.signIn(with: identity)
        try docket.disableUser("pat", reason: "suspended")
        let refusal = failure { () throws -> ProviderSignIn in try docket.signIn(with: identity) }
        guard case .accountDisabled(let user, _, let reason) = refusal else {
            Issue.record("a disabled account signed in")
            return
        }
        #expect(user == "pat" && reason == "suspended")
    }
}
