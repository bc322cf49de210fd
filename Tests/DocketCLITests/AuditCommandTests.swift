import DocketKit
import Foundation
import Synchronization
import Testing

/// `docket audit`: the access log the web app writes, listed, filtered and as JSON.
@Suite struct AuditCommandTests {
    @Test func auditListsTheAccessLogFilteredAndAsJSON() throws {
        let archive = try ScratchArchive("audit")
        defer { archive.remove() }
        try archive.ok("init")
        #expect(try archive.ok("audit") == "(no entries)")

        // What the web app records, written here with a clock set to 2016-09-20 09:00 UTC.
        let clock = Mutex(Date(timeIntervalSince1970: 1_474_362_000))
        let docket = try DocketArchive(opening: archive.path, clock: { clock.withLock { $0 } })
        try docket.recordAccess(.signIn(user: "ada", method: .password, address: "192.0.2.7"))
        try docket.recordAccess(
            .signInRefused(
                name: "mallory", method: .password, reason: "name or password not recognised",
                address: "203.0.113.9"))
        clock.withLock { $0 += 86_400 }
        try docket.recordAccess(
            .view(
                user: "ada", item: "BVPB-2016-10-19", what: "agenda of BVPB-2016-10-19 (full)", allowed: true,
                address: "192.0.2.7"))
        try docket.recordAccess(.signOut(user: "ada", address: "192.0.2.7"))

        let all = try archive.ok("audit").split(separator: "\n").map(String.init)
        #expect(all.count == 5)
        #expect(all[0].hasPrefix("TIME"))
        // London time (BST): 10:00 for 09:00 UTC.
        for part in ["2016-09-20 10:00:00", "ada", "sign-in (password)", "allowed", "192.0.2.7"] {
            #expect(all[1].contains(part), "\(all[1]) lacks \(part)")
        }
        for part in ["mallory", "sign-in-refused", "refused", "name or password not recognised", "203.0.113.9"] {
            #expect(all[2].contains(part), "\(all[2]) lacks \(part)")
        }
        #expect(all[3].contains("agenda of BVPB-2016-10-19 (full)") && all[3].contains("item BVPB-2016-10-19"))

        #expect(try archive.ok("audit", "--user", "ada").split(separator: "\n").count == 4)
        #expect(try archive.ok("audit", "--user", "mallory").split(separator: "\n").count == 2)
        let item = try archive.ok("audit", "--item", "BVPB-2016-10-19").split(separator: "\n")
        #expect(item.count == 2 && item[1].contains("view"))
        #expect(try archive.ok("audit", "--since", "2016-09-21").split(separator: "\n").count == 3)

        let json = try archive.ok("audit", "--json", "--user", "ada")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["action"] as? String } == ["sign-in", "view", "sign-out"])
        #expect(rows[0]["at"] as? String == "2016-09-20T09:00:00.000Z")
        #expect(rows[0]["londonTime"] as? String == "2016-09-20 10:00:00")
        #expect(rows[0]["method"] as? String == "password" && rows[0]["outcome"] as? String == "allowed")
        #expect(rows[1]["item"] as? String == "BVPB-2016-10-19" && rows[1]["address"] as? String == "192.0.2.7")

        let bad = try archive.run(["audit", "--since", "21/09/2016"])
        #expect(bad.status == 2 && bad.standardError.contains("--since must be a date YYYY-MM-DD"))
        #expect(try archive.run(["audit", "--help"]).standardOutput.contains("USAGE: docket audit"))
        #expect(try archive.ok("verify").contains("no problems"))
        #expect(!(try archive.run(["audit"]).standardOutput.contains(" \n")), "no trailing spaces")
    }

    /// An archive made before the access log: `init --upgrade` adds its schema, as it did the others'.
    @Test func anArchiveFromBeforeTheAccessLogIsUpgradedOnRequest() throws {
        let archive = try ScratchArchive("audit-upgrade")
        defer { archive.remove() }
        try archive.ok("init")
        try FileManager.default.removeItem(atPath: "\(archive.path)/schema/docket-access-1.xsd")
        #expect(try archive.ok("audit") == "(no entries)")
        #expect(
            try archive.verify().standardOutput.contains("no sign-in or view of restricted material can be recorded"))
        #expect(try archive.ok("init", "--upgrade").contains("schema/docket-access-1.xsd"))
        let docket = try DocketArchive(opening: archive.path)
        try docket.recordAccess(.signIn(user: "ada", method: .password, address: nil))
        #expect(try archive.ok("audit", "--json").contains("\"sign-in\""))
    }
}
