import Archive
import ArgumentParser
import DocketKit
import Foundation

extension ArchiveKeyAlgorithm: ExpressibleByArgument {}

/// `docket key …`: the archive's signing keys.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "The archive's signing keys: make, rotate, list; seal the history recorded before signing.",
        discussion: """
            Once an archive has a signing key, every record appended to one of its hash-chained logs \
            (events, board, mail, access, retention logs) carries an enveloped XML Signature, so that \
            not even someone with write access to the archive can rewrite its history unnoticed \
            without the private key. The private key stays outside the archive, in a file only the \
            service account reads (--signing-key, DOCKET_SIGNING_KEY, else \
            ~/.config/docket/signing-keys/ARCHIVE-ID.pem); the public keys are listed in the \
            archive (keys/log/) with the period each was in use. Only an administrator, in their \
            own right, makes, rotates or seals.
            """,
        subcommands: [New.self, Rotate.self, List.self, SealHistory.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the archive's first signing key; from now on every record is signed.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var acting: ActingUser
        @Option(help: "ecdsa-p256 (default) or rsa-3072.")
        var algorithm: ArchiveKeyAlgorithm = .ecdsaP256

        func run() throws {
            let docket = try archive.open()
            let key = try docket.createSigningKey(algorithm, by: acting.user)
            KeyCommand.printMade(key, docket: docket)
            print("records appended before now are unsigned; 'docket key seal-history' seals them")
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the signing key in use; records signed before still verify with the old key.",
            discussion: """
                The new key's entry in the key list is signed by the key it replaces, and the key \
                file is overwritten with the new private key: keep no copy of the old one.
                """)
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var acting: ActingUser
        @Option(help: "ecdsa-p256 (default) or rsa-3072.")
        var algorithm: ArchiveKeyAlgorithm = .ecdsaP256

        func run() throws {
            let docket = try archive.open()
            KeyCommand.printMade(try docket.rotateSigningKey(algorithm, by: acting.user), docket: docket)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the signing keys with their periods and fingerprints (--pem: the current public key).")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var output: OutputFormat
        @Flag(help: "Print the current key's public key as PEM, for xmlsec1 --pubkey-pem.")
        var pem = false

        struct Row: Encodable {
            var name: String
            var algorithm: String
            var spkiSHA256: String
            var from: Date
            var until: Date?
            var publicKeyPEM: String
        }

        func run() throws {
            let keys = try archive.open().signingKeys()
            if pem {
                guard let current = keys.last else { throw ValidationError("this archive has no signing key") }
                print(current.key.publicKeyPEM, terminator: "")
                return
            }
            let rows = keys.map {
                Row(
                    name: $0.key.name, algorithm: $0.key.algorithm.rawValue, spkiSHA256: $0.key.spkiSHA256,
                    from: $0.from, until: $0.until, publicKeyPEM: $0.key.publicKeyPEM)
            }
            if output.json { return try printJSON(rows) }
            guard !rows.isEmpty else {
                print("no signing key: this archive's records are not signed ('docket key new' makes one)")
                return
            }
            let style = Date.ISO8601FormatStyle()
            print(
                table(
                    [["KEY", "ALGORITHM", "FROM", "UNTIL", "SPKI SHA-256"]]
                        + rows.map {
                            [
                                $0.name, $0.algorithm, style.format($0.from), $0.until.map(style.format) ?? "(in use)",
                                $0.spkiSHA256,
                            ]
                        }))
        }
    }

    struct SealHistory: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seal-history",
            abstract: "Seal every log whose records predate signing: one signed record per log, in keys/seals/.",
            discussion: """
                Touches no existing file (that would break every chain link): for each log whose \
                last record is unsigned, appends a signed seal holding that record's SHA-256. The \
                records before it are fixed by their hash chain; from the seal on, verify names any \
                unsigned record of that log. Running it again seals only what is new.
                """)
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var acting: ActingUser

        func run() throws {
            var standardError = StandardError()
            let interactive = isatty(STDERR_FILENO) != 0
            let seals = try archive.open().sealHistory(by: acting.user) { done, total in
                if interactive {
                    print("\rsealing: \(done)/\(total) logs", terminator: done == total ? "\n" : "", to: &standardError)
                }
            }
            for seal in seals {
                print("sealed \(seal.chain) at \(ArchiveStore.recordFileName(seal.last)) \(seal.sha256)")
            }
            print(
                seals.isEmpty
                    ? "nothing to seal: every log's last record is signed or sealed" : "\(seals.count) log(s) sealed")
        }
    }

    static func printMade(_ key: ArchiveKey, docket: DocketArchive) {
        print("signing key \(key.name) (\(key.algorithm.rawValue)) is in use")
        print(
            "SPKI SHA-256 fingerprint: \(key.spkiSHA256)  (publish it where the archive's administrators cannot change it)"
        )
        print(
            "private key: \(docket.store.signingKeyPath ?? "?") (readable by this account only; keep it out of backups of the archive)"
        )
    }
}

/// `docket signature show FILE`
struct SignatureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signature",
        abstract: "Show who signed an archive record, what it fixes and when.",
        subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show a record's signature: key, time, the record's actor and action, and every SHA-256 it fixes.",
            discussion: """
                FILE is any record of a hash-chained log (submissions/REF/events/000003.xml …), in \
                the archive or a copy; its signature is checked against the archive's key list. \
                Exit status: 0 when the signature verifies, 1 when the record is unsigned or its \
                signature does not verify.
                """)
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var output: OutputFormat
        @Argument(help: ArgumentHelp("The record's file.", valueName: "FILE"))
        var file: String

        func run() throws {
            let description = try archive.open().describeSignature(ofFileAt: file)
            if output.json {
                try printJSON(description)
            } else {
                let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
                print("file: \(description.path)")
                if description.signed {
                    print(
                        "signature: \(description.valid ? "valid" : "NOT VALID")"
                            + (description.problem.map { " (\($0))" } ?? ""))
                    print(
                        "signed by key: \(description.keyName ?? "?")"
                            + (description.keyAlgorithm.map { " (\($0))" } ?? "")
                            + (description.keyFingerprint.map { ", SPKI SHA-256 \($0)" } ?? ""))
                    print("signed at: \(description.signedAt.map(style.format) ?? "?")")
                } else {
                    print("signature: none (a record from before the archive signed, or stripped)")
                }
                print("record: \(description.record)" + (description.sequence.map { ", number \($0)" } ?? ""))
                if let at = description.recordedAt { print("recorded at: \(style.format(at))") }
                if let actor = description.actor { print("by: \(actor)") }
                if let action = description.action { print("what: \(action)") }
                if let previous = description.previous { print("previous record's SHA-256: \(previous)") }
                for binding in description.bindings { print("fixes \(binding.what): \(binding.sha256)") }
            }
            if !description.valid { throw ExitCode.failure }
        }
    }
}
