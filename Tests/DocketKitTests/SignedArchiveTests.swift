import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow
import XML

/// The demo archive signed from its first record: every record checked by xmlsec1 and xmllint
/// with the archive's public key alone, and the insider's attacks on it named by `verify`.
final class SignedDemo: @unchecked Sendable {
    let directory: TemporaryDirectory
    let path: String
    let keyPath: String
    private let lock = NSLock()
    private var instant: Date
    private(set) var docket: DocketArchive!
    /// The demo's submissions, oldest first (the third update last).
    let submissions: [String]

    init(_ label: String, meetingHeld: Bool = true, now: String = "2017-01-10T10:00:00Z") throws {
        directory = try TemporaryDirectory(label)
        path = directory.path("archive")
        keyPath = directory.path("keys/signing.pem")
        submissions = try DemoArchive.build(
            at: path, from: Distribution(root: TemporaryArchive.repositoryRoot.path), meetingHeld: meetingHeld,
            signed: true, signingKey: keyPath
        ).submissions
        instant = try Date.ISO8601FormatStyle().parse(now)
        docket = try DocketArchive(opening: path, clock: { [unowned self] in self.now }, signingKey: keyPath)
    }

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return instant
    }

    func set(_ iso: String) throws {
        let date = try Date.ISO8601FormatStyle().parse(iso)
        lock.lock()
        instant = date
        lock.unlock()
    }

    /// Every record of every log, relative to the archive.
    func records() -> [String] {
        docket.store.chainDirectories().flatMap { chain in
            DurableFile.list("\(path)/\(chain)").filter { ArchiveStore.recordNumber($0) != nil }.map {
                "\(chain)/\($0)"
            }
        }
    }

    /// Replaces an archived (read-only) file, as an insider with write access would.
    func overwrite(_ relative: String, with bytes: [UInt8]) throws {
        let file = "\(path)/\(relative)"
        chmod(file, 0o644)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
    }

    func read(_ relative: String) throws -> [UInt8] {
        try DurableFile.read("\(path)/\(relative)")
    }

    func problems() throws -> [VerificationFinding] {
        try docket.verify().filter { $0.severity == .problem }
    }

    deinit {
        _ = try? ExternalTool(path: "/bin/chmod").run(["-R", "u+w", directory.url.path])
        directory.remove()
    }
}

@Suite("Signed archive")
struct SignedArchiveTests {
    func failure(_ body: () throws -> some Any) -> (any Error)? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    static func xmlsec1Arguments(keyName: String, publicKey: String) -> [String] {
        [
            "--verify", "--enabled-reference-uris", "empty", "--enabled-key-data", "key-name",
            "--pubkey-pem:\(keyName)", publicKey,
        ]
    }

    @Test("every record of the signed demo verifies with xmlsec1 and xmllint alone, and with verify")
    func everyRecordVerifiesWithoutDocket() throws {
        let demo = try SignedDemo("signed-demo")
        let (findings, summary) = try demo.docket.verifyReporting()
        #expect(findings.filter { $0.severity == .problem }.isEmpty, "\(findings)")
        let records = demo.records()
        #expect(summary.signed == records.count)
        #expect(summary.beforeSigning == 0)
        // Every kind of log is signed: events, series, meetings, reports, mail, retention, keys.
        for log in ["submissions/", "series/", "meetings/", "keys/log"] {
            #expect(records.contains { $0.hasPrefix(log) }, "no record under \(log)")
        }
        let key = try #require(demo.docket.signingKeys().last?.key)
        // The private key is outside the archive and readable by its owner only.
        var status = stat()
        #expect(stat(demo.keyPath, &status) == 0)
        #expect(status.st_mode & 0o077 == 0)
        #expect(!demo.keyPath.hasPrefix(demo.path + "/"))
        // The public key as anyone can take it from the key list, with xmllint.
        let xmllint = try ExternalTool.xmllint()
        let pem = try xmllint.runSucceeding([
            "--xpath", "string(//*[local-name()='public-key'])", "\(demo.path)/keys/log/000001.xml",
        ]).standardOutput
        #expect(pem.trimmingCharacters(in: .newlines) == key.publicKeyPEM.trimmingCharacters(in: .newlines))
        let publicKey = demo.directory.path("public.pem")
        try Data(pem.utf8).write(to: URL(fileURLWithPath: publicKey))
        let xmlsec1 = try ExternalTool.xmlsec1()
        for record in records {
            let result = try xmlsec1.run(
                Self.xmlsec1Arguments(keyName: key.name, publicKey: publicKey) + ["\(demo.path)/\(record)"])
            #expect(result.status == 0, "xmlsec1 refused \(record): \(result.standardError)")
        }
        let schema = try xmllint.run(
            ["--noout", "--schema", "\(demo.path)/schema/docket-signed-1.xsd"] + records.map { "\(demo.path)/\($0)" })
        #expect(schema.status == 0, "\(schema.standardError.suffix(2000))")
    }

    @Test(
        "a byte changed in an event fails xmlsec1 and verify; one changed in a pack document fails verify and sha256sum"
    )
    func changedBytesAreNamed() throws {
        let demo = try SignedDemo("signed-bytes")
        let reference = try #require(demo.submissions.first)
        let events = "submissions/\(reference)/events"
        let names = DurableFile.list("\(demo.path)/\(events)").filter { ArchiveStore.recordNumber($0) != nil }
        let target = "\(events)/\(try #require(names.dropFirst().first))"
        // One digit of the year the event was recorded in.
        let text = String(decoding: try demo.read(target), as: UTF8.self)
        let time = try #require(text.range(of: "<time>"))
        let digit = text.index(time.upperBound, offsetBy: 3)
        var changed = text
        changed.replaceSubrange(digit...digit, with: text[digit] == "1" ? "2" : "1")
        try demo.overwrite(target, with: Array(changed.utf8))
        let key = try #require(demo.docket.signingKeys().last?.key)
        let publicKey = demo.directory.path("public.pem")
        try Data(key.publicKeyPEM.utf8).write(to: URL(fileURLWithPath: publicKey))
        let result = try ExternalTool.xmlsec1().run(
            Self.xmlsec1Arguments(keyName: key.name, publicKey: publicKey) + ["\(demo.path)/\(target)"])
        #expect(result.status != 0)
        #expect(try demo.problems().contains { $0.path.hasSuffix(target) })

        // A pack document: its SHA-256 in the signed event no longer matches the file.
        let fresh = try SignedDemo("signed-pack")
        let view = try fresh.docket.submission(reference)
        let document = try #require(view.documents.first)
        let file = "submissions/\(reference)/documents/\(document.storedAs)"
        var content = try fresh.read(file)
        content[0] ^= 0x20
        try fresh.overwrite(file, with: content)
        #expect(try fresh.problems().contains { $0.path.hasSuffix(document.storedAs) })
        let sum = try ExternalTool(path: "/usr/bin/sha256sum").runSucceeding(["\(fresh.path)/\(file)"])
        #expect(!sum.standardOutput.hasPrefix(document.sha256))
        let signedEvents = try fresh.records().filter { $0.hasPrefix("submissions/\(reference)/events") }
            .map { String(decoding: try fresh.read($0), as: UTF8.self) }
        #expect(signedEvents.contains { $0.contains(document.sha256) })
    }

    @Test(
        "the insider's rewrite, with the chain and head recomputed, is named whether the signature is kept or stripped")
    func insiderRewriteIsNamed() throws {
        for strip in [false, true] {
            let demo = try SignedDemo("signed-insider")
            let reference = try #require(demo.submissions.last)
            let chain = "submissions/\(reference)/events"
            let names = DurableFile.list("\(demo.path)/\(chain)").filter { ArchiveStore.recordNumber($0) != nil }
                .sorted()
            // The event carrying the Mayor's sign-off comment, or failing that the second.
            let target =
                try names.first {
                    String(decoding: try demo.read("\(chain)/\($0)"), as: UTF8.self).contains("<comment>")
                } ?? names[1]
            let position = try #require(names.firstIndex(of: target))
            var text = String(decoding: try demo.read("\(chain)/\(target)"), as: UTF8.self)
            let comment = try #require(text.range(of: "<comment>"))
            text.insert(contentsOf: "Amended: ", at: comment.upperBound)
            if strip {
                // The record alone, out of its envelope: an event as an unsigned archive holds it.
                let document = try XMLDocument(parsing: Array(text.utf8))
                let inner = try #require(document.root?.childElements.first)
                let start = try #require(text.range(of: "<\(inner.name) "))
                let end = try #require(text.range(of: "</\(inner.name)>", options: String.CompareOptions.backwards))
                text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + String(text[start.lowerBound..<end.upperBound])
            }
            try demo.overwrite("\(chain)/\(target)", with: Array(text.utf8))
            // Recompute every later link and the head with the project's own hashing.
            var previous = ArchiveStore.sha256(try demo.read("\(chain)/\(target)"))
            for name in names[(position + 1)...] {
                var later = String(decoding: try demo.read("\(chain)/\(name)"), as: UTF8.self)
                let open = try #require(later.range(of: "<previous>"))
                let close = try #require(later.range(of: "</previous>"))
                later.replaceSubrange(open.upperBound..<close.lowerBound, with: previous)
                try demo.overwrite("\(chain)/\(name)", with: Array(later.utf8))
                previous = ArchiveStore.sha256(Array(later.utf8))
            }
            try demo.overwrite(
                "submissions/\(reference)/head.xml",
                with: Array(
                    """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <head xmlns="urn:docket:archive:1" format="1"><sequence>\(names.count)</sequence><sha256>\(previous)</sha256></head>

                    """.utf8))
            let problems = try demo.problems()
            // The hash chain holds: only the signatures can tell.
            #expect(!problems.contains { $0.message.contains("hash chain") }, "\(problems)")
            #expect(problems.contains { $0.path.hasSuffix("\(chain)/\(target)") }, "strip \(strip): \(problems)")
            let named = problems.first { $0.path.hasSuffix("\(chain)/\(target)") }?.message ?? ""
            #expect(named.contains(strip ? "not signed" : "signature refused"))
        }
    }

    @Test("a record re-signed with an attacker's key, or an attacker's key added to the key list, is refused")
    func attackersKeyIsRefused() throws {
        let demo = try SignedDemo("signed-attacker")
        let current = try #require(demo.docket.signingKeys().last?.key)
        let attacker = try ArchiveKeyMaterial.generate(.ecdsaP256)
        let reference = try #require(demo.submissions.first)
        let chain = "submissions/\(reference)/events"
        let last = try #require(
            DurableFile.list("\(demo.path)/\(chain)").compactMap(ArchiveStore.recordNumber).max())
        let target = "\(chain)/\(ArchiveStore.recordFileName(last))"
        // Stripped of its signature, then signed by the attacker under the archive's key's name.
        let text = String(decoding: try demo.read(target), as: UTF8.self)
        let cut = try #require(text.range(of: "<ds:Signature"))
        let unsigned = String(text[..<cut.lowerBound]) + "</signed>"
        let forged = try XMLSigner(key: XMLSigningKey(name: current.name, privateKeyPEM: attacker.privateKeyPEM))
            .sign(Array(unsigned.utf8))
        try demo.overwrite(target, with: forged)
        let named = try demo.problems().first { $0.path.hasSuffix(target) }
        #expect(named?.message.contains("signature refused") == true, "\(String(describing: named))")

        // The attacker's own key in the key list, its entry signed by itself.
        let fresh = try SignedDemo("signed-attacker-key")
        let genuine = try #require(fresh.docket.signingKeys().last?.key)
        let keyLog = "\(fresh.path)/keys/log"
        let first = String(decoding: try fresh.read("keys/log/000001.xml"), as: UTF8.self)
        var entry = String(first[..<(try #require(first.range(of: "<ds:Signature"))).lowerBound]) + "</signed>"
        entry = entry.replacingOccurrences(of: "<sequence>1</sequence>", with: "<sequence>2</sequence>")
        entry = entry.replacingOccurrences(
            of: String(repeating: "0", count: 64), with: ArchiveStore.sha256(Array(first.utf8)))
        entry = entry.replacingOccurrences(of: genuine.publicKeyPEM, with: attacker.key.publicKeyPEM)
        entry = entry.replacingOccurrences(of: genuine.name, with: attacker.key.name)
        entry = entry.replacingOccurrences(of: genuine.spkiSHA256, with: attacker.key.spkiSHA256)
        let signed = try XMLSigner(
            key: XMLSigningKey(name: attacker.key.name, privateKeyPEM: attacker.privateKeyPEM)
        ).sign(Array(entry.utf8))
        chmod(keyLog, 0o755)
        try Data(signed).write(to: URL(fileURLWithPath: "\(keyLog)/000002.xml"))
        let problems = try fresh.problems()
        #expect(
            problems.contains {
                $0.path == "keys/log/000002.xml" && $0.message.contains("must be signed by \(genuine.name)")
            },
            "\(problems)")
    }

    @Test("records signed before and after a rotation verify; one dated outside its key's period is named")
    func rotation() throws {
        let demo = try SignedDemo("signed-rotation", meetingHeld: false)
        let before = try #require(demo.docket.signingKeys().last?.key)
        let oldPrivateKey = try String(contentsOfFile: demo.keyPath, encoding: .utf8)
        try demo.set("2016-10-18T12:00:00Z")
        let after = try demo.docket.rotateSigningKey(.rsa3072, by: "ada")
        #expect(after.name != before.name)
        let periods = try demo.docket.signingKeys()
        #expect(periods.count == 2)
        #expect(periods[0].until == periods[1].from)
        // The key file now holds the new key; the old one is gone from it.
        #expect(try String(contentsOfFile: demo.keyPath, encoding: .utf8) != oldPrivateKey)
        // Work goes on under the new key.
        try demo.set("2016-10-18T13:00:00Z")
        let meeting = try demo.docket.newMeeting(
            board: "Best Value Programme Board", date: try #require(CalendarDate(iso: "2016-12-14")), as: "clara")
        #expect(try demo.problems().isEmpty)
        let chain = "meetings/\(meeting)"
        let last = try #require(DurableFile.list("\(demo.path)/\(chain)").compactMap(ArchiveStore.recordNumber).max())
        let lastFile = "\(demo.path)/\(chain)/\(ArchiveStore.recordFileName(last))"
        #expect(try demo.docket.describeSignature(ofFileAt: lastFile).keyName == after.name)
        let reference = try #require(demo.submissions.last)
        let firstEvent = "\(demo.path)/submissions/\(reference)/events/000001.xml"
        #expect(try demo.docket.describeSignature(ofFileAt: firstEvent).keyName == before.name)
        #expect(try demo.docket.describeSignature(ofFileAt: firstEvent).valid)
        #expect(try demo.docket.describeSignature(ofFileAt: lastFile).valid)

        // The old key, kept by someone, signs a record dated after its period ended.
        let text = String(decoding: try DurableFile.read(lastFile), as: UTF8.self)
        let unsigned = String(text[..<(try #require(text.range(of: "<ds:Signature"))).lowerBound]) + "</signed>"
        let backdated = try XMLSigner(key: XMLSigningKey(name: before.name, privateKeyPEM: oldPrivateKey))
            .sign(Array(unsigned.utf8))
        let relative = "\(chain)/\(ArchiveStore.recordFileName(last))"
        try demo.overwrite(relative, with: backdated)
        let problems = try demo.problems()
        #expect(problems.contains { $0.path == relative && $0.message.contains("outside its period") }, "\(problems)")
    }

    @Test("a process without the key cannot write to a signed archive, and writes nothing unsigned")
    func noKeyNoWrite() throws {
        let demo = try SignedDemo("signed-nokey", meetingHeld: false)
        let meetingsBefore = DurableFile.list("\(demo.path)/meetings")
        let elsewhere = demo.directory.path("other.pem")
        let stranger = try DocketArchive(opening: demo.path, signingKey: elsewhere)
        let date = try #require(CalendarDate(iso: "2016-12-14"))
        let missing = failure { try stranger.newMeeting(board: "Best Value Programme Board", date: date, as: "clara") }
        #expect("\(String(describing: missing))".contains("cannot sign"))
        // A key file others may read is refused too.
        let copy = demo.directory.path("open.pem")
        try FileManager.default.copyItem(atPath: demo.keyPath, toPath: copy)
        chmod(copy, 0o644)
        let careless = try DocketArchive(opening: demo.path, signingKey: copy)
        let error = failure { try careless.newMeeting(board: "Best Value Programme Board", date: date, as: "clara") }
        #expect("\(String(describing: error))".contains("other accounts may read it"))
        #expect(
            DurableFile.list("\(demo.path)/meetings").filter {
                ArchiveStore.recordNumber("000001.xml") != nil
                    && DurableFile.exists("\(demo.path)/meetings/\($0)/000001.xml")
            }.count
                == meetingsBefore.filter { DurableFile.exists("\(demo.path)/meetings/\($0)/000001.xml") }.count)
        #expect(try demo.problems().isEmpty)
    }

    @Test("an unsigned history is sealed without touching a file; tampering before or after the seal is named")
    func sealHistory() throws {
        let directory = try TemporaryDirectory("seal-history")
        defer {
            _ = try? ExternalTool(path: "/bin/chmod").run(["-R", "u+w", directory.url.path])
            directory.remove()
        }
        let path = directory.path("archive")
        let keyPath = directory.path("signing.pem")
        _ = try DemoArchive.build(
            at: path, from: Distribution(root: TemporaryArchive.repositoryRoot.path), meetingHeld: false)
        let docket = try DocketArchive(opening: path, signingKey: keyPath)
        #expect(try docket.verifyReporting().signatures.keys.isEmpty)
        let hashes = try Dictionary(
            uniqueKeysWithValues: docket.store.chainDirectories().flatMap { chain in
                try DurableFile.list("\(path)/\(chain)").map {
                    ("\(chain)/\($0)", ArchiveStore.sha256(try DurableFile.read("\(path)/\(chain)/\($0)")))
                }
            })
        try docket.createSigningKey(by: "ada")
        let chains = docket.store.chainDirectories()
        let unsealed = try docket.verifyReporting()
        #expect(unsealed.signatures.beforeSigning > 0)
        #expect(unsealed.findings.filter { $0.severity == .problem }.isEmpty, "\(unsealed.findings)")

        // A log forged by hand now, unsigned: before the seal, its own time gives it away.
        let series = try #require(chains.first { $0.hasPrefix("series/") })
        let record = String(decoding: try DurableFile.read("\(path)/\(series)/000001.xml"), as: UTF8.self)
        func forge(_ name: String, _ text: String) throws -> String {
            let relative = "series/\(name)/000001.xml"
            try FileManager.default.createDirectory(atPath: "\(path)/series/\(name)", withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(path)/\(relative)"))
            return relative
        }
        let recent = try forge(
            "FORGED-A",
            record.replacingOccurrences(
                of: #"<time>[^<]*</time>"#, with: "<time>2099-01-01T00:00:00.000Z</time>", options: .regularExpression))
        let dated = try docket.verify().filter { $0.severity == .problem && $0.path == recent }
        #expect(dated.contains { $0.message.contains("after the archive began signing") }, "\(dated)")
        try FileManager.default.removeItem(atPath: "\(path)/series/FORGED-A")
        let seals = try docket.sealHistory(by: "ada")
        #expect(seals.count == chains.count - 1)  // all but the key list
        #expect(try docket.sealHistory(by: "ada").isEmpty)  // again: nothing new
        for (file, sha) in hashes {
            #expect(ArchiveStore.sha256(try DurableFile.read("\(path)/\(file)")) == sha, "\(file) changed")
        }
        let sealed = try docket.verifyReporting()
        #expect(sealed.findings.filter { $0.severity == .problem }.isEmpty, "\(sealed.findings)")
        #expect(sealed.signatures.beforeSigning == 0)
        #expect(sealed.signatures.sealedLogs == seals.count)
        #expect(throws: DocketError.self) { try docket.sealHistory(by: "olivia") }

        // After the seal, an unsigned log that was not sealed is named whatever its time says.
        let backdated = try forge("FORGED-B", record)
        let unsealedLog = try docket.verify().filter { $0.severity == .problem && $0.path == backdated }
        #expect(unsealedLog.contains { $0.message.contains("not among those sealed") }, "\(unsealedLog)")
        try FileManager.default.removeItem(atPath: "\(path)/series/FORGED-B")

        // An event appended by hand after the seal, unsigned, is named.
        let reference = try #require(docket.store.submissionReferences().first)
        let chain = "submissions/\(reference)/events"
        let seal = try #require(seals.first { $0.chain == chain })
        let lastFile = "\(path)/\(chain)/\(ArchiveStore.recordFileName(seal.last))"
        var text = String(decoding: try DurableFile.read(lastFile), as: UTF8.self)
        text = text.replacingOccurrences(
            of: "<sequence>\(seal.last)</sequence>", with: "<sequence>\(seal.last + 1)</sequence>")
        let open = try #require(text.range(of: "<previous>"))
        let close = try #require(text.range(of: "</previous>"))
        text.replaceSubrange(open.upperBound..<close.lowerBound, with: seal.sha256)
        let added = "\(chain)/\(ArchiveStore.recordFileName(seal.last + 1))"
        chmod("\(path)/\(chain)", 0o755)
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(path)/\(added)"))
        let afterSeal = try docket.verify().filter { $0.severity == .problem }
        #expect(afterSeal.contains { $0.path == added && $0.message.contains("sealed") }, "\(afterSeal)")
        unlink("\(path)/\(added)")

        // The sealed record itself rewritten: the seal's SHA-256 no longer matches.
        chmod(lastFile, 0o644)
        try Data(
            String(decoding: try DurableFile.read(lastFile), as: UTF8.self).replacingOccurrences(
                of: "</event>", with: "</event>\n"
            ).utf8
        )
        .write(to: URL(fileURLWithPath: lastFile))
        let rewritten = try docket.verify().filter { $0.severity == .problem }
        #expect(
            rewritten.contains {
                $0.path.hasSuffix(ArchiveStore.recordFileName(seal.last))
                    && $0.message.contains("changed since it was sealed")
            })
    }
}

@Suite("Signed archive: the README's check without Docket")
struct SignatureWalkThroughTests {
    /// The shell block between the README's `signature-walk-through` markers.
    static func walkThrough() throws -> String {
        let readme = try String(
            contentsOfFile: TemporaryArchive.repositoryRoot.appendingPathComponent("README.md").path, encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- signature-walk-through:begin -->"))
        let end = try #require(readme.range(of: "<!-- signature-walk-through:end -->"))
        let block = readme[begin.upperBound..<end.lowerBound]
        let open = try #require(block.range(of: "```sh\n"))
        let close = try #require(block.range(of: "```", options: .backwards))
        return String(block[open.upperBound..<close.lowerBound])
    }

    func run(_ script: String, archive: String) throws -> String {
        let result = try ExternalTool(path: "/bin/bash").run(["-c", "ARCHIVE='\(archive)'\n" + script], timeout: 120)
        return result.standardOutput + result.standardError
    }

    @Test("the README's commands prove the third update on the signed demo, and name a changed event or document")
    func readmeWalkThrough() throws {
        let demo = try SignedDemo("signed-readme")
        let script = try Self.walkThrough()
        let intact = try run(script, archive: demo.path)
        let key = try #require(demo.docket.signingKeys().last?.key)
        #expect(intact.contains("key \(key.name), SPKI SHA-256 \(key.spkiSHA256)"))
        #expect(intact.contains("signed off by morgan"))
        #expect(intact.contains("dispatched exactly what was signed"))
        #expect(intact.components(separatedBy: ": OK").count - 1 == 3, "\(intact)")
        for alarm in ["NOT VALID", "SIGNATURE FAILS", "BROKEN LINK", "HEAD DIFFERS", "FAILED"] {
            #expect(!intact.contains(alarm), "\(intact)")
        }

        // The Mayor's sign-off comment changed by one letter.
        let signOff = "submissions/BVP-2016-02/events/000005.xml"
        let text = String(decoding: try demo.read(signOff), as: UTF8.self)
        #expect(text.contains("<name>sign-off</name>"))
        try demo.overwrite(signOff, with: Array(text.replacingOccurrences(of: "Approved", with: "Approvee").utf8))
        let changed = try run(script, archive: demo.path)
        #expect(changed.contains("SIGNATURE FAILS: \(signOff)"), "\(changed)")
        #expect(changed.contains("BROKEN LINK: submissions/BVP-2016-02/events/000006.xml"))
        #expect(try demo.problems().contains { $0.path.hasSuffix(signOff) })
        try demo.overwrite(signOff, with: Array(text.utf8))

        // A document of the pack changed: sha256sum names it.
        let view = try demo.docket.submission("BVP-2016-02")
        let letter = try #require(view.documents.first { $0.kind == .coverLetter })
        let file = "submissions/BVP-2016-02/documents/\(letter.storedAs)"
        var bytes = try demo.read(file)
        bytes[bytes.count / 2] ^= 0x01
        try demo.overwrite(file, with: bytes)
        let document = try run(script, archive: demo.path)
        #expect(document.contains("\(file): FAILED"), "\(document)")
        #expect(!document.contains("SIGNATURE FAILS"))
    }
}
