import Foundation
import TestSupport
import Testing

/// `docket user set` and the rules that reach the CLI from the library: roles changed with
/// every refusal explained, and a closed pack refused with the same words as on the web.
@Suite struct UserCommandTests {
    @Test func userSetAddsAndRemovesRolesAndRefusesWhatItCannotDo() throws {
        let archive = try ScratchArchive("user-set")
        defer { archive.remove() }
        try archive.ok("init")
        try archive.ok("user", "add", "clive", "--role", "clerk")
        #expect(
            try archive.ok("user", "set", "clive", "--role", "officer", "--role", "viewer")
                == "clive now holds officer, clerk, viewer")
        #expect(try archive.ok("user", "set", "clive", "--remove-role", "clerk") == "clive now holds officer, viewer")
        let refusals: [([String], Int32, String)] = [
            (["user", "set", "clive"], 2, "give --role, --remove-role, --email or --notify"),
            (["user", "set", "clive", "--remove-role", "mayor"], 1, "does not hold the role mayor"),
            (["user", "set", "clive", "--role", "admin", "--remove-role", "admin"], 1, "both added and removed"),
            (["user", "set", "clive", "--remove-role", "officer", "--remove-role", "viewer"], 1, "at least one role"),
            (["user", "set", "nobody", "--role", "viewer"], 1, "nobody"),
            (["user", "set", "clive", "--role", "emperor"], 2, "emperor"),
        ]
        for (arguments, status, message) in refusals {
            let outcome = try archive.run(arguments)
            #expect(outcome.status == status, "\(arguments): \(outcome.standardError)")
            #expect(outcome.standardError.contains(message), "\(arguments): \(outcome.standardError)")
        }
        let listed = try archive.ok("user", "list", "--json")
        let users = try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]]
        #expect(users?.first { $0["name"] as? String == "clive" }?["roles"] as? [String] == ["officer", "viewer"])
        let help = try archive.run(["user", "set", "--help"])
        #expect(help.standardOutput.contains("USAGE: docket user set"))
    }

    /// Where a user's mail goes and which they want: kept in their record (format 2 only when
    /// set), checked strictly because it is written into mail headers.
    @Test func usersHaveAnAddressAndAChoiceOfMail() throws {
        let archive = try ScratchArchive("user-mail")
        defer { archive.remove() }
        try archive.ok("init")
        try archive.ok("user", "add", "morgan", "--role", "mayor", "--email", "mayor@towerhamlets.gov.uk")
        try archive.ok("user", "add", "clive", "--role", "clerk")
        #expect(
            try archive.ok("user", "set", "clive", "--email", "clerk@towerhamlets.gov.uk", "--notify", "digest")
                == "clive gets digest mail at clerk@towerhamlets.gov.uk")
        let refusals: [([String], Int32, String)] = [
            (["user", "set", "clive", "--email", "clerk at council"], 1, "is not an e-mail address"),
            (["user", "set", "clive", "--email", "a@b.uk\nBcc: all@x.uk"], 1, "is not an e-mail address"),
            (["user", "set", "clive", "--email", "Clerk <clerk@x.uk>"], 1, "is not an e-mail address"),
            (["user", "set", "clive", "--notify", "hourly"], 2, "hourly"),
            (["user", "add", "eve", "--role", "viewer", "--email", "eve@"], 1, "is not an e-mail address"),
        ]
        for (arguments, status, message) in refusals {
            let outcome = try archive.run(arguments)
            #expect(outcome.status == status, "\(arguments): \(outcome.standardError)")
            #expect(outcome.standardError.contains(message), "\(arguments): \(outcome.standardError)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(archive.path)/users/eve.xml"), "a refused add adds nobody")
        let listed = try archive.ok("user", "list", "--json")
        let users = try #require(try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])
        let clive = try #require(users.first { $0["name"] as? String == "clive" })
        #expect(clive["email"] as? String == "clerk@towerhamlets.gov.uk")
        #expect(clive["notify"] as? String == "digest")
        #expect(users.first { $0["name"] as? String == "morgan" }?["notify"] as? String == "immediate")
        // Written in format 2, which xmllint checks without Docket; a user without mail stays format 1.
        let record = try String(contentsOfFile: "\(archive.path)/users/clive.xml", encoding: .utf8)
        #expect(record.contains("urn:docket:archive:2"))
        let xmllint = try ExternalTool.locate("xmllint", package: "libxml2-utils")
        let checked = try xmllint.run(
            ["--noout", "--schema", "\(archive.path)/schema/docket-archive-2.xsd", "\(archive.path)/users/clive.xml"])
        #expect(checked.status == 0, "\(checked.standardError)")
        try archive.ok("user", "add", "victor", "--role", "viewer")
        #expect(try String(contentsOfFile: "\(archive.path)/users/victor.xml", encoding: .utf8).contains(":archive:1"))
        // Removing the address leaves no mail to send.
        #expect(try archive.ok("user", "set", "clive", "--email", "") == "clive gets digest mail at no address")
        #expect(try archive.verify().status == 0)
    }

    @Test func aWithdrawnSubmissionsPackTakesNoMoreDocuments() throws {
        let archive = try ScratchArchive("pack-closed")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        try archive.ok("submission", "fire", reference, "withdraw", "--comment", "not needed", "--as", "olivia")
        let file = try archive.write("A late annex\n", to: "late.txt")
        let outcome = try archive.run([
            "document", "add", reference, file, "--kind", "annex", "--title", "Late", "--as", "olivia",
        ])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("\(reference) is withdrawn, a final state: its pack is closed"))
        #expect(try archive.show(reference).documents.isEmpty)
    }

    @Test func documentAddWithAStaleExpectedSequenceChangesNothing() throws {
        let archive = try ScratchArchive("expect-seq")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        let first = try archive.write("First\n", to: "first.txt")
        try archive.ok(
            "document", "add", reference, first, "--kind", "annex", "--title", "First", "--as", "olivia",
            "--expect-seq", "0")
        let second = try archive.write("Second\n", to: "second.txt")
        let stale = try archive.run([
            "document", "add", reference, second, "--kind", "annex", "--title", "Second", "--as", "olivia",
            "--expect-seq", "0",
        ])
        #expect(stale.status == 3, "\(stale.standardError)")
        #expect(try archive.show(reference).documents.count == 1)
    }
}

/// `docket clearance` and `docket user disable`/`enable`: who may read restricted papers, and
/// accounts that may no longer sign in.
@Suite struct ClearanceCommandTests {
    @Test func clearanceIsShownSetAndCheckedWithNothingWrittenOnARefusal() throws {
        let archive = try ScratchArchive("clearance")
        defer { archive.remove() }
        try archive.ok("init")
        let standard = try archive.ok("clearance")
        #expect(standard.contains("cleared roles: admin, chair, clerk, mayor, officer, records-manager"))
        #expect(standard.contains("open markings: OFFICIAL"))

        // Refusals: only one of the two options, an unknown role; nothing is written.
        #expect(try archive.run(["clearance", "--role", "clerk"]).status == 2)
        let unknown = try archive.run([
            "clearance", "--role", "clerk", "--role", "janitor", "--open-marking", "OFFICIAL",
        ])
        #expect(unknown.status != 0 && unknown.standardError.contains("'janitor' is not a role"))
        #expect(!FileManager.default.fileExists(atPath: "\(archive.path)/access/clearance.xml"))

        let set = try archive.ok("clearance", "--role", "clerk", "--role", "admin", "--open-marking", "official")
        #expect(set.contains("cleared roles: admin, clerk") && set.contains("open markings: OFFICIAL"))
        #expect(try archive.ok("clearance") == set)
        _ = try archive.ok("verify")
        #expect(try archive.run(["clearance", "--help"]).standardOutput.contains("Schedule 12A"))
    }

    @Test func aDisabledUserIsListedAsSuchAndCanBeEnabledAgain() throws {
        let archive = try ScratchArchive("disable")
        defer { archive.remove() }
        try archive.ok("init")
        try archive.ok("user", "add", "olivia", "--role", "officer")
        #expect(try archive.run(["user", "disable", "olivia"]).status == 2, "a reason is required")
        try archive.ok("user", "disable", "olivia", "--reason", "left the council")
        let listed = try archive.ok("user", "list")
        #expect(listed.contains("disabled by") && listed.contains("left the council"))
        #expect(try archive.run(["user", "disable", "olivia", "--reason", "again"]).status != 0)
        try archive.ok("user", "enable", "olivia")
        #expect(try archive.ok("user", "list").contains("active"))
        #expect(try archive.run(["user", "enable", "olivia"]).status != 0, "not disabled")
    }
}
