import Archive
import Foundation
import Workflow

/// The retention log folded into what it means now: the holds (in force or released) and the
/// disposal lists with where each stands. Pure: built from the log's entries in order.
public struct RetentionLedger: Sendable {
    /// A legal hold on whole submissions: an inquiry, litigation, an FOI request.
    public struct Hold: Sendable, Hashable {
        public var id: String
        public var reason: String
        public var submissions: [String]
        /// The matter's own reference outside Docket (the FOI request, the claim).
        public var caseReference: String?
        public var placedBy: String
        public var placedAt: Date
        public var releasedBy: String?
        public var releasedAt: Date?
        public var releaseReason: String?

        public var isInForce: Bool { releasedAt == nil }
    }

    /// A disposal list and the steps taken on it.
    public struct DisposalList: Sendable, Hashable {
        public enum Status: String, Sendable, Hashable {
            /// Waiting for a second person's approval.
            case proposed
            /// Approved: a records manager may carry it out.
            case approved
            case cancelled
            /// Carried out; its certificate is in the archive.
            case carriedOut = "carried-out"
        }

        public var id: String
        public var action: DisposalAction
        public var comment: String?
        /// The SHA-256 of the schedule it was made under, and its classes as they stood then.
        public var schedule: String
        public var classes: [AppliedClass]
        public var records: [ListedRecord]
        public var proposedBy: ActorStamp
        public var proposedAt: Date
        /// The SHA-256 of the log entry that proposed it.
        public var proposedEntry: String
        public var approvedBy: ActorStamp?
        public var approvedAt: Date?
        public var approvedEntry: String?
        /// The service the approver answers for.
        public var approvedForService: String?
        public var approvalComment: String?
        public var cancelledBy: String?
        public var cancellationReason: String?
        public var carriedOutBy: String?
        public var carriedOutAt: Date?
        public var certificateSHA256: String?

        public var status: Status {
            if carriedOutAt != nil { return .carriedOut }
            if cancelledBy != nil { return .cancelled }
            return approvedBy == nil ? .proposed : .approved
        }

        /// The submissions the list touches, in order of first mention.
        public var submissions: [String] {
            var seen = Set<String>()
            return records.map(\.submission).filter { seen.insert($0).inserted }
        }
    }

    /// A review's decision to keep a record: until when, why, by whom.
    public struct Keeping: Sendable, Hashable {
        public var until: CalendarDate
        public var reason: String
        public var by: String
    }

    public private(set) var holds: [Hold] = []
    /// "SUBMISSION/SHA256" → the latest decision to keep it.
    public private(set) var kept: [String: Keeping] = [:]
    public private(set) var lists: [DisposalList] = []
    /// The number of entries: the next entry is number `length + 1`.
    public private(set) var length = 0
    /// The SHA-256 of the last entry's file (64 zeros for an empty log).
    public private(set) var headSHA256 = String(repeating: "0", count: 64)

    public init(log: [(entry: RetentionLogEntry, fileSHA256: String, path: String)]) {
        for (entry, sha256, _) in log {
            apply(entry, sha256: sha256)
            length = entry.sequence
            headSHA256 = sha256
        }
    }

    private mutating func apply(_ entry: RetentionLogEntry, sha256: String) {
        switch entry.body {
        case .holdPlaced(let id, let reason, let submissions, let caseReference):
            holds.append(
                Hold(
                    id: id, reason: reason, submissions: submissions, caseReference: caseReference,
                    placedBy: entry.actor.user, placedAt: entry.at))
        case .holdReleased(let id, let reason):
            guard let index = holds.firstIndex(where: { $0.id == id }) else { return }
            holds[index].releasedBy = entry.actor.user
            holds[index].releasedAt = entry.at
            holds[index].releaseReason = reason
        case .recordsKept(let until, let reason, _, let records):
            for record in records {
                kept["\(record.submission)/\(record.sha256)"] = Keeping(
                    until: until, reason: reason, by: entry.actor.user)
            }
        case .listProposed(let id, let action, let comment, let schedule, let classes, let records):
            lists.append(
                DisposalList(
                    id: id, action: action, comment: comment, schedule: schedule, classes: classes, records: records,
                    proposedBy: entry.actor, proposedAt: entry.at, proposedEntry: sha256))
        case .listApproved(let id, let service, let comment):
            guard let index = lists.firstIndex(where: { $0.id == id }) else { return }
            lists[index].approvedBy = entry.actor
            lists[index].approvedAt = entry.at
            lists[index].approvedEntry = sha256
            lists[index].approvedForService = service
            lists[index].approvalComment = comment
        case .listCancelled(let id, let reason):
            guard let index = lists.firstIndex(where: { $0.id == id }) else { return }
            lists[index].cancelledBy = entry.actor.user
            lists[index].cancellationReason = reason
        case .listCarriedOut(let id, let certificate):
            guard let index = lists.firstIndex(where: { $0.id == id }) else { return }
            lists[index].carriedOutBy = entry.actor.user
            lists[index].carriedOutAt = entry.at
            lists[index].certificateSHA256 = certificate
        }
    }

    /// The hold in force on a submission, if any (the earliest placed).
    public func hold(on reference: String) -> Hold? {
        holds.first { $0.isInForce && $0.submissions.contains(reference) }
    }

    /// The decision to keep a record in force on `day`, if any.
    public func keeping(_ submission: String, _ sha256: String, on day: CalendarDate) -> Keeping? {
        guard let keeping = kept["\(submission)/\(sha256)"], keeping.until > day else { return nil }
        return keeping
    }

    /// The list with this id.
    public func list(_ id: String) -> DisposalList? {
        lists.first { $0.id == id }
    }

    /// The list not yet carried out or cancelled that names a record, if any.
    public func openList(naming submission: String, _ sha256: String) -> DisposalList? {
        lists.first { list in
            (list.status == .proposed || list.status == .approved)
                && list.records.contains { $0.submission == submission && $0.sha256 == sha256 }
        }
    }

    /// The id the next list of this action made in `year` takes: `DL-2026-001` to destroy,
    /// `TL-2026-001` to transfer.
    func nextListID(_ action: DisposalAction, year: Int) -> String {
        let prefix = "\(action == .destroy ? "DL" : "TL")-\(year)-"
        let number = lists.count { $0.id.hasPrefix(prefix) } + 1
        return prefix + (number < 10 ? "00" : number < 100 ? "0" : "") + String(number)
    }

    /// The id the next hold takes: `H-001` …
    var nextHoldID: String {
        let number = holds.count + 1
        return "H-" + (number < 10 ? "00" : number < 100 ? "0" : "") + String(number)
    }
}
