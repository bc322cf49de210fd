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
