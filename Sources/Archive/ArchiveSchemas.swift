import Foundation
import XML

/// A family of archive records with its own schema file, added to the format after its first
/// version: archives made before it lack the file until `docket init --upgrade` copies it in.
///
/// How the format grows (docs/archive-format.md): a schema file once shipped is never edited.
/// New records go into a new file — a new family here, or a new version of an existing one
/// (`docket-archive-2.xsd`) — which `init --upgrade` adds beside the old files; an archive
/// validates its writes against its own copies, and a write that needs a file the archive
/// lacks is refused with the way to add it.
public enum SchemaFamily: String, Sendable, CaseIterable {
    /// Series, meetings and report texts (`urn:docket:board:1`).
    case board
    /// Archive format 2 (`urn:docket:archive:2`): format 1 plus documents removed from or
    /// replaced in a pack. Written only for the records that need it.
    case archiveFormat2
    /// Escalation contacts and the outbox of every message decided (`urn:docket:mail:1`).
    case mail
    /// Archive format 3 (`urn:docket:archive:3`): user records with no role yet, a link to the
    /// council's identity provider, or a disabled account. Written only for the users that need it.
    case archiveFormat3
    /// The access log (sign-ins, views of restricted material) and the clearance file
    /// (`urn:docket:access:1`).
    case access
    /// Archive format 4 (`urn:docket:archive:4`): correspondence filed to a submission (an event
    /// outside the pack) and attachments `part-of` their message.
    case archiveFormat4
    /// Email that arrived: each message's catalogue card and the arrival log
    /// (`urn:docket:correspondence:1`).
    case correspondence
    /// Board format 2 (`urn:docket:board:2`): what the clerk records at a meeting (attendance,
    /// declarations of interest, decisions and their actions). Written only for those records.
    case board2
    /// Board format 3 (`urn:docket:board:3`): what follows a meeting (actions marked done or
    /// reopened; the submission carrying its minutes). Written only for those records.
    case board3
    /// Archive format 5 (`urn:docket:archive:5`): events recorded by a user acting in a role
    /// formats 1 and 2 do not name (chair, records-manager). Written only for those events.
    case archiveFormat5
    /// The retention schedule, the retention log (holds, disposal lists, approvals) and the
    /// certificates of lists carried out (`urn:docket:retention:1`).
    case retention
    /// Archive format 6 (`urn:docket:archive:6`): a submission's records destroyed or
    /// transferred under a disposal list. Written only for those events.
    case archiveFormat6
    /// The archive's signing keys and the seals over history recorded before signing
    /// (`urn:docket:keys:1`).
    case keys
    /// The one shape of XML Signature the archive holds, a profile of the W3C schema in the
    /// XMLDSig namespace; imported by `signed` only.
    case signature
    /// A signed record (`urn:docket:signed:1`): any record of a hash-chained log, unchanged,
    /// in an envelope with its enveloped XML Signature. Imports every family above.
    case signed

    /// The schema file, relative to the archive.
    public var file: String {
        switch self {
        case .board: "schema/docket-board-1.xsd"
        case .archiveFormat2: "schema/docket-archive-2.xsd"
        case .mail: "schema/docket-mail-1.xsd"
        case .archiveFormat3: "schema/docket-archive-3.xsd"
        case .access: "schema/docket-access-1.xsd"
        case .archiveFormat4: "schema/docket-archive-4.xsd"
        case .correspondence: "schema/docket-correspondence-1.xsd"
        case .board2: "schema/docket-board-2.xsd"
        case .board3: "schema/docket-board-3.xsd"
        case .archiveFormat5: "schema/docket-archive-5.xsd"
        case .retention: "schema/docket-retention-1.xsd"
        case .archiveFormat6: "schema/docket-archive-6.xsd"
        case .keys: "schema/docket-keys-1.xsd"
        case .signature: "schema/docket-signature-1.xsd"
        case .signed: "schema/docket-signed-1.xsd"
        }
    }

    /// The families whose files this one imports (it loads only beside them).
    var imports: [SchemaFamily] {
        switch self {
        case .board2: [.board]
        case .board3: [.board, .board2]
        case .archiveFormat5: [.archiveFormat4, .archiveFormat3, .archiveFormat2]
        case .retention: [.archiveFormat2]
        case .archiveFormat6: [.archiveFormat5, .archiveFormat4, .archiveFormat3, .archiveFormat2]
        case .keys: [.archiveFormat5, .archiveFormat4, .archiveFormat3, .archiveFormat2]
        case .signed: SchemaFamily.allCases.filter { $0 != .signed }
        case .signature, .board, .archiveFormat2, .mail, .archiveFormat3, .access, .archiveFormat4, .correspondence: []
        }
    }

    /// What cannot be recorded in an archive without it (for `verify`'s note and refusals).
    public var withoutIt: String {
        switch self {
        case .board: "series and meetings cannot be recorded"
        case .archiveFormat2: "documents cannot be removed from or replaced in a pack"
        case .mail: "no mail can be decided or sent"
        case .archiveFormat3:
            "no account can sign in through an identity provider, hold no role, or be disabled"
        case .access: "no sign-in or view of restricted material can be recorded"
        case .archiveFormat4: "no correspondence can be filed to a submission"
        case .correspondence: "no email can be received"
        case .board2: "no attendance, declaration or decision can be recorded for a meeting"
        case .board3: "no action can be marked done and no minutes can be started for a meeting"
        case .archiveFormat5: "no chair or records manager can record an event (such as signing minutes)"
        case .retention: "no retention schedule can be read, no hold placed and no record disposed of"
        case .archiveFormat6: "no record can be destroyed or transferred under a disposal list"
        case .keys: "no signing key can be made and no record signed"
        case .signature, .signed: "signed records cannot be checked against their schema"
        }
    }
}

/// The schemas an archive carries beyond its base schema, loaded from its own `schema/`.
struct ArchiveSchemas: Sendable {
    private let loaded: [SchemaFamily: XMLSchema]

    /// Loads every family's file that the archive has.
    ///
    /// - Throws: `.damaged` naming a file that is present but cannot be loaded.
    init(root: String) throws(ArchiveError) {
        var loaded: [SchemaFamily: XMLSchema] = [:]
        for family in SchemaFamily.allCases where DurableFile.exists("\(root)/\(family.file)") {
            // A file importing one the archive lacks cannot load; the missing one is what
            // `verify` notes and `init --upgrade` adds, after which both load.
            guard family.imports.allSatisfy({ DurableFile.exists("\(root)/\($0.file)") }) else { continue }
            do {
                loaded[family] = try XMLSchema(contentsOfFile: "\(root)/\(family.file)")
            } catch {
                throw .damaged(path: "\(root)/\(family.file)", reason: "\(error)")
            }
        }
        self.loaded = loaded
    }

    /// Whether the archive has the family's file.
    func has(_ family: SchemaFamily) -> Bool {
        loaded[family] != nil
    }

    /// The family's schema, or the refusal that says how to add it.
    func require(_ family: SchemaFamily, root: String) throws(ArchiveError) -> XMLSchema {
        guard let schema = loaded[family] else {
            throw .damaged(
                path: "\(root)/\(family.file)",
                reason: "missing: this archive predates it (\(family.withoutIt)); run 'docket init --upgrade' to add "
                    + "the schema from Docket's distribution")
        }
        return schema
    }
}
