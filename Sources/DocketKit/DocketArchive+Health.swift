import Archive
import Foundation
import Index

/// Whether a serving archive can do its work, part by part (the web app's `/healthz`).
public struct HealthReport: Sendable {
    /// A part checked: `archive` (archive.xml read and valid) or `index` (the search index
    /// open and answering).
    public struct Check: Sendable {
        public var name: String
        /// Why the part is not healthy; nil when it is.
        public var problem: String?
    }

    public var checks: [Check]
    /// Whether every part is healthy.
    public var isHealthy: Bool { checks.allSatisfy { $0.problem == nil } }
}

extension DocketArchive {
    /// Checks, cheaply, that the archive is still readable and the search index open: what a
    /// load balancer or monitor polls every few seconds. Not `verify`: nothing is hashed and no
    /// submission is read.
    ///
    /// The index is the one already open when it is (one small query on it); when it is not
    /// (it failed to open at start, or another process rebuilt it), it is opened as a search
    /// would open it, so a server whose index came back reports healthy again.
    public func health() -> HealthReport {
        var checks: [HealthReport.Check] = []
        do {
            try store.readMarker()
            checks.append(.init(name: "archive", problem: nil))
        } catch {
            checks.append(.init(name: "archive", problem: "the archive cannot be read: \(error)"))
        }
        do {
            let index = try index()
            _ = try indexCall { () throws(IndexError) in try index.generation() }
            checks.append(.init(name: "index", problem: nil))
        } catch {
            checks.append(.init(name: "index", problem: "the search index cannot be opened: \(error)"))
        }
        return HealthReport(checks: checks)
    }
}
