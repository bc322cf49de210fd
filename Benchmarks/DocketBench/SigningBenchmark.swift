import Archive
import ArgumentParser
import DocketKit
import Foundation
import Glibc
import Workflow

/// `docket-bench signing`: what signing every record costs — a fire on a signed archive
/// against one on an unsigned archive and against the disk's durable-write floor, all in the
/// same run; and `verify` of an archive of some 10,000 events, signed against unsigned.
struct SigningBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signing",
        abstract: "Signed fire vs unsigned fire vs the durable-write floor; verify with and without signatures.",
        discussion: """
            Builds two archives side by side, one with an ECDSA P-256 signing key, and fires on \
            both in alternation (so that the disk's drift falls on both alike), against the \
            durable atomic write measured in the same run. Then grows both to --submissions \
            submissions of ten events each and times verify (every check, signatures included) \
            and the signature check alone, alternating over --rounds.
            """)

    @Option(help: "Fires on each archive for the latency comparison.") var fires = 200
    @Option(help: "Submissions of ten events each for the verify comparison.") var submissions = 1000
    @Option(help: "Rounds of verify on each archive.") var rounds = 3
    @Option(help: "Samples of the disk floor.") var floorSamples = 200

    func run() throws {
        guard let distribution = Distribution.locate() else {
            throw BenchError("cannot find Docket's schemas and workflows; run from the checkout or set DOCKET_HOME")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bench-signing-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { ArchiveWrites.removeTree(scratch.path) }

        let floor = try ArchiveWrites.fsyncLatencies(in: scratch.path + "/floor", samples: floorSamples, atomic: true)
        let unsigned = try DocketArchive.create(at: scratch.path + "/unsigned", from: distribution)
        let signed = try DocketArchive.create(
            at: scratch.path + "/signed", from: distribution, signingKey: scratch.path + "/keys/signing.pem")
        for docket in [unsigned, signed] {
            try docket.addUser("ada", roles: [.admin])
            try docket.addUser("olivia", roles: [.officer])
            try docket.addUser("mayor", roles: [.mayor])
        }
        try signed.createSigningKey(by: "ada")

        // Fires, alternating between the archives: submit / return on a few submissions each.
        let pairs = try (0..<max(1, fires / 20)).map { index in
            (
                try ArchiveWrites.prepare(unsigned, title: "Fire \(index)"),
                try ArchiveWrites.prepare(signed, title: "Fire \(index)")
            )
        }
        var unsignedFires: [Double] = []
        var signedFires: [Double] = []
        for index in 0..<fires {
            let (plain, sealed) = pairs[index % pairs.count]
            let step = index / pairs.count
            unsignedFires.append(
                try ArchiveWrites.time { try ArchiveWrites.fireNext(unsigned, on: plain, index: step) })
            signedFires.append(try ArchiveWrites.time { try ArchiveWrites.fireNext(signed, on: sealed, index: step) })
        }

        // Grow both archives to ~10 events per submission, then verify each in turn.
        FileHandle.standardError.write(Data("docket-bench: writing \(submissions) submissions to each archive\n".utf8))
        for index in 0..<submissions {
            for docket in [unsigned, signed] {
                let reference = try ArchiveWrites.prepare(docket, title: "Grown \(index)")
                for step in 0..<8 { try ArchiveWrites.fireNext(docket, on: reference, index: step) }
            }
        }
        var verifyUnsigned: [Double] = []
        var verifySigned: [Double] = []
        var auditSigned: [Double] = []
        var summary = SignatureSummary()
        for _ in 0..<rounds {
            verifyUnsigned.append(try ArchiveWrites.time { try expectClean(unsigned.verifyReporting()) })
            verifySigned.append(try ArchiveWrites.time { summary = try expectClean(signed.verifyReporting()) })
            auditSigned.append(try ArchiveWrites.time { _ = signed.store.auditSignatures() })
        }
        let events = signed.store.submissionReferences().reduce(0) { total, reference in
            total + DurableFile.list("\(signed.store.root)/submissions/\(reference)/events").count
        }

        print("")
        print(
            "Signing: \(fires) fires on each archive; verify of \(events) events in \(submissions + pairs.count) submissions"
        )
        print("")
        print(ArchiveWrites.row("disk: durable atomic write (floor)", floor))
        print(ArchiveWrites.row("fire, unsigned archive", unsignedFires))
        print(ArchiveWrites.row("fire, signed archive (ECDSA P-256)", signedFires))
        let floorMedian = ArchiveWrites.median(floor)
        print(
            String(
                format:
                    "signed fire vs unsigned fire (median): %.2fx; signed fire vs floor %.1fx, unsigned vs floor %.1fx",
                ArchiveWrites.median(signedFires) / ArchiveWrites.median(unsignedFires),
                ArchiveWrites.median(signedFires) / floorMedian, ArchiveWrites.median(unsignedFires) / floorMedian))
        print(ArchiveWrites.row("verify, unsigned archive", verifyUnsigned))
        print(ArchiveWrites.row("verify, signed archive", verifySigned))
        print(ArchiveWrites.row("signature check alone, signed archive", auditSigned))
        print(
            String(
                format: "verify signed vs unsigned (median): %.2fx; %d records signed and verified",
                ArchiveWrites.median(verifySigned) / ArchiveWrites.median(verifyUnsigned), summary.signed))
        print(Machine.current(xmllint: "/usr/bin/xmllint").line)
    }

    @discardableResult
    private func expectClean(_ result: (findings: [VerificationFinding], signatures: SignatureSummary)) throws
        -> SignatureSummary
    {
        let problems = result.findings.filter { $0.severity == .problem }
        guard problems.isEmpty else { throw BenchError("verify found: \(problems.prefix(3))") }
        return result.signatures
    }
}
