import Archive
import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
import Workflow

/// Every read route, pages and API, by every role, over open, exempt and sensitive material:
/// allowed where the role is cleared, refused (or left out) otherwise — and a search for a
/// word that appears only in restricted material finds nothing, with no snippet, for a role
/// not cleared for it.
@Suite(.serialized) struct AccessMatrixTests {
    /// Material made for the matrix, with words that appear nowhere else in the archive.
    struct Material: Sendable {
        var meeting: String
        /// A submission whose Board item is exempt (para 3): every paper of it is restricted.
        var exempt: String
        var exemptDocument: String
        /// A submission open to all, holding an open document and an OFFICIAL-SENSITIVE one.
        var open: String
        var openDocument: String
        var sensitiveDocument: String

        static let exemptWord = "kumquatexemptus"
        static let sensitiveWord = "quincesensitivus"
        static let openWord = "plumopenus"
        static let sensitiveTitle = "Staffing casework note"
    }

    static func prepare(_ fixture: WebFixture) throws -> Material {
        let docket = fixture.docket
        let meeting = "BVPB-2016-10-19"
        let exempt = try #require(try docket.meeting(meeting).items.first { $0.reference != nil }?.reference)
        try docket.setExempt(meeting, reference: exempt, paragraph: 3, as: "clara")
        let exemptDocument = try docket.addDocument(
            to: exempt, content: Array("Legal advice: \(Material.exemptWord) settlement.\n".utf8),
            description: DocumentDescription(
                kind: .correspondence, title: "Counsel's advice", originalFileName: "a.txt"),
            as: "clara")
        let open = try docket.newSubmission(workflow: "best-value-submission", title: "Matrix update", as: "olivia")
        let openDocument = try docket.addDocument(
            to: open, content: Array("Progress: \(Material.openWord) milestones met.\n".utf8),
            description: DocumentDescription(kind: .coverLetter, title: "Cover letter", originalFileName: "c.txt"),
            as: "olivia")
        let sensitive = try docket.addDocument(
            to: open, content: Array("Named officer \(Material.sensitiveWord) disciplinary outcome.\n".utf8),
            description: DocumentDescription(
                kind: .annex, title: Material.sensitiveTitle, originalFileName: "s.txt", annex: "B",
                protectiveMarking: "OFFICIAL-SENSITIVE"),
            as: "olivia")
        return Material(
            meeting: meeting, exempt: exempt, exemptDocument: exemptDocument.sha256, open: open,
            openDocument: openDocument.sha256, sensitiveDocument: sensitive.sha256)
    }

    /// One probe of the matrix: a route, and whether its answer gave restricted material away.
    struct Probe: Sendable {
        var route: String
        /// Restricted material is behind this route (an uncleared role must be refused or
        /// given nothing of it).
        var restricted: Bool
    }

    @Test func noRestrictedItemIsReachableByARoleNotClearedForIt() async throws {
        let fixture = try await WebFixture()
        let material = try Self.prepare(fixture)
        let m = material
        let clearedUsers = ["olivia", "morgan", "clara", "ada"]
        let tokens = try Dictionary(
            uniqueKeysWithValues: (clearedUsers + ["victor"]).map {
                ($0, try fixture.docket.createToken(for: $0, label: "matrix").token)
            })
        let words = [Material.exemptWord, Material.sensitiveWord]
        try await fixture.test { client in
            var leaks: [String] = []
            var denials = 0
            var allowances = 0
            for user in clearedUsers + ["victor"] {
                let cleared = user != "victor"
                let browser = try await Browser.signIn(user, client: client)
                let bearer: HTTPFields = [.authorization: "Bearer \(tokens[user]!)"]

                // Documents: download and preview, restricted and open.
                let documents: [(String, String, Bool)] = [
                    (m.exempt, m.exemptDocument, true), (m.open, m.sensitiveDocument, true),
                    (m.open, m.openDocument, false),
                ]
                for (reference, sha, restricted) in documents {
                    for suffix in ["", "/preview", "?inline=1"] {
                        let route = "/submissions/\(reference)/documents/\(sha)\(suffix)"
                        let response = try await browser.get(route, client: client)
                        let body = String(buffer: response.body)
                        if restricted && !cleared {
                            if response.status != .forbidden || words.contains(where: body.contains) {
                                leaks.append("\(user) \(route): \(response.status)")
                            }
                            // The refusal says what and why.
                            #expect(body.contains("withheld"), "\(route): \(body.prefix(300))")
                            denials += 1
                        } else {
                            #expect(response.status == .ok, "\(user) \(route): \(response.status)")
                            allowances += 1
                        }
                    }
                }

                // The submission pages and their API twins: nothing of a withheld document,
                // not even its title, and a link to none.
                for reference in [m.exempt, m.open] {
                    let page = try await browser.get("/submissions/\(reference)", client: client)
                    let api = try await client.execute(
                        uri: "/api/submissions/\(reference)", method: .get, headers: bearer)
                    #expect(page.status == .ok && api.status == .ok)
                    for (route, body) in [
                        ("/submissions/\(reference)", String(buffer: page.body)),
                        ("/api/submissions/\(reference)", String(buffer: api.body)),
                    ] {
                        let restrictedSHAs = reference == m.exempt ? [m.exemptDocument] : [m.sensitiveDocument]
                        let restrictedTitles = reference == m.exempt ? ["Counsel"] : [Material.sensitiveTitle]
                        let shows =
                            restrictedSHAs.contains { body.contains("/documents/\($0)") }
                            || restrictedTitles.contains(where: body.contains)
                        if !cleared && shows { leaks.append("\(user) \(route) shows a withheld document") }
                        if cleared && !restrictedTitles.allSatisfy(body.contains) {
                            Issue.record("\(user) \(route) lacks a document they are cleared for")
                        }
                        if !cleared { #expect(body.contains("withheld"), "\(route) does not say what is withheld") }
                    }
                }

                // Search, page and API: a restricted word finds nothing, with no count and no
                // snippet; an open word finds its document for everyone.
                for word in words + [Material.openWord] {
                    let restricted = word != Material.openWord
                    let page = try await browser.get("/search?q=\(word)", client: client)
                    let api = try await client.execute(uri: "/api/search?q=\(word)", method: .get, headers: bearer)
                    let pageBody = String(buffer: page.body)
                    let apiBody = String(buffer: api.body)
                    #expect(page.status == .ok && api.status == .ok)
                    let found = pageBody.contains("<mark>") || apiBody != "[]"
                    if restricted && !cleared {
                        // The page repeats the query in its form; the word must appear nowhere else.
                        let occurrences = pageBody.components(separatedBy: word).count - 1
                        if found || occurrences > 1 || apiBody.contains(word) {
                            leaks.append("\(user) search \(word): found=\(found), occurrences=\(occurrences)")
                        }
                        #expect(!pageBody.contains("1 document"), "a count gave the document away")
                        denials += 1
                    } else {
                        #expect(found, "\(user) did not find \(word)")
                        allowances += 1
                    }
                }

                // Board papers: the exempt item's report, report text page, agenda and pack.
                for route in [
                    "/submissions/\(m.exempt)/report.html", "/submissions/\(m.exempt)/report.docx",
                    "/submissions/\(m.exempt)/report",
                ] {
                    let response = try await browser.get(route, client: client)
                    if !cleared {
                        if response.status != .forbidden { leaks.append("\(user) \(route): \(response.status)") }
                        denials += 1
                    } else {
                        #expect(response.status == .ok, "\(user) \(route): \(response.status)")
                        allowances += 1
                    }
                }
                let pack = try await browser.get("/meetings/\(m.meeting)/pack.zip", client: client)
                #expect(pack.status == .ok)
                let names = try AccessRulesTests.zipEntries(Array(buffer: pack.body))
                let holdsExempt = names.contains { $0.contains("-\(m.exempt)/") }
                if !cleared && holdsExempt { leaks.append("\(user) pack.zip holds the exempt item's papers") }
                if cleared { #expect(holdsExempt, "\(user)'s full pack lacks the exempt item") }
                for format in ["html", "docx"] {
                    let agenda = try await browser.get("/meetings/\(m.meeting)/agenda.\(format)", client: client)
                    #expect(agenda.status == .ok)
                    if !cleared && format == "html" && String(buffer: agenda.body).contains("Counsel") {
                        leaks.append("\(user) agenda names an exempt paper")
                    }
                }
            }
            #expect(leaks.isEmpty, "restricted material reached a role not cleared for it: \(leaks)")
            #expect(denials > 0 && allowances > 0)
        }

        // Every reading of restricted material above is in the access log, allowed for the
        // cleared and refused for the viewer: per user, 6 document probes (2 restricted
        // documents × download, preview, inline), 4 submission reads (2 pages, 2 API), 3
        // report routes, the full pack and the full agenda in 2 formats.
        let perUser = 6 + 4 + 3 + 1 + 2
        for user in clearedUsers + ["victor"] {
            let readings = try fixture.docket.accessLog(user: user).filter {
                [.view, .download].contains($0.event.action)
            }
            let outcome: AccessOutcome = user == "victor" ? .refused : .allowed
            #expect(
                readings.count == perUser, "\(user): \(readings.map { "\($0.event.action) \($0.event.what ?? "")" })")
            #expect(readings.allSatisfy { $0.event.outcome == outcome }, "\(user)")
            if outcome == .refused { #expect(readings.allSatisfy { $0.event.reason != nil }) }
        }
        #expect(try fixture.docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    /// On a real server on loopback, a reading is recorded with the connection's peer address.
    /// (Few requests: HummingbirdTesting's live client gives each 20 s, which a busy machine
    /// running the whole suite can exceed on a long route; the matrix runs in process.)
    @Test func aReadingIsRecordedWithThePeerAddress() async throws {
        let fixture = try await WebFixture()
        let m = try Self.prepare(fixture)
        _ = try fixture.docket.exemptSubmissions()
        try await fixture.test(live: true) { client in
            let victor = try await Browser.signIn("victor", client: client)
            let route = "/submissions/\(m.open)/documents/\(m.sensitiveDocument)"
            #expect(try await victor.get(route, client: client).status == .forbidden)
        }
        let entry = try #require(try fixture.docket.accessLog(user: "victor").last)
        #expect(entry.event.action == .download && entry.event.outcome == .refused)
        #expect(entry.event.document == m.sensitiveDocument)
        #expect(entry.event.address == "127.0.0.1")
    }

    @Test func anAccountWithNoRoleReachesNothingBySessionOrToken() async throws {
        let fixture = try await WebFixture()
        let m = try Self.prepare(fixture)
        // Created by a first sign-in whose provider groups map to no Docket role.
        let nobody = try fixture.docket.signIn(
            with: ProviderIdentity(issuer: "https://idp.example", subject: "s-1", nameHint: "nobody", roles: []))
        #expect(nobody.roles.isEmpty)
        try fixture.docket.setPassword("a-password-for-nobody", for: nobody.user)
        let token = try fixture.docket.createToken(for: nobody.user, label: "x").token
        let routes = [
            "/", "/submissions", "/submissions/\(m.open)", "/submissions/\(m.open)/documents/\(m.openDocument)",
            "/submissions/\(m.open)/documents/\(m.openDocument)/preview", "/search?q=\(Material.openWord)",
            "/meetings", "/meetings/\(m.meeting)/agenda.html", "/meetings/\(m.meeting)/pack.zip", "/series",
            "/submissions/\(m.exempt)/report.html",
        ]
        let apiRoutes = [
            "/api/submissions", "/api/submissions/\(m.open)", "/api/search?q=\(Material.openWord)", "/api/meetings",
        ]
        try await fixture.test { client in
            let browser = try await Browser.signIn(nobody.user, password: "a-password-for-nobody", client: client)
            for route in routes {
                let response = try await browser.get(route, client: client)
                let body = String(buffer: response.body)
                #expect(response.status == .forbidden, "\(route): \(response.status)")
                #expect(!body.contains(Material.openWord) && !body.contains("Matrix update"), "\(route)")
            }
            let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            for route in apiRoutes {
                let response = try await client.execute(uri: route, method: .get, headers: bearer)
                #expect(response.status == .forbidden, "\(route): \(response.status)")
            }
        }
    }

    @Test func theArchivesClearanceFileDecidesWhoIsCleared() async throws {
        let fixture = try await WebFixture()
        let material = try Self.prepare(fixture)
        // The CLI's `docket clearance --role clerk --role admin --open-marking OFFICIAL`:
        // officers and the Mayor are no longer cleared.
        let cli = try DocketArchive(opening: fixture.path)
        #expect(throws: DocketError.self) {
            try cli.setClearance(clearedRoles: ["clerk", "nobody"], openMarkings: ["OFFICIAL"])
        }
        #expect(throws: DocketError.self) { try cli.setClearance(clearedRoles: [], openMarkings: ["OFFICIAL"]) }
        #expect(throws: DocketError.self) { try cli.setClearance(clearedRoles: ["clerk"], openMarkings: [" "]) }
        try cli.setClearance(clearedRoles: ["clerk", "admin"], openMarkings: ["official"])
        #expect(try fixture.docket.clearance().clearedRoles == ["clerk", "admin"])
        #expect(try fixture.docket.permissions(for: "olivia").isCleared == false)
        #expect(try fixture.docket.permissions(for: "clara").isCleared)
        let sensitive = "/submissions/\(material.open)/documents/\(material.sensitiveDocument)"
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            #expect(try await olivia.get(sensitive, client: client).status == .forbidden)
            // Open markings compare without regard to case: "official" opens OFFICIAL.
            let open = "/submissions/\(material.open)/documents/\(material.openDocument)"
            #expect(try await olivia.get(open, client: client).status == .ok)
            let clara = try await Browser.signIn("clara", client: client)
            #expect(try await clara.get(sensitive, client: client).status == .ok)
        }
        // The file checks against the shipped schema with xmllint alone.
        _ = try ExternalTool.xmllint().runSucceeding(
            [
                "--noout", "--schema", "\(fixture.path)/schema/docket-access-1.xsd",
                "\(fixture.path)/access/clearance.xml",
            ])
    }

    @Test func anArchivesOwnClearanceDecidesWhoIsCleared() async throws {
        let fixture = try await WebFixture()
        let material = try Self.prepare(fixture)
        #expect(try fixture.docket.permissions(for: "victor").isCleared == false)
        #expect(try fixture.docket.permissions(for: "olivia").isCleared)
        #expect(
            try fixture.docket.submission(material.open, for: "victor").withheld.map(\.sha256)
                == [material.sensitiveDocument])
        #expect(try fixture.docket.submission(material.open, for: "olivia").withheld.isEmpty)
        // The restriction is the library's: the CLI's position (no user) sees everything, a
        // named reader what they may.
        #expect(
            try fixture.docket.submission(material.exempt).documents.contains { $0.sha256 == material.exemptDocument })
        #expect(
            try fixture.docket.submission(material.exempt, for: "victor").documents.isEmpty,
            "every paper of an exempt item is withheld")
    }
}
