import Archive

/// The report texts' placeholders: `{ordinal}`, `{dispatched-on}` … filled from the archive's
/// facts. Deliberately strict: an unknown name (a typo such as `{ordnial}`) is an error, never
/// a silent blank in a report the Board will read. `{{` writes a literal brace.
public enum ReportTemplate {
    /// Checks that `text` uses only known placeholders and balanced braces.
    public static func check(_ text: String) throws(DocketError) {
        _ = try fill(text) { _ in "" }
    }

    /// Fills the placeholders of `text` with `value(name)`.
    ///
    /// - Throws: `DocketError.invalidInput` naming an unknown placeholder or an unclosed brace.
    public static func fill(_ text: String, _ value: (ReportPlaceholder) -> String) throws(DocketError) -> String {
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "{" {
                if next < text.endIndex, text[next] == "{" {
                    output.append("{")
                    index = text.index(after: next)
                    continue
                }
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw .invalidInput("an unclosed '{' in the text (write '{{' for a literal brace)")
                }
                let name = String(text[next..<close])
                guard let placeholder = ReportPlaceholder(rawValue: name) else {
                    throw .invalidInput(
                        "unknown placeholder {\(name)}; known: "
                            + ReportPlaceholder.allCases.map { "{\($0.name)}" }.joined(separator: " "))
                }
                output += value(placeholder)
                index = text.index(after: close)
            } else if character == "}", next < text.endIndex, text[next] == "}" {
                output.append("}")
                index = text.index(after: next)
            } else {
                output.append(character)
                index = next
            }
        }
        return output
    }
}

/// A placeholder a report text may use, e.g. `{ordinal}`: its name, an example (what it
/// becomes in the model case) and its value for a report's facts, in one place.
///
/// The names are report wording; `dispatched-on` and `received-on` happen to match the
/// workflow fields (`WorkflowField`) whose dates they print.
public enum ReportPlaceholder: String, Sendable, CaseIterable {
    case seriesTitle = "series-title"
    case ordinal
    case cadence
    case cadenceDigits = "cadence-digits"
    case addressee
    case dispatchedOn = "dispatched-on"
    case dispatchedWhen = "dispatched-when"
    case receivedOn = "received-on"
    case responder
    case responderShort = "responder-short"
    case responderPossessive = "responder-possessive"
    case submissionAnnex = "submission-annex"
    case responseAnnex = "response-annex"
    case meetingDate = "meeting-date"
    case board

    /// The name written between braces.
    public var name: String { rawValue }

    /// What it becomes in the model case (the council's third Best Value Plan update).
    public var example: String {
        switch self {
        case .seriesTitle: return "Best Value Plan"
        case .ordinal: return "third"
        case .cadence: return "six-month"
        case .cadenceDigits: return "6-month"
        case .addressee: return "the Secretary of State"
        case .dispatchedOn: return "20th September 2016"
        case .dispatchedWhen: return "last month"
        case .receivedOn: return "7th October 2016"
        case .responder: return "the Secretary of State’s Commissioners"
        case .responderShort: return "Commissioners"
        case .responderPossessive: return "Commissioners’"
        case .submissionAnnex: return "Annex A"
        case .responseAnnex: return "Annex B"
        case .meetingDate: return "19th October 2016"
        case .board: return "Best Value Programme Board"
        }
    }

    /// What it becomes in the report with these facts ("[not recorded]" for a fact the
    /// archive does not hold yet, so the gap shows rather than reads as a blank).
    public func value(for facts: ReportFacts) -> String {
        let unknown = "[not recorded]"
        switch self {
        case .seriesTitle: return facts.seriesTitle ?? facts.title
        case .ordinal: return facts.seriesNumber.map(Wording.ordinal) ?? unknown
        case .cadence: return facts.cadence?.adjective ?? unknown
        case .cadenceDigits: return facts.cadence.flatMap(DocketArchive.digitsAdjective) ?? unknown
        case .addressee: return DocketArchive.withArticle(facts.addressee)
        case .dispatchedOn: return facts.dispatchedOn.map(Wording.longDate) ?? unknown
        case .dispatchedWhen:
            guard let sent = facts.dispatchedOn else { return unknown }
            let months = (facts.meetingDate.year - sent.year) * 12 + facts.meetingDate.month - sent.month
            switch months {
            case 0: return "this month"
            case 1: return "last month"
            default: return "in \(Wording.monthAndYear(sent))"
            }
        case .receivedOn: return facts.receivedOn.map(Wording.longDate) ?? unknown
        case .responder: return facts.responder.map(DocketArchive.withArticle) ?? unknown
        case .responderShort: return facts.responder.map(DocketArchive.shortName) ?? unknown
        case .responderPossessive:
            return facts.responder.map { Wording.possessive(DocketArchive.shortName(of: $0)) } ?? unknown
        case .submissionAnnex:
            return facts.annexes.first { $0.documents.contains { $0.kind != .response } }.map { "Annex \($0.letter)" }
                ?? unknown
        case .responseAnnex:
            return facts.annexes.first { $0.documents.contains { $0.kind == .response } }.map { "Annex \($0.letter)" }
                ?? unknown
        case .meetingDate: return Wording.longDate(facts.meetingDate)
        case .board: return facts.board
        }
    }
}
