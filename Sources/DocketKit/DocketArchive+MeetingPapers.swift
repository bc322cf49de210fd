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

    /// A meeting's agenda as `user` may read it (see `receivesPublicPapersOnly`). Asked for
    /// in full where the meeting holds restricted material, the reading is recorded in the
    /// access log: allowed, or refused with the public version given instead.
    ///
    /// - Returns: the rendered agenda, and whether it is the public version.
    public func renderAgenda(
        _ id: String, format: ReportFormat, for user: String, publicOnly: Bool, from address: String? = nil
    ) throws(DocketError) -> (bytes: [UInt8], isPublic: Bool) {
        let isPublic = try receivesPublicPapersOnly(user, asked: publicOnly)
        if !publicOnly { try recordFullPapers(id, .view, "the full agenda of \(id)", for: user, from: address) }
        return (try renderAgenda(id, format: format, public: isPublic), isPublic)
    }

    /// Writes a meeting's pack as `user` may read it (see `receivesPublicPapersOnly`), recorded
    /// as `renderAgenda(_:format:for:publicOnly:from:)` is.
    ///
    /// - Returns: what the pack holds, and whether it is the public version.
    public func writeMeetingPack(
        _ id: String, for user: String, publicOnly: Bool, to path: String, from address: String? = nil
    ) throws(DocketError) -> (summary: PackSummary, isPublic: Bool) {
        let isPublic = try receivesPublicPapersOnly(user, asked: publicOnly)
        if !publicOnly { try recordFullPapers(id, .download, "the full pack of \(id)", for: user, from: address) }
        return (try writeMeetingPack(id, public: isPublic, to: path), isPublic)
    }

    /// Records a request for a meeting's full papers when they hold an exempt item.
    private func recordFullPapers(
        _ id: String, _ action: AccessAction, _ what: String, for user: String, from address: String?
    ) throws(DocketError) {
        guard let item = try meeting(id).items.first(where: { $0.exemptParagraph != nil }),
            let paragraph = item.exemptParagraph
        else { return }
        try recordRestricted(
            action, by: try permissions(for: user), item: id, what: what,
            withholding: .exempt(meeting: id, paragraph: paragraph), from: address)
    }
}
