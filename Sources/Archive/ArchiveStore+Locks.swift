import Foundation

extension ArchiveStore {
    /// Takes an exclusive `flock` on the file at `path` (created when missing), waiting for
    /// another holder to release it: how one submission, the users and the sign-in secrets
    /// each keep two processes from interleaving a read-change-write.
    ///
    /// The lock ends with `release()`, when the lock is deallocated, or with the process.
    static func exclusiveLock(at path: String, mode: mode_t = 0o644) throws(ArchiveError) -> SubmissionLock {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw .io(path: path, operation: "open", reason: String(cString: strerror(errno)))
        }
        guard DurableFile.retryingInterrupted({ Int(flock(descriptor, LOCK_EX)) }) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .io(path: path, operation: "flock", reason: reason)
        }
        return SubmissionLock(descriptor: descriptor)
    }

    /// Takes an exclusive `flock` on the file at `path`, trying every 20 ms for at most
    /// `timeout`: for callers that must answer within a time (an MTA's pipe) rather than wait.
    ///
    /// - Throws: `.busy` when another holder kept it throughout.
    static func exclusiveLock(at path: String, timeout: Duration, mode: mode_t = 0o644) throws(ArchiveError)
        -> SubmissionLock
    {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw .io(path: path, operation: "open", reason: String(cString: strerror(errno)))
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(descriptor)
                throw .io(path: path, operation: "flock", reason: String(cString: strerror(code)))
            }
            guard clock.now < deadline else {
                close(descriptor)
                throw .busy(path: path, waited: timeout)
            }
            usleep(20_000)
        }
        return SubmissionLock(descriptor: descriptor)
    }

    /// Takes an exclusive lock on the archive's sign-in secrets (`auth/`), so that two
    /// processes changing one user's credentials at once cannot lose either change.
    public func lockCredentials() throws(ArchiveError) -> SubmissionLock {
        try Self.exclusiveLock(at: "\(root)/auth/.lock", mode: 0o600)
    }

    /// Takes an exclusive lock over finding or creating the account linked to an identity
    /// provider's subject, so that two first sign-ins at once make one account. (Not the
    /// users' own lock, which `updateUser` takes inside it.)
    public func lockIdentities() throws(ArchiveError) -> SubmissionLock {
        try DurableFile.makeDirectory("\(root)/users")
        return try Self.exclusiveLock(at: "\(root)/users/.identity-lock")
    }
}
