import Workflow

/// What one user may do across the archive, decided once from the roles they hold now (their
/// own and those delegated to them and still in force).
///
/// The pages and the API ask this instead of repeating role sets: what a page offers and
/// what the library allows come from the same answer. (Each use case still checks its roles
/// itself when called; this only says in advance what it will allow.) Workflow events are
/// not here: the pinned workflow decides those, per state (`SubmissionView.allowedNow`).
public struct Permissions: Sendable, Hashable {
    /// The user asked about.
    public var user: String
    /// The roles held now, own or delegated.
    public var roles: Set<Role>
    /// The archive's rule for restricted material.
    public var clearance: Clearance

    /// Cleared for restricted material: exempt agenda items and documents marked above
    /// OFFICIAL (see `Clearance`).
    public var isCleared: Bool { clearance.clears(roles) }

    /// Start a submission.
    public var mayStartSubmissions: Bool { !roles.isDisjoint(with: DocketArchive.submissionRoles) }
    /// Add documents to a pack that is still open (see `mayAddDocuments(to:)`).
    public var mayAddDocuments: Bool { !roles.isDisjoint(with: DocketArchive.documentRoles) }
    /// Define series.
    public var mayDefineSeries: Bool { !roles.isDisjoint(with: DocketArchive.seriesRoles) }
    /// Create meetings, schedule, order, mark exemptions and publish.
    public var mayManageMeetings: Bool { !roles.isDisjoint(with: DocketArchive.meetingRoles) }
    /// Write the prose sections of Board reports.
    public var mayEditReports: Bool { !roles.isDisjoint(with: DocketArchive.reportRoles) }
    /// Read agenda items exempt under Schedule 12A, in agendas, packs, reports and pages.
    public var maySeeExemptItems: Bool { isCleared }
    /// See and add users, set passwords and roles.
    public var mayAdministerUsers: Bool { !roles.isDisjoint(with: DocketArchive.administrationRoles) }
    /// Change others' mail settings, name escalation contacts, see undelivered mail.
    public var mayManageMail: Bool { !roles.isDisjoint(with: DocketArchive.mailAdministrationRoles) }
    /// Read the access log and see and revoke others' sessions (`AccessAudit`).
    public var mayReadAccessLog: Bool { !roles.isDisjoint(with: AccessAudit.auditRoles) }
    /// Read what is due for disposal, the holds and the disposal lists.
    public var mayReviewRetention: Bool { !roles.isDisjoint(with: DocketArchive.retentionReaderRoles) }
    /// Propose disposal lists and carry approved ones out (a records manager).
    public var mayProposeDisposal: Bool { !roles.isDisjoint(with: DocketArchive.recordsRoles) }
    /// Approve a list someone else proposed (an officer or administrator).
    public var mayApproveDisposal: Bool { !roles.isDisjoint(with: DocketArchive.disposalApprovalRoles) }
    /// Place and release holds, cancel lists, import the schedule.
    public var mayPlaceHolds: Bool { !roles.isDisjoint(with: DocketArchive.holdRoles) }
    /// Run a full check of the archive.
    public var mayCheckArchive: Bool { !roles.isDisjoint(with: DocketArchive.administrationRoles) }

    /// The permissions of an actor.
    public init(of actor: Actor, clearance: Clearance = .standard) {
        user = actor.user
        roles = Set(actor.grants.map(\.role))
        self.clearance = clearance
    }

    /// Whether this user may add a document to this submission now: a role that adds
    /// documents, and a pack still open (a submission in a final state takes no more).
    public func mayAddDocuments(to submission: SubmissionView) -> Bool {
        guard mayAddDocuments && !submission.isFinal else { return false }
        // Minutes' documents are the clerk's (see `DocketArchive.requireMinutesRole`).
        return submission.record.workflowName != DocketArchive.minutesWorkflow || roles.contains(.clerk)
    }
}

extension UserAccounts {
    /// What `user` may do, from the roles they hold today (see `Permissions`).
    ///
    /// - Throws: for an unknown user.
    public func permissions(for user: String) throws(DocketError) -> Permissions {
        Permissions(of: try actor(user), clearance: try clearance())
    }
}
