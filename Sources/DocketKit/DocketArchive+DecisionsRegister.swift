import Archive
import Foundation
import Reports
import Workflow

/// The decisions register across every meeting, and a decision notice per decision.
///
/// Decisions on exempt agenda items (Schedule 12A) are restricted material: a reader not
/// cleared for exempt items finds them neither listed nor counted, and is refused their
/// notices; a cleared reader's view of each is recorded in the access log, as every reading
/// of restricted material is.
extension DocketArchive {
    /// A page of the register as `user` may see it, newest first.
    ///
    /// - Parameters:
    ///   - user: the reader; nil for the public register (what anyone may see: exempt items'
    ///     decisions left out, nothing recorded).
    ///   - address: where the reader is (the web app's client), for the access log.
    /// - Throws: `notFound` for a board or meeting that names none; `invalidInput` for a
    ///   negative offset or a limit below 1; what recording a view throws (a restricted view
    ///   that cannot be recorded is not shown).
    public func decisionsRegister(_ query: DecisionsQuery, for user: String?, from address: String? = nil)
        throws(DocketError) -> DecisionsPage
    {
        guard query.offset >= 0, (query.limit ?? 1) >= 1 else {
            throw .invalidInput("a page of the register starts at 0 or later and holds at least 1 decision")
        }
        let reader = try user.map { (name: String) throws(DocketError) in try accounts.permissions(for: name) }
        let cleared = reader?.isCleared ?? false
        var entries = try decisionEntries().filter { cleared || $0.exemptParagraph == nil }
        if let since = query.since { entries.removeAll { $0.meetingDate < since } }
        if let board = query.board {
            let wanted = try boardName(board)
            entries.removeAll { $0.board != wanted }
        }
        if let meeting = query.meeting {
            try requireMeeting(meeting)
            entries.removeAll { $0.meeting != meeting }
        }
        let start = min(query.offset, entries.count)
        let end = query.limit.map { min(entries.count, start + $0) } ?? entries.count
        let page = entries[start..<end].map { $0.registered(callIn: query.callIn, calendar: calendar) }
        if let reader {
            for decision in page {
                guard let paragraph = decision.exemptParagraph else { continue }
                try recordRestricted(
                    .view, by: reader, item: decision.reference ?? decision.meeting,
                    what: Self.restrictedDecisionWhat(decision.item, of: decision.meeting),
                    withholding: .exempt(meeting: decision.meeting, paragraph: paragraph), from: address)
            }
        }
        return DecisionsPage(decisions: page, total: entries.count, hasMore: end < entries.count)
    }

    /// One decision of the register, for `user` (see `decisionsRegister(_:for:from:)`).
    ///
    /// - Parameter item: the agenda item's number, or its submission's reference.
    /// - Throws: `notFound` for an unknown meeting; `invalidInput` for an item not on its
    ///   published agenda or one with no decision recorded; `withheld` for an exempt item's
    ///   decision and a reader not cleared for it (the refusal recorded too).
    public func registeredDecision(
        meeting id: String, item: String, callIn: CallInPeriod = .standard, for user: String?,
        from address: String? = nil
    ) throws(DocketError) -> RegisteredDecision {
        let agendaItem = try Self.publishedItem(item, of: try meeting(id))
        guard
            let entry = try decisionEntries().first(where: { $0.meeting == id && $0.decision.item == agendaItem.number }
            )
        else {
            throw .invalidInput(
                "item \(agendaItem.number) of \(id) (\(agendaItem.title)) has no decision recorded; "
                    + "record one with `docket meeting decide`")
        }
        if let paragraph = entry.exemptParagraph {
            let withholding = Withholding.exempt(meeting: id, paragraph: paragraph)
            let what = Self.restrictedDecisionWhat(agendaItem.number, of: id)
            guard let user else {
                throw .withheld(user: "the public register", what: what, why: withholding.why)
            }
            let permissions = try permissions(for: user)
            try recordRestricted(
                .view, by: permissions, item: entry.decision.reference ?? id, what: what, withholding: withholding,
                from: address)
            if !permissions.isCleared { throw .withheld(user: user, what: what, why: withholding.why) }
        }
        return entry.registered(callIn: callIn, calendar: calendar)
    }

    /// The decision notice for an item's decision, as `user` may read it, rendered as HTML or
    /// DOCX (see `decisionNotice(_:)`).
    public func renderDecisionNotice(
        meeting id: String, item: String, format: ReportFormat, callIn: CallInPeriod = .standard, for user: String?,
        from address: String? = nil
    ) throws(DocketError) -> [UInt8] {
        let decision = try registeredDecision(meeting: id, item: item, callIn: callIn, for: user, from: address)
        return try render(Self.decisionNotice(decision), format: format, created: decision.recorded)
    }

    /// Every board that has met, by name, sorted.
    public func boards() throws(DocketError) -> [String] {
        var names: Set<String> = []
        for id in meetingIDs() { names.insert(try meeting(id).definition.board) }
        return names.sorted()
    }

    // MARK: - The notice

    /// A decision notice in the council's layout: the board as its heading, a header table
    /// (board, meeting date, item, title), the decision and resolution, the vote, the actions
    /// with their owners and due dates, and when the notice was published and the decision
    /// may be implemented, with what call-in means.
    public static func decisionNotice(_ decision: RegisteredDecision) -> RichDocument {
        var blocks: [RichDocument.Block] = []
        if let paragraph = decision.exemptParagraph { blocks.append(.notice(exemptNotice(paragraph))) }
        blocks.append(
            .table(
                header: ["BOARD", "MEETING DATE", "ITEM NO", "TITLE"],
                rows: [
                    [
                        decision.board, Wording.longDate(decision.meetingDate), "\(decision.item)", decision.itemTitle,
                    ]
                ]))
        blocks.append(.heading(number: "1", text: "DECISION", level: 1))
        var decided = ["Decision: \(decisionWords(decision.type))."]
        if let reference = decision.reference { decided.append("Submission: \(reference).") }
        decided.append(contentsOf: resolutionParagraphs(decision.resolution))
        if let vote = decision.vote { decided.append("Vote: \(voteWords(vote)).") }
        for (index, text) in decided.enumerated() { blocks.append(.paragraph(number: "1.\(index + 1)", text: text)) }
        blocks.append(.heading(number: "2", text: "ACTIONS", level: 1))
        if decision.actions.isEmpty {
            blocks.append(.paragraph(number: "2.1", text: "The decision requires no actions."))
        } else {
            blocks.append(
                .table(
                    header: ["ACTION", "WHAT", "OWNER", "DUE"],
                    rows: decision.actions.map { [$0.id, $0.text, $0.owner, Wording.longDate($0.due)] }))
        }
        blocks.append(.heading(number: "3", text: "PUBLICATION AND CALL-IN", level: 1))
        blocks.append(
            .paragraph(
                number: "3.1",
                text: "This notice was published on \(Wording.longDate(decision.published)), when the decision "
                    + "was recorded."))
        blocks.append(
            .paragraph(
                number: "3.2",
                text: "The decision may be implemented after \(Wording.longDate(decision.mayBeImplementedAfter)) "
                    + "unless it is called in."))
        blocks.append(.paragraph(number: "3.3", text: callInExplanation(decision.callIn)))
        return RichDocument(
            title: "Decision notice: \(decision.board), \(Wording.longDate(decision.meetingDate)), "
                + "item \(decision.item)",
            banner: decision.board, blocks: blocks)
    }

    /// What call-in is and how the date was counted.
    public static func callInExplanation(_ period: CallInPeriod) -> String {
        "Call-in: for \(period) after the notice is published (weekends and bank holidays in England and "
            + "Wales do not count), members may ask for the decision to be reviewed before it takes effect. "
            + "A decision that is called in is not implemented until the review is complete."
    }

    /// "Noted", "Agreed as amended".
    public static func decisionWords(_ type: DecisionType) -> String {
        let words = type.words
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// "5 for, 0 against, 1 abstention".
    public static func voteWords(_ vote: DecisionVote) -> String {
        "\(vote.inFavour) for, \(vote.against) against, \(vote.abstentions) "
            + (vote.abstentions == 1 ? "abstention" : "abstentions")
    }

    /// The resolution's paragraphs (a blank line between them); lines within one are joined.
    public static func resolutionParagraphs(_ resolution: String) -> [String] {
        resolution.components(separatedBy: "\n\n").map {
            $0.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    // MARK: - Reading the logs

    static func restrictedDecisionWhat(_ item: Int, of meeting: String) -> String {
        "the decision on exempt item \(item) of \(meeting)"
    }

    /// Every recorded decision of every meeting, newest first (cached until the archive changes).
    func decisionEntries() throws(DocketError) -> [DecisionEntry] {
        try derived("decisions-register") { () throws(DocketError) -> [DecisionEntry] in
            var entries: [DecisionEntry] = []
            for id in meetingIDs() {
                let view = try meeting(id)
                for read in try boardLog(.meeting, id) {
                    guard case .decision(let decision) = read.entry.record else { continue }
                    let item = view.items.first { $0.number == decision.item && $0.isPublished }
                    entries.append(
                        DecisionEntry(
                            meeting: id, board: view.definition.board, meetingDate: view.definition.date,
                            itemTitle: item?.title ?? "Item \(decision.item)", exemptParagraph: item?.exemptParagraph,
                            decision: decision, recorded: read.entry.time, recordedBy: read.entry.actor.user))
                }
            }
            return entries.sorted(by: DecisionEntry.newestFirst)
        }
    }

    /// The board a filter names: its name or its initials (as in meeting ids), in any case.
    func boardName(_ named: String) throws(DocketError) -> String {
        let known = try boards()
        let wanted = named.trimmingCharacters(in: .whitespaces)
        if let found = known.first(where: {
            $0.caseInsensitiveCompare(wanted) == .orderedSame
                || Self.boardInitials($0).caseInsensitiveCompare(wanted) == .orderedSame
        }) {
            return found
        }
        throw .notFound(kind: "board", id: named, known: known)
    }
}
