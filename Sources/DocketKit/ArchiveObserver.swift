import Synchronization

/// Told what the archive did as it happens: the web app counts these for its metrics.
///
/// The use cases call it where the change is made (after the write is durable), so every path
/// into them — pages, API, imports, the notify pass — is counted once, and no handler counts
/// for itself. Calls come from whichever thread did the work, and must return quickly.
public protocol ArchiveObserver: Sendable {
    /// A workflow event was recorded on a submission.
    func eventFired(_ event: String)
    /// A document was archived into a submission's pack.
    func documentAdded()
    /// A notification message was offered to the MTA, with what came of it.
    func notification(_ outcome: NotificationOutcome)
}

/// What came of handing one notification message to the MTA.
public enum NotificationOutcome: String, Sendable, CaseIterable {
    /// The MTA took it.
    case handedOver = "handed_over"
    /// The MTA refused it; it will be tried again.
    case failed
    /// The MTA refused it for the last time; Docket stopped trying.
    case gaveUp = "gave_up"
}

extension DocketArchive {
    /// Who is told of this archive's changes (nil: nobody). Set once by the process serving the
    /// archive; the CLI's one-shot commands leave it unset.
    public var observer: (any ArchiveObserver)? {
        get { observerSlot.withLock { $0 } }
        set { observerSlot.withLock { $0 = newValue } }
    }
}
