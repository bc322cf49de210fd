import Archive
import Foundation
import Workflow

/// Writing and reading board logs (series, meetings, reports) for the use cases.
extension DocketArchive {
    /// Who may define series and set their default texts.
    public static let seriesRoles: Set<Role> = [.officer, .clerk, .admin]
    /// Who may create meetings and order, mark and publish their agendas.
    public static let meetingRoles: Set<Role> = [.clerk, .admin]
    /// Who may write the sections of a Board report.
    public static let reportRoles: Set<Role> = [.officer, .clerk]

    /// The entries of a log, chain checked.
    func boardLog(_ kind: BoardLogKind, _ id: String) throws(DocketError) -> [ArchiveStore.ReadBoardEntry] {
        try archive { () throws(ArchiveError) in try store.boardEntries(kind, id) }
    }

    /// Appends one record to a log as `grant`'s act, after reading the log afresh so that the
    /// chain links to what is on disk now (a racing writer gets a conflict, never a fork).
    ///
    /// - Parameter expectedLength: refuse unless the log still has this many entries (the
    ///   length the caller's decision was based on): two clerks acting on the same agenda at
    ///   once never both succeed with numbers computed from the same state.
    @discardableResult
    func appendBoard(
        _ kind: BoardLogKind, _ id: String, _ record: BoardRecord, user: String, grant: Actor.Grant,
        expectingNew: Bool = false, expectedLength: Int? = nil
    ) throws(DocketError) -> BoardEntry {
        let existing = try boardLog(kind, id)
        if expectingNew, !existing.isEmpty {
            throw .invalidInput("\(kind.rawValue) '\(id)' already exists")
        }
        if let expectedLength, existing.count != expectedLength {
            throw .boardLogChanged(kind: kind.rawValue, id: id, expected: expectedLength, actual: existing.count)
        }
        let entry = BoardEntry(
            kind: kind, logID: id, sequence: existing.count + 1, time: now(),
            actor: ActorStamp(user: user, role: grant.role, onBehalfOf: grant.onBehalfOf, systemUser: systemUser),
            previous: existing.last?.fileSHA256 ?? BoardEntry.genesis, record: record)
        _ = try archive { () throws(ArchiveError) in try store.appendBoardEntry(entry) }
        noteArchiveChange()
        return entry
    }

    /// Refuses text that is empty or only blank.
    static func requireText(_ text: String, _ what: String) throws(DocketError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidInput("\(what) must not be empty") }
        return trimmed
    }

    static func optionalText(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
