import Archive
import Foundation
import Reports
import Workflow

/// Which papers of a meeting a user receives: the rule that decides whether exempt items are
/// left out, kept in one place for the pages, the API and anything added later.
extension DocketArchive {
    /// Whether `user` gets only the public version of a meeting's papers (exempt items left
    /// out): always when they asked for it, and whenever they may not see exempt items.
    ///
    /// A request parameter alone never decides this: before, `?public=1` was the only thing
    /// that left exempt items out, so any signed-in user got them by leaving it off.
    public func receivesPublicPapersOnly(_ user: String, asked publicOnly: Bool) throws(DocketError) -> Bool {
        if publicOnly { return true }
        return !(try permissions(for: user).maySeeExemptItems)
    }

    /// A meeting's agenda as `user` may read it (see `receivesPublicPapersOnly`).
    ///
    /// - Returns: the rendered agenda, and whether it is the public version.
    public func renderAgenda(_ id: String, format: ReportFormat, for user: String, publicOnly: Bool)
        throws(DocketError) -> (bytes: [UInt8], isPublic: Bool)
    {
        let isPublic = try receivesPublicPapersOnly(user, asked: publicOnly)
        return (try renderAgenda(id, format: format, public: isPublic), isPublic)
    }

    /// Writes a meeting's pack as `user` may read it (see `receivesPublicPapersOnly`).
    ///
    /// - Returns: what the pack holds, and whether it is the public version.
    public func writeMeetingPack(_ id: String, for user: String, publicOnly: Bool, to path: String)
        throws(DocketError) -> (summary: PackSummary, isPublic: Bool)
    {
        let isPublic = try receivesPublicPapersOnly(user, asked: publicOnly)
        return (try writeMeetingPack(id, public: isPublic, to: path), isPublic)
    }
}
