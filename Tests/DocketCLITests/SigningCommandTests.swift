import Foundation
import TestSupport
import Testing

/// The signing keys and signatures through the built binary: the demo signs from its first
/// record, `verify` and `signature show` say so, only an administrator makes or rotates keys,
/// and a demo killed at random moments — mid-signature included — leaves no record unsigned.
@Suite(.serialized) struct SigningCommandTests {
    @Test func theDemoIsSignedAndTheCommandsSaySo() throws {
        let archive = try ScratchArchive("signing-commands")
        defer { archive.remove() }
        let built = try archive.run(["demo", "--archive", archive.path])
        try #require(built.status == 0, "docket demo: \(built.standardError)")
        #expect(built.standardOutput.contains("every record is signed with key docket-"))
        let verified = try archive.verify()
        #expect(verified.status == 0, "\(verified.standardOutput)")
        #expect(verified.standardOutput.contains("record(s) signed and verified with 1 key(s)"))
        #expect(!verified.standardOutput.contains("from before signing"))

        let keys = try archive.ok("key", "list")
        #expect(keys.contains("ecdsa-p256") && keys.contains("(in use)"))
        let pem = try archive.ok("key", "list", "--pem")
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----"))

        let signOff = "\(archive.path)/submissions/BVP-2016-02/events/000005.xml"
        let shown = try archive.ok("signature", "show", signOff)
        #expect(shown.contains("signature: valid"))
        #expect(shown.contains("by: morgan as mayor"))
        #expect(shown.contains("what: transition"))
        #expect(shown.contains("fixes document cover-letter"))

        // Only an administrator, and only once: a second key is a rotation.
        let again = try archive.run(["key", "new", "--as", "ada"])
        #expect(again.status != 0 && again.standardError.contains("docket key rotate"))
        let officer = try archive.run(["key", "rotate", "--as", "olivia"])
        #expect(officer.status != 0 && officer.standardError.contains("olivia"))
        let rotated = try archive.ok("key", "rotate", "--as", "ada", "--algorithm", "rsa-3072")
        #expect(rotated.contains("rsa-3072"))
        #expect(try archive.ok("key", "list").contains("rsa-3072"))
        #expect(try archive.verify().status == 0)
        #expect(try archive.ok("signature", "show", signOff).contains("signature: valid"))

        // A server that could not sign refuses to start, rather than fail at the first change.
        let keyless = try archive.run(["serve", "--port", "0", "--signing-key", "\(archive.directory.path)/none.pem"])
        #expect(keyless.status != 0 && keyless.standardError.contains("cannot sign"), "\(keyless.standardError)")

        // A changed record: show exits 1 and says why.
        chmod(signOff, 0o644)
        let text = try String(contentsOfFile: signOff, encoding: .utf8)
        try text.replacingOccurrences(of: "Approved", with: "Approvee").write(
            toFile: signOff, atomically: false, encoding: .utf8)
        let broken = try archive.run(["signature", "show", signOff])
        #expect(broken.status == 1)
        #expect(broken.standardOutput.contains("NOT VALID"))
        let refused = try archive.verify()
        #expect(refused.status == 1 && refused.standardOutput.contains("000005.xml: signature refused"))
    }

    @Test func aDemoKilledAtRandomMomentsLeavesNoRecordUnsigned() throws {
        let archive = try ScratchArchive("signing-kill")
        defer { archive.remove() }
        let started = Date()
        let whole = try archive.run(["demo", "--archive", archive.path])
        try #require(whole.status == 0, "\(whole.standardError)")
        let uninterrupted = Date().timeIntervalSince(started)

        var random = SeededGenerator(seed: 0x5167_0ED)
        var signedTrials = 0
        for trial in 0..<5 {
            let path = archive.directory.appendingPathComponent("trial-\(trial)").path
            let running = try CommandRunner.start(
                ["demo", "--archive", path, "--signing-key", "\(path).pem"], in: archive.directory)
            usleep(UInt32(Double.random(in: 0.1...0.9, using: &random) * uninterrupted * 1_000_000))
            running.kill()
            _ = try running.wait()
            guard FileManager.default.fileExists(atPath: "\(path)/archive.xml") else { continue }
            if FileManager.default.fileExists(atPath: "\(path)/keys/log/000001.xml") { signedTrials += 1 }
            let checked = try CommandRunner.docket(
                ["verify", "--archive", path, "--signing-key", "\(path).pem"], environment: [:], in: archive.directory)
            // Killed mid-write: only notes (a temporary file, a head one behind), never a record
            // without its signature or one whose signature fails.
            #expect(checked.status == 0, "trial \(trial): \(checked.standardOutput)")
            #expect(!checked.standardOutput.contains("not signed"), "trial \(trial)")
            #expect(!checked.standardOutput.contains("from before signing"), "trial \(trial)")
        }
        // The kills fell while records were being signed, not all before the key was made.
        #expect(signedTrials >= 3, "only \(signedTrials) trial(s) got as far as signing")
    }
}
