import Archive
import Foundation
import Index
import Reports
import Workflow

/// Who may read restricted material: agenda items exempt from publication (Schedule 12A to
/// the Local Government Act 1972) and documents marked above OFFICIAL.
///
/// Per archive, in `access/clearance.xml`; without that file, `standard`. Role names are text,
/// not `Role`, so that roles later parts of Docket add (chair, records-manager) can be listed
/// before this version of Docket knows them.
public struct Clearance: Sendable, Hashable {
    /// The roles cleared for restricted material.
    public var clearedRoles: Set<String>
    /// Protective markings anyone signed in may read (compared without regard to case).
    public var openMarkings: Set<String>

    public init(clearedRoles: Set<String>, openMarkings: Set<String>) {
        self.clearedRoles = clearedRoles
        self.openMarkings = Set(openMarkings.map(Self.normalized))
    }

    /// Officers, the Mayor, the clerk, administrators, and the chair and records manager;
    /// not viewers. Only OFFICIAL is open.
    public static let standard = Clearance(
        clearedRoles: ["officer", "mayor", "clerk", "admin", "chair", "records-manager"], openMarkings: ["OFFICIAL"])

    /// Whether a document with this marking is open to everyone signed in.
    public func isOpen(marking: String) -> Bool {
        openMarkings.contains(Self.normalized(marking))
    }

    /// Whether someone holding `roles` (own or delegated) is cleared.
    public func clears(_ roles: Set<Role>) -> Bool {
        roles.contains { clearedRoles.contains($0.rawValue) }
    }

    static func normalized(_ marking: String) -> String {
        marking.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
    }
}

/// Why a piece of material is withheld from someone: what it is and the rule, never its content.
public enum Withholding: Sendable, Hashable {
    /// A document whose protective marking is not open.
    case marked(String)
    /// Every paper of a submission whose Board item is exempt from publication.
    case exempt(meeting: String, paragraph: Int)

    /// What is withheld, in words that give nothing of it away.
    public var what: String {
        switch self {
        case .marked(let marking): "a document marked \(marking)"
        case .exempt: "the papers of an exempt agenda item"
        }
    }

    /// The rule, as a sentence.
    public var why: String {
        switch self {
        case .marked(let marking):
            "documents marked \(marking) are only for roles cleared for material above OFFICIAL"
        case .exempt(let meeting, let paragraph):
            "the item is exempt from publication at \(meeting) under paragraph \(paragraph) of Schedule 12A, "
                + "and its papers are only for roles cleared for exempt items"
        }
    }
}

/// A document in a pack that the reader may not see: enough to say that it is there and why
/// it is withheld, nothing of what it says.
public struct WithheldDocument: Sendable, Hashable {
    public var sha256: String
    public var kind: DocumentKind
    public var withholding: Withholding
}

extension DocketArchive {
    /// The archive's clearance: `access/clearance.xml`, or `Clearance.standard` without it.
    public func clearance() throws(DocketError) -> Clearance {
        try accounts.clearance()
    }

    /// Submissions whose Board item is exempt from publication at some meeting, with the
    /// meeting and the paragraph: every paper of theirs is restricted. Cached until anything
    /// in the archive changes.
    public func exemptSubmissions() throws(DocketError) -> [String: (meeting: String, paragraph: Int)] {
        let pairs = try derived("exempt-submissions") { () throws(DocketError) -> [ExemptItem] in
            var result: [ExemptItem] = []
            for id in meetingIDs() {
                for item in try meeting(id).items {
                    guard let reference = item.reference, let paragraph = item.exemptParagraph else { continue }
                    result.append(ExemptItem(reference: reference, meeting: id, paragraph: paragraph))
                }
            }
            return result
        }
        var map: [String: (meeting: String, paragraph: Int)] = [:]
        for pair in pairs where map[pair.reference] == nil { map[pair.reference] = (pair.meeting, pair.paragraph) }
        return map
    }

    /// Why `document` of submission `reference` is withheld from someone with `permissions`,
    /// or nil when they may read it.
    public func withholding(
        of document: DocumentMetadata, in reference: String, for permissions: Permissions
    ) throws(DocketError) -> Withholding? {
        if permissions.isCleared { return nil }
        return try restriction(of: document, in: reference, under: permissions.clearance)
    }

    /// Why `document` of `reference` is restricted material at all (what a reader not cleared
    /// is refused), whoever asks; nil for open material.
    public func restriction(of document: DocumentMetadata, in reference: String, under clearance: Clearance)
        throws(DocketError) -> Withholding?
    {
        if let exempt = try exemptSubmissions()[reference] {
            return .exempt(meeting: exempt.meeting, paragraph: exempt.paragraph)
        }
        if !clearance.isOpen(marking: document.protectiveMarking) {
            return .marked(document.protectiveMarking)
        }
        return nil
    }

    /// What a search by `user` must leave out, or nil when they are cleared for everything.
    public func searchRestriction(for user: String) throws(DocketError) -> SearchRestriction? {
        let permissions = try permissions(for: user)
        guard !permissions.isCleared else { return nil }
        return SearchRestriction(
            openMarkings: permissions.clearance.openMarkings.sorted(),
            hiddenSubmissions: try exemptSubmissions().keys.sorted())
    }
}

struct ExemptItem: Sendable, Hashable {
    var reference: String
    var meeting: String
    var paragraph: Int
}

extension UserAccounts {
    /// The archive's clearance (see `Clearance`): its `access/clearance.xml`, else the standard.
    func clearance() throws(DocketError) -> Clearance {
        guard let record = try archive({ () throws(ArchiveError) in try store.clearance() }) else { return .standard }
        return Clearance(clearedRoles: Set(record.clearedRoles), openMarkings: Set(record.openMarkings))
    }
}

extension DocketArchive {
    /// Role names a clearance may list: Docket's roles and those later parts of Docket add.
    public static let clearableRoleNames: Set<String> = Set(Role.allCases.map(\.rawValue)).union([
        "chair", "records-manager",
    ])

    /// Replaces the archive's clearance (`access/clearance.xml`), recorded as changed by the
    /// system user (the CLI).
    ///
    /// - Throws: for no cleared role, an unknown role name, or no open marking.
    @discardableResult
    public func setClearance(clearedRoles: [String], openMarkings: [String]) throws(DocketError) -> Clearance {
        let roles = Set(clearedRoles.map { $0.trimmingCharacters(in: .whitespaces) })
        let markings = Set(openMarkings.map(Clearance.normalized).filter { !$0.isEmpty })
        guard !roles.isEmpty else { throw .invalidInput("name at least one role cleared for restricted material") }
        if let unknown = roles.subtracting(Self.clearableRoleNames).sorted().first {
            throw .invalidInput(
                "'\(unknown)' is not a role; roles are " + Self.clearableRoleNames.sorted().joined(separator: ", "))
        }
        guard !markings.isEmpty else {
            throw .invalidInput("name at least one protective marking open to everyone (usually OFFICIAL)")
        }
        let record = ClearanceRecord(
            clearedRoles: roles.sorted(), openMarkings: markings.sorted(), changed: now(), changedBy: systemUser)
        try archive { () throws(ArchiveError) in try store.writeClearance(record) }
        // Every cached view computed under the old clearance is stale.
        noteArchiveChange()
        return Clearance(clearedRoles: roles, openMarkings: markings)
    }
}

extension WithheldDocument {
    /// What stands for a withheld document's name (its annex label or title) in a history.
    public static let placeholderName = "(withheld)"
}

extension DocketArchive {
    /// The view with every document `permissions` may not see taken out: a reader not
    /// cleared learns that the documents are there, their kind and why they are withheld.
    func withholdingFrom(_ view: SubmissionView, permissions: Permissions) throws(DocketError) -> SubmissionView {
        guard !permissions.isCleared else { return view }
        let reference = view.record.reference
        var withheld: [String: WithheldDocument] = [:]
        let filed = view.correspondence.flatMap { [$0.message] + $0.attachments }
        for metadata in view.documents + view.departedDocuments.map(\.metadata) + filed {
            if let withholding = try withholding(of: metadata, in: reference, for: permissions) {
                withheld[metadata.sha256] = WithheldDocument(
                    sha256: metadata.sha256, kind: metadata.kind, withholding: withholding)
            }
        }
        // The Board's outcome on an exempt item is the confidential part's to tell: its history
        // keeps that the outcome was recorded, not what it was (the outcome's words, a deferral's
        // resolution).
        let isExempt = try exemptSubmissions()[reference] != nil
        guard !withheld.isEmpty || isExempt else { return view }
        func hidden(_ document: PackDocument) -> PackDocument {
            guard withheld[document.sha256] != nil else { return document }
            var document = document
            document.name = WithheldDocument.placeholderName
            return document
        }
        var result = view
        result.documents.removeAll { withheld[$0.sha256] != nil }
        result.departedDocuments.removeAll { withheld[$0.metadata.sha256] != nil }
        // A withheld email goes with its attachments; a withheld attachment alone leaves the rest.
        result.correspondence = view.correspondence.compactMap { message in
            guard withheld[message.message.sha256] == nil else { return nil }
            var message = message
            message.attachments.removeAll { withheld[$0.sha256] != nil }
            return message
        }
        result.signedPack = view.signedPack?.map(hidden)
        result.events = view.events.map { event in
            var event = event
            switch event.body {
            case .transition(var transition):
                transition.documents = transition.documents.map(hidden)
                if isExempt, transition.name == Self.recordOutcomeEvent || transition.name == Self.deferEvent {
                    transition.comment = transition.comment.map { _ in WithheldDocument.placeholderName }
                    transition.fields = transition.fields.mapValues { _ in WithheldDocument.placeholderName }
                }
                event.body = .transition(transition)
            case .documentAdded(let document, let metadataSHA256, let replaces):
                event.body = .documentAdded(hidden(document), metadataSHA256: metadataSHA256, replaces: replaces)
            case .documentRemoved(let document, let reason):
                // A removal's reason can say what the document was.
                event.body =
                    withheld[document.sha256] == nil
                    ? event.body : .documentRemoved(hidden(document), reason: WithheldDocument.placeholderName)
            case .correspondenceFiled(var filing):
                filing.documents = filing.documents.map { filed in
                    var filed = filed
                    filed.document = hidden(filed.document)
                    return filed
                }
                event.body = .correspondenceFiled(filing)
            case .recordsDisposed(var disposal):
                disposal.documents = disposal.documents.map { disposed in
                    var disposed = disposed
                    disposed.document = hidden(disposed.document)
                    return disposed
                }
                event.body = .recordsDisposed(disposal)
            }
            return event
        }
        result.withheld =
            view.documents.compactMap { withheld[$0.sha256] }
            + view.departedDocuments.compactMap { withheld[$0.metadata.sha256] }
            + filed.compactMap { withheld[$0.sha256] }
        return result
    }

    /// A document's metadata and the path of its content, for `user` (at `address`): refused,
    /// with what is withheld and why, when they may not see it. A download of restricted
    /// material is recorded in the access log, allowed or refused.
    ///
    /// - Throws: `.withheld` for a document the user is not cleared for.
    public func document(_ reference: String, sha256: String, for user: String, from address: String? = nil)
        throws(DocketError) -> (metadata: DocumentMetadata, path: String)
    {
        let found = try document(reference, sha256: sha256)
        try requireReadable(found.metadata, in: reference, by: user, action: .download, from: address)
        return found
    }

    /// A document as text (see `documentPreview(_:sha256:)`), for `user`; recorded as a view
    /// when it is restricted material.
    ///
    /// - Throws: `.withheld` for a document the user is not cleared for.
    public func documentPreview(_ reference: String, sha256: String, for user: String, from address: String? = nil)
        throws(DocketError) -> DocumentPreview
    {
        let found = try document(reference, sha256: sha256)
        try requireReadable(found.metadata, in: reference, by: user, action: .view, from: address)
        return try documentPreview(reference, sha256: sha256)
    }

    /// Refuses a document `user` may not read; records every reading of restricted material,
    /// allowed or refused. If the record cannot be written the reading is refused too: no
    /// restricted material leaves unrecorded.
    func requireReadable(
        _ metadata: DocumentMetadata, in reference: String, by user: String, action: AccessAction, from address: String?
    ) throws(DocketError) {
        let permissions = try permissions(for: user)
        guard let restriction = try restriction(of: metadata, in: reference, under: permissions.clearance) else {
            return
        }
        try recordRestricted(
            action, by: permissions, item: reference, document: metadata.sha256, what: restriction.what,
            withholding: restriction, from: address)
        if !permissions.isCleared { throw .withheld(user: user, what: restriction.what, why: restriction.why) }
    }

    /// Records a view or download of restricted material: allowed for a cleared reader,
    /// refused (with the rule) for any other.
    func recordRestricted(
        _ action: AccessAction, by permissions: Permissions, item: String?, document: String? = nil, what: String,
        withholding: Withholding, from address: String?
    ) throws(DocketError) {
        let allowed = permissions.isCleared
        let reason = allowed ? nil : withholding.why
        let event: AccessEvent =
            action == .download
            ? .download(
                user: permissions.user, item: item, document: document, what: what, allowed: allowed, reason: reason,
                address: address)
            : .view(
                user: permissions.user, item: item, document: document, what: what, allowed: allowed, reason: reason,
                address: address)
        try recordAccess(event)
    }

    /// A submission as `user` may see it (see `submission(_:for:)`), recorded in the access
    /// log when it holds restricted material: as a view allowed for a cleared reader, refused
    /// (the documents withheld) for any other.
    public func submission(_ reference: String, for user: String, from address: String?) throws(DocketError)
        -> SubmissionView
    {
        // One read: the whole view decides what is restricted, then the reader's copy is cut from it.
        let whole = try wholeView(try readSubmission(reference), allowedFor: user)
        let permissions = try permissions(for: user)
        var restricted: [Withholding] = []
        for document in whole.documents + whole.departedDocuments.map(\.metadata) {
            if let restriction = try restriction(of: document, in: reference, under: permissions.clearance) {
                restricted.append(restriction)
            }
        }
        if let first = restricted.first {
            let what =
                restricted.count == 1 ? "\(first.what) listed" : "\(restricted.count) restricted documents listed"
            try recordRestricted(
                .view, by: permissions, item: reference, what: what, withholding: first, from: address)
        }
        return try withholdingFrom(whole, permissions: permissions)
    }
}

extension DocketArchive {
    /// Refuses `user` the papers of `reference` (its Board report above all) while its Board
    /// item is exempt from publication and they are not cleared for exempt items; records the
    /// reading of an exempt item's report, allowed or refused.
    public func requirePapersReadable(_ reference: String, by user: String, from address: String? = nil)
        throws(DocketError)
    {
        guard let exempt = try exemptSubmissions()[reference] else { return }
        let permissions = try permissions(for: user)
        let withholding = Withholding.exempt(meeting: exempt.meeting, paragraph: exempt.paragraph)
        let what = "the Board report of \(reference)"
        try recordRestricted(
            .view, by: permissions, item: reference, what: what, withholding: withholding, from: address)
        if !permissions.isCleared { throw .withheld(user: user, what: what, why: withholding.why) }
    }

    /// The Board report as `user` may read it (see `requirePapersReadable(_:by:from:)`).
    public func renderBoardReport(
        _ reference: String, format: ReportFormat, for user: String, from address: String? = nil
    ) throws(DocketError) -> [UInt8] {
        try requirePapersReadable(reference, by: user, from: address)
        return try renderBoardReport(reference, format: format)
    }

    /// Searches what `user` may see: documents they are not cleared for add nothing to the
    /// hits, the count or the snippets.
    public func search(
        _ request: SearchRequest, for user: String, progress: @Sendable (IndexProgress) -> Void = { _ in }
    ) throws(DocketError) -> SearchResults {
        var request = request
        request.restriction = try searchRestriction(for: user)
        return try search(request, progress: progress)
    }

    /// A submission's thread (see `thread(of:progress:)`) as `user` may see it.
    public func thread(of reference: String, for user: String) throws(DocketError) -> [DocumentHit] {
        _ = try archive { () throws(ArchiveError) in try store.submission(reference) }
        let restriction = try searchRestriction(for: user)
        return try withMinutes(of: reference, index: try index(), restriction: restriction)
    }
}
