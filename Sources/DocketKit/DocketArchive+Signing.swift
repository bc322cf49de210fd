import Archive
import Foundation
import Workflow
import XML

/// Where an archive's private signing key is kept when none is named: outside the archive, in
/// the service account's configuration, one file per archive (by the identifier in `archive.xml`,
/// so the key follows an archive that is moved).
public enum SigningKeyLocation {
    /// `${XDG_CONFIG_HOME:-$HOME/.config}/docket/signing-keys/IDENTIFIER.pem`; nil when the
    /// archive's identifier cannot be read.
    public static func defaultPath(forArchiveAt archive: String) -> String? {
        guard let identifier = ArchiveStore.identifier(ofArchiveAt: archive) else { return nil }
        let environment = ProcessInfo.processInfo.environment
        let configuration =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(environment["HOME"] ?? NSHomeDirectory())/.config"
        return "\(configuration)/docket/signing-keys/\(identifier).pem"
    }
}

/// A signed record as `docket signature show` describes it: who signed what, and when.
public struct SignatureDescription: Sendable, Codable, Hashable {
    public struct Binding: Sendable, Codable, Hashable {
        /// The element that names it (`document`, `pack`, `signed-event` …) and its kind or name.
        public var what: String
        public var sha256: String
    }

    /// The file as given.
    public var path: String
    /// Whether the file carries a signature at all.
    public var signed: Bool
    /// Whether the signature verified with the archive's key of that name, in its period.
    public var valid: Bool
    /// Why it did not, when it did not.
    public var problem: String?
    public var keyName: String?
    public var keyAlgorithm: String?
    /// SHA-256 of the key's SubjectPublicKeyInfo (the fingerprint to compare with the published one).
    public var keyFingerprint: String?
    public var signedAt: Date?
    /// The record: its element and namespace (`event` in `urn:docket:archive:2` …).
    public var record: String
    public var sequence: Int?
    public var recordedAt: Date?
    /// Who recorded it: user, role, on whose behalf, operating-system account.
    public var actor: String?
    /// What happened (the body element's name and its main attributes).
    public var action: String?
    /// The SHA-256 of the record before it in its log.
    public var previous: String?
    /// Every SHA-256 the record fixes (the documents of a pack, an event it cites …).
    public var bindings: [Binding]
}

extension DocketArchive {
    /// Who may make, rotate and seal with the archive's signing keys.
    public static let keyRoles: Set<Role> = [.admin]

    /// The archive's signing keys with the period each was in use, oldest first.
    public func signingKeys() throws(DocketError) -> [ArchiveKeyPeriod] {
        try archive { () throws(ArchiveError) in try store.keyPeriods() }
    }

    /// Makes the archive's first signing key: the private key goes to the configured file
    /// (readable by its owner only), the public key into the key list; from then on every
    /// record appended to a log is signed.
    ///
    /// - Throws: `.notPermitted` for anyone but an administrator in their own right;
    ///   `.invalidInput` when the archive already has a key (rotate it instead) or predates
    ///   signing (`init --upgrade`); `.archive(.alreadyExists)` if the key file exists.
    @discardableResult
    public func createSigningKey(_ algorithm: ArchiveKeyAlgorithm = .ecdsaP256, by user: String)
        throws(DocketError) -> ArchiveKey
    {
        let grant = try requireOwnRight(Self.keyRoles, of: user, to: "make the archive's signing key")
        guard !store.signsRecords else {
            throw .invalidInput("this archive has a signing key already; 'docket key rotate' replaces it")
        }
        return try introduceKey(algorithm, grant: grant, user: user)
    }

    /// Replaces the signing key in use by a new one. The new key's entry in the key list is
    /// signed by the key it replaces; records signed before keep verifying with the old key,
    /// whose period ends now. The old private key is overwritten by the new one.
    ///
    /// - Throws: `.notPermitted` for anyone but an administrator in their own right;
    ///   `.invalidInput` when the archive has no key yet; `.archive(.signingKeyUnavailable)`
    ///   when this process cannot sign with the current key.
    @discardableResult
    public func rotateSigningKey(_ algorithm: ArchiveKeyAlgorithm = .ecdsaP256, by user: String)
        throws(DocketError) -> ArchiveKey
    {
        let grant = try requireOwnRight(Self.keyRoles, of: user, to: "rotate the archive's signing key")
        guard store.signsRecords else {
            throw .invalidInput("this archive has no signing key to rotate; 'docket key new' makes its first")
        }
        return try introduceKey(algorithm, grant: grant, user: user)
    }

    private func introduceKey(_ algorithm: ArchiveKeyAlgorithm, grant: Actor.Grant, user: String)
        throws(DocketError) -> ArchiveKey
    {
        try archive { () throws(ArchiveError) in
            try store.requireSchema(.keys)
            try store.requireSchema(.signed)
            let made = try ArchiveKeyMaterial.generate(algorithm)
            _ = try store.introduceKey(
                privateKeyPEM: made.privateKeyPEM, key: made.key,
                actor: ActorStamp(user: user, role: grant.role, systemUser: systemUser), time: now())
            return made.key
        }
    }

    /// Seals every log whose last record predates signing: one signed record per log in
    /// `keys/seals/`, holding the SHA-256 of that last record as it stands. Touches no existing
    /// file. From a seal on, every record of its log must be signed; the records before are
    /// fixed by the seal through their hash chain. Logs whose last record is signed, or sealed
    /// already, are left alone, so running it again seals only what is new.
    ///
    /// - Parameter progress: called after each seal is written with (done, total).
    /// - Returns: the seals appended.
    @discardableResult
    public func sealHistory(by user: String, progress: (Int, Int) -> Void = { _, _ in }) throws(DocketError)
        -> [HistorySeal]
    {
        let grant = try requireOwnRight(Self.keyRoles, of: user, to: "seal the archive's history")
        guard store.signsRecords else {
            throw .invalidInput("this archive has no signing key; 'docket key new' makes one, then seal its history")
        }
        let stamp = ActorStamp(user: user, role: grant.role, systemUser: systemUser)
        return try archive { () throws(ArchiveError) in
            let sealed = Dictionary(
                try store.sealLog().compactMap { read -> (String, Int)? in
                    guard case .historySealed(let seal) = read.entry.body else { return nil }
                    return (seal.chain, seal.last)
                }, uniquingKeysWith: { _, later in later })
            let keyLogs: Set<String> = [ArchiveStore.keyLogDirectory, ArchiveStore.sealLogDirectory]
            let chains = store.chainDirectories().filter { !keyLogs.contains($0) }
            // Which logs need a seal: reading each log's last record (one pass, no writes)…
            var seals: [HistorySeal] = []
            for chain in chains {
                guard let last = DurableFile.list("\(store.root)/\(chain)").compactMap(ArchiveStore.recordNumber).max(),
                    sealed[chain] != last
                else { continue }
                let bytes = try DurableFile.read("\(store.root)/\(chain)/\(ArchiveStore.recordFileName(last))")
                // A signed last record protects the log already.
                guard !ArchiveStore.mentionsSignedNamespace(bytes) else { continue }
                seals.append(HistorySeal(chain: chain, last: last, sha256: ArchiveStore.sha256(bytes)))
            }
            // …then one signed seal each, in one run.
            try store.appendSeals(seals, actor: stamp, time: now(), progress: progress)
            return seals
        }
    }

    /// Checks that this process can sign what it records: nothing to check while the archive
    /// has no key; else its key file must hold the current key and be readable by its owner only.
    ///
    /// - Throws: `.archive(.signingKeyUnavailable)` naming the file and what is wrong with it.
    public func checkSigningKey() throws(DocketError) {
        try archive { () throws(ArchiveError) in try store.checkSigningKey() }
    }

    /// Describes a signed record — any file, in this archive or a copy — and checks its
    /// signature against this archive's key list.
    public func describeSignature(ofFileAt path: String) throws(DocketError) -> SignatureDescription {
        let bytes = try archive { () throws(ArchiveError) in
            try DurableFile.read(path, limit: XMLParseOptions.defaultMaximumInputSize)
        }
        let keys = try signingKeys()
        do {
            return try SignatureDescriber(keys: keys).describe(bytes, path: path)
        } catch {
            throw .invalidInput("\(path) is not an archive record: \(error)")
        }
    }
}
