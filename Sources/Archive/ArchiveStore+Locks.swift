import Foundation

extension ArchiveStore {
    /// Takes an exclusive lock on the archive's sign-in secrets (`auth/`), so that two
    /// processes changing one user's credentials at once cannot lose either change.
    ///
    /// The lock ends with `release()` or the process.
    public func lockCredentials() throws(ArchiveError) -> SubmissionLock {
        let lockPath = "\(root)/auth/.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .io(path: lockPath, operation: "open", reason: String(cString: strerror(errno)))
        }
        guard DurableFile.retryingInterrupted({ Int(flock(descriptor, LOCK_EX)) }) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .io(path: lockPath, operation: "flock", reason: reason)
        }
        return SubmissionLock(descriptor: descriptor)
    }
}
