/// Why an archive operation failed. Messages name the file and what to do.
public enum ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory is not an archive (no `archive.xml`).
    case notAnArchive(path: String)
    /// `init` on a directory that already holds an archive.
    case alreadyAnArchive(path: String)
    /// A file that must be created new already exists (for events: another writer won).
    case alreadyExists(path: String)
    /// Another change was recorded first; re-read and try again.
    case conflict(reference: String, sequence: Int)
    /// The caller expected a different last event sequence number.
    case staleSequence(reference: String, expected: Int, actual: Int)
    case noSuchSubmission(reference: String)
    case noSuchDocument(reference: String, sha256: String)
    case noSuchUser(name: String)
    case userExists(name: String)
    /// A stored XML file failed to parse or validate: the archive is damaged.
    case damaged(path: String, reason: String)
    /// A system call failed.
    case io(path: String, operation: String, reason: String)
    /// Input that cannot be stored (bad name, reference, date …).
    case invalidInput(String)
    /// Another process held a lock for longer than the caller would wait: try again later.
    case busy(path: String, waited: Duration)
    /// The archive signs every record it appends, and this process cannot sign: no private key
    /// configured, the file unreadable or open to others, or holding another key than the
    /// archive's current one.
    case signingKeyUnavailable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notAnArchive(let path):
            return "\(path) is not a Docket archive (no archive.xml); create one with `docket init`"
        case .alreadyAnArchive(let path):
            return "\(path) already holds a Docket archive"
        case .alreadyExists(let path):
            return "\(path) already exists; archived files are never overwritten"
        case .conflict(let reference, let sequence):
            return "conflict: another change to \(reference) was recorded first (event \(sequence)); "
                + "look at the submission again and retry"
        case .staleSequence(let reference, let expected, let actual):
            return "\(reference) has \(actual) events, not \(expected) as expected; look at it again and retry"
        case .noSuchSubmission(let reference):
            return "no submission \(reference) in this archive"
        case .noSuchDocument(let reference, let sha256):
            return "no document \(sha256) in submission \(reference)"
        case .noSuchUser(let name):
            return "no user \(name); add one with `docket user add`"
        case .userExists(let name):
            return "user \(name) already exists"
        case .damaged(let path, let reason):
            return "\(path): damaged: \(reason)"
        case .io(let path, let operation, let reason):
            return "\(path): \(operation) failed: \(reason)"
        case .invalidInput(let message):
            return message
        case .busy(let path, let waited):
            return "\(path): another process held the lock for \(waited.components.seconds) s; try again later"
        case .signingKeyUnavailable(let path, let reason):
            return "cannot sign: \(path): \(reason). This archive signs every record it keeps (keys/log/); nothing "
                + "was written. Give the service's private key with --signing-key or DOCKET_SIGNING_KEY."
        }
    }
}
