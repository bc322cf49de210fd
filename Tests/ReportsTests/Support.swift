import Foundation
import Reports
import TestSupport

/// A report shaped like the council's Board reports: banner, header table, numbered sections
/// and paragraphs, two numbered lists (the second must start again at 1), a bullet list, an
/// unnumbered annex heading with curly quotes, and text that looks like markup.
enum BoardReport {
    static let title = "Best Value Action Plan: Progress & Next Steps"
    static let banner = "Best Value Programme Board"
    static let header = ["TITLE", "SERVICE", "ITEM NO", "DATE"]
    static let row = [title, "Chief Executive\u{2019}s Office", "BVPB 04/16", "12 April 2016"]
    static let introduction =
        "This report updates the Board on progress against the Council\u{2019}s Best Value Action Plan "
        + "since its meeting in January."
    static let recommendation = "Note the progress made on the Best Value Action Plan."
    static let background = "The Commissioners asked for a report every six months on these themes:"
    static let themes = ["Governance and decision making", "Grants & partnership working"]
    static let markup = "Web forms now show text such as <script>alert('x')</script> exactly as typed."
    static let parts = ["Leadership, governance & culture", "Property disposals"]
    static let annex = "Annex A: Council\u{2019}s third 6-month submission to the \u{201C}Commissioners\u{201D}"
    static let annexText = "The submission is attached in full."
    static let notice = "Not for publication before 12 April 2016"

    static let document = RichDocument(
        title: title, banner: banner,
        blocks: [
            .table(header: header, rows: [row]),
            .heading(number: "1", text: "INTRODUCTION", level: 1),
            .paragraph(number: "1.1", text: introduction),
            .heading(number: "2", text: "RECOMMENDATIONS", level: 1),
            .numberedList([recommendation]),
            .heading(number: "3", text: "BACKGROUND", level: 1),
            .paragraph(number: "3.1", text: background),
            .numberedList(themes),
            .paragraph(number: "3.2", text: markup),
            .bulletList(parts),
            .heading(number: nil, text: annex, level: 2),
            .paragraph(number: nil, text: annexText),
            .notice(notice),
        ])

    /// 12 April 2016 09:30:00 UTC.
    static let created = Date(timeIntervalSince1970: 1_460_453_400)
}

/// A test's own set-up went wrong (a missing ZIP entry, a file that could not be made): not
/// a finding about the code under test.
struct SetupError: Error, CustomStringConvertible {
    var description: String
}

extension StringProtocol {
    /// Runs of white space collapsed to one space, trimmed: text as a reader sees it, whatever
    /// line breaks and alignment a converter chose.
    var collapsingWhitespace: String {
        split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
