import Foundation
import TestSupport
import Testing

/// A size-limited tmpfs mounted for one test (root only, as CI runs), and a filler file that
/// takes its space away until removed. Unmounted when released.
final class SmallDisk {
    let directory: TemporaryDirectory
    /// Where the tmpfs is mounted.
    let path: String
    private var fillers = 0

    /// Nil when not root, with the test's issue recorded: mounting needs root.
    init?(_ label: String, megabytes: Int) throws {
        guard getuid() == 0 else {
            Issue.record("mounting a tmpfs needs root (CI runs as root); not run")
            return nil
        }
        directory = try TemporaryDirectory(label)
        path = directory.path("small")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try ExternalTool(path: "/bin/mount").runSucceeding(["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path])
    }

    /// Bytes still free for an unprivileged writer.
    var free: Int {
        var status = statvfs()
        guard statvfs(path, &status) == 0 else { return 0 }
        return Int(status.f_bavail) * Int(status.f_frsize)
    }

    /// Takes all but about `room` bytes; returns the filler's path, for `give(back:)`.
    @discardableResult
    func fill(leaving room: Int) throws -> String {
        fillers += 1
        let filler = "\(path)/filler-\(fillers)"
        try Data(count: max(0, free - room)).write(to: URL(fileURLWithPath: filler))
        return filler
    }

    /// Space returns: every filler is removed.
    func giveBack() throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where name.hasPrefix("filler-") {
            try FileManager.default.removeItem(atPath: "\(path)/\(name)")
        }
    }

    deinit {
        _ = try? ExternalTool(path: "/bin/umount").run([path])
        directory.remove()
    }
}
