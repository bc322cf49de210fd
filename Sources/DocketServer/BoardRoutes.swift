import Archive
import DocketKit
import Foundation
import Hummingbird
import Index
import Workflow

struct SearchModel: Sendable {
    struct Hit: Sendable {
        var reference: String
        var sha256: String
        var title: String
        var kind: String
        var date: String?
        var parties: String
        /// Escaped text and `<mark>` only: built here, shown with triple braces.
        var snippetHTML: String
    }

    var query: String
    var kind: String
    var party: String
    var state: String
    var from: String
    var to: String
    var kinds: [KindOption]
    var hits: [Hit]
    var searched: Bool
    var error: String?
    var page: Int
    var previousPage: Int?
    var nextPage: Int?
    var note: String?

    struct KindOption: Sendable {
        var value: String
        var selected: Bool
    }
}

/// A submission's Board report, section by section, with a form for each to those who write reports.
struct ReportSectionsModel: Sendable {
    struct Section: Sendable {
        var name: String
        var title: String
        var text: String
        var source: String
    }
    struct Placeholder: Sendable {
        var name: String
        var example: String
    }
    var reference: String
    var mayEdit: Bool
    var sections: [Section]
    var placeholders: [Placeholder]
    var saved: String?
}

extension DocketWebApp {
    static func sourceWording(_ source: SectionSource) -> String {
        switch source {
        case .submission: return "written for this submission"
        case .series: return "the series' standard text"
        case .template: return "the council's template"
        }
    }
}

/// The Series page: every series, and the form to define one for those who may.
struct SeriesListModel: Sendable {
    var series: [SeriesPageModel]
    var mayDefine: Bool
    var workflows: [String]
}

struct SeriesPageModel: Sendable {
    struct Member: Sendable {
        var number: String
        var reference: String
        var title: String
        var state: String
        var due: String
        var sent: String
    }

    var id: String
    var title: String
    var cadence: String
    var nextDue: String
    var overdue: Bool
    var members: [Member]
}

struct MeetingPageModel: Sendable {
    struct Item: Sendable {
        var number: Int
        var title: String
        var reference: String?
        var notes: String
    }

    var id: String
    var board: String
    var date: String
    var time: String?
    var venue: String?
    var reportDeadline: String
    var publicationDeadline: String
    var published: Bool
    /// "2 item(s) waiting for publication", or nil (Mustache treats 0 as true).
    var waiting: String?
    var items: [Item]
    var order: String
    var logLength: Int
}

extension DocketWebApp {
    func searchModel(
        query: String, kind: String, party: String, state: String, from: String, to: String, page: Int
    ) async throws -> SearchModel {
        let pageSize = 20
        var model = SearchModel(
            query: query, kind: kind, party: party, state: state, from: from, to: to,
            kinds: DocumentKind.allCases.map { .init(value: $0.rawValue, selected: $0.rawValue == kind) }, hits: [],
            searched: false, error: nil, page: max(1, page), previousPage: nil, nextPage: nil, note: nil)
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty || !kind.isEmpty || !party.isEmpty || !state.isEmpty || !from.isEmpty || !to.isEmpty
        else { return model }
        model.searched = true
        let request: SearchRequest
        do {
            request = SearchRequest(
                query: trimmed.isEmpty ? nil : try SearchQuery(trimmed), kinds: kind.isEmpty ? [] : [kind],
                party: party.isEmpty ? nil : party, state: state.isEmpty ? nil : state, from: from.isEmpty ? nil : from,
                to: to.isEmpty ? nil : to, limit: pageSize, offset: (model.page - 1) * pageSize)
        } catch {
            model.error = "\(error)"
            return model
        }
        do {
            let results = try await searches.run { try await blocking { [docket] in try docket.search(request) } }
            model.hits = results.hits.map { hit in
                SearchModel.Hit(
                    reference: hit.reference, sha256: hit.sha256, title: hit.title, kind: hit.kind, date: hit.date,
                    parties: ([hit.creator].compactMap { $0 } + hit.addressees).joined(separator: " → "),
                    snippetHTML: Self.highlighted(hit.snippet))
            }
            model.previousPage = model.page > 1 ? model.page - 1 : nil
            model.nextPage = results.hasMore ? model.page + 1 : nil
            if let window = results.rankedAmongNewest {
                model.note = "Many documents match: these are ranked among the \(window) newest matches."
            }
        } catch let error as WebError {
            model.error = error.message
        }
        return model
    }

    /// A snippet as HTML: the text escaped, the matches in `<mark>`.
    static func highlighted(_ snippet: String) -> String {
        var html = ""
        for character in snippet {
            switch character {
            case "<": html += "&lt;"
            case ">": html += "&gt;"
            case "&": html += "&amp;"
            case "\"": html += "&quot;"
            case "'": html += "&#39;"
            case Character(SearchIndex.highlightStart): html += "<mark>"
            case Character(SearchIndex.highlightEnd): html += "</mark>"
            default: html.append(character)
            }
        }
        return html
    }

    func addBoardRoutes(to router: Router<DocketRequestContext>) {
        router.get("submissions/:reference/report") { request, context -> Response in
            let user = try requireUser(context)
            let reference = try context.parameters.require("reference")
            let (sections, values) = try await blocking { [docket] in
                (try docket.reportSections(reference), try docket.placeholderValues(reference))
            }
            let model = ReportSectionsModel(
                reference: reference,
                mayEdit: try docket.permissions(for: user).mayEditReports,
                sections: sections.map {
                    .init(
                        name: $0.section.rawValue, title: $0.section.rawValue.capitalized, text: $0.text,
                        source: Self.sourceWording($0.source))
                },
                placeholders: values.map { .init(name: "{\($0.name)}", example: $0.value) },
                saved: request.uri.queryParameters.get("saved"))
            return pages.render(
                "report-sections", SimplePage(chrome: await chrome("Report: \(reference)", context), model: model))
        }

        router.post("submissions/:reference/report") { request, context -> Response in
            let user = try requireUser(context)
            let reference = try context.parameters.require("reference")
            let form = try await FormBody.read(request)
            try requireCSRF(form, context)
            let name = form["section"] ?? ""
            guard let section = ReportSectionName(rawValue: name) else {
                throw WebError.badRequest(
                    "no report section '\(name)'; the sections are "
                        + ReportSectionName.allCases.map(\.rawValue).joined(separator: ", "))
            }
            try await blocking { [docket] in
                try docket.editReportSection(reference, section: section, text: form["text"] ?? "", as: user)
            }
            return Self.redirect("/submissions/\(reference)/report?saved=\(section.rawValue)#\(section.rawValue)")
        }

        router.get("series") { _, context -> Response in
            let user = try requireUser(context)
            let workflows = try await blocking { [docket] in try docket.workflows().map(\.name) }
            let models = try await blocking { [docket] in
                try docket.seriesIDs().map { id in
                    let series = try docket.series(id)
                    return SeriesPageModel(
                        id: id, title: series.definition.title,
                        cadence: "\(series.cadence) (\(series.cadence.adjective ?? "custom"))",
                        nextDue:
                            "\(Wording.ordinal(series.nextDue.number)) update, \(Wording.longDate(series.nextDue.date))",
                        overdue: series.isOverdue,
                        members: series.members.map {
                            .init(
                                number: $0.number.map(Wording.ordinal) ?? "—", reference: $0.reference, title: $0.title,
                                state: $0.state, due: $0.due?.description ?? "—",
                                sent: $0.dispatchedOn?.description ?? "—")
                        })
                }
            }
            let model = SeriesListModel(
                series: models, mayDefine: try docket.permissions(for: user).mayDefineSeries,
                workflows: workflows)
            return pages.render("series", SimplePage(chrome: await chrome("Series", context), model: model))
        }

        router.post("series") { request, context -> Response in
            let user = try requireUser(context)
            let form = try await FormBody.read(request)
            try requireCSRF(form, context)
            guard let firstDue = form.text("first-due").flatMap(CalendarDate.init(iso:)) else {
                throw WebError.badRequest("the first update's due date must be YYYY-MM-DD")
            }
            let id = form.text("id") ?? ""
            try await blocking { [docket] in
                try docket.addSeries(
                    id, title: form.text("title") ?? "", cadence: form.text("cadence") ?? "", firstDue: firstDue,
                    workflow: form.text("workflow") ?? "", service: form.text("service"), as: user)
            }
            return Self.redirect("/series#\(id)")
        }

        router.get("meetings") { _, context -> Response in
            _ = try requireUser(context)
            let rows = try await blocking { [docket] in
                try docket.meetingIDs().map { id in MeetingRow(try docket.meeting(id)) }
            }
            return pages.render("meetings", SimplePage(chrome: await chrome("Meetings", context), model: rows))
        }

        router.post("meetings") { request, context -> Response in
            let user = try requireUser(context)
            let form = try await FormBody.read(request)
            try requireCSRF(form, context)
            guard let date = form.text("date").flatMap(CalendarDate.init(iso:)) else {
                throw WebError.badRequest("the meeting's date must be YYYY-MM-DD")
            }
            let id = try await blocking { [docket] in
                try docket.newMeeting(
                    board: form["board"] ?? "", date: date, time: form.text("time"), venue: form.text("venue"), as: user
                )
            }
            return Self.redirect("/meetings/\(id)")
        }

        router.get("meetings/:id") { _, context -> Response in
            _ = try requireUser(context)
            let id = try context.parameters.require("id")
            let model = try await blocking { [docket] in
                let meeting = try docket.meeting(id)
                return MeetingPageModel(
                    id: id, board: meeting.definition.board, date: Wording.longDate(meeting.definition.date),
                    time: meeting.definition.time, venue: meeting.definition.venue,
                    reportDeadline: meeting.reportDeadline.description,
                    publicationDeadline: meeting.publicationDeadline.description, published: meeting.publications > 0,
                    waiting: meeting.unpublishedCount > 0
                        ? "\(meeting.unpublishedCount) item(s) waiting for publication" : nil,
                    items: meeting.items.map { item in
                        return .init(
                            number: item.number, title: item.title, reference: item.reference,
                            notes: item.notes.joined(separator: ", "))
                    },
                    order: meeting.items.compactMap(\.reference).joined(separator: " "), logLength: meeting.logLength)
            }
            return pages.render("meeting", SimplePage(chrome: await chrome(model.board, context), model: model))
        }

        router.post("meetings/:id/publish") { request, context -> Response in
            let user = try requireUser(context)
            let id = try context.parameters.require("id")
            let form = try await FormBody.read(request)
            try requireCSRF(form, context)
            let expected = form["log"].flatMap(Int.init)
            _ = try await blocking { [docket] in try docket.publishAgenda(id, as: user, expectedLogLength: expected) }
            return Self.redirect("/meetings/\(id)")
        }

        router.post("meetings/:id/exempt") { request, context -> Response in
            let user = try requireUser(context)
            let id = try context.parameters.require("id")
            let form = try await FormBody.read(request)
            try requireCSRF(form, context)
            let reference = form.text("reference") ?? ""
            // "open" takes the item back into the public part; otherwise a paragraph of Schedule 12A.
            let choice = form.text("paragraph") ?? ""
            let paragraph: Int?
            if choice == "open" {
                paragraph = nil
            } else if let number = Int(choice) {
                paragraph = number
            } else {
                throw WebError.badRequest("choose a paragraph of Schedule 12A (1–7) or 'open', not '\(choice)'")
            }
            let expected = form["log"].flatMap(Int.init)
            try await blocking { [docket] in
                try docket.setExempt(
                    id, reference: reference, paragraph: paragraph, as: user, expectedLogLength: expected)
            }
            return Self.redirect("/meetings/\(id)")
        }

        router.post("meetings/:id/order") { request, context -> Response in
            let user = try requireUser(context)
            let id = try context.parameters.require("id")
            let form = try await FormBody.read(request)
            try requireCSRF(form, context)
            let references = (form["order"] ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" })
                .map(String.init)
            let expected = form["log"].flatMap(Int.init)
            try await blocking { [docket] in
                try docket.orderAgenda(id, references: references, as: user, expectedLogLength: expected)
            }
            return Self.redirect("/meetings/\(id)")
        }

        for format in ReportFormat.allCases {
            router.get("meetings/:id/agenda.\(format.fileExtension)") { request, context -> Response in
                let user = try requireUser(context)
                let id = try context.parameters.require("id")
                let askedPublic = request.uri.queryParameters.get("public") == "1"
                let agenda = try await blocking { [docket] in
                    try docket.renderAgenda(id, format: format, for: user, publicOnly: askedPublic)
                }
                return Self.bytes(
                    agenda.bytes, type: Self.mediaType(format),
                    fileName: "agenda-\(id)\(agenda.isPublic ? "-public" : "").\(format.fileExtension)")
            }
        }

        router.get("meetings/:id/pack.zip") { request, context -> Response in
            let user = try requireUser(context)
            let id = try context.parameters.require("id")
            let askedPublic = request.uri.queryParameters.get("public") == "1"
            let (file, isPublic) = try await blocking { [docket] in
                let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "docket-pack-\(UUID().uuidString).zip"
                ).path
                do {
                    let written = try docket.writeMeetingPack(id, for: user, publicOnly: askedPublic, to: path)
                    // Unlinked at once: the pack is streamed from the open file and is gone
                    // when the response is, even if the client goes away half way.
                    return (try OpenFile(path, unlinking: true), written.isPublic)
                } catch {
                    try? FileManager.default.removeItem(atPath: path)
                    throw error
                }
            }
            return Self.streamed(file, type: "application/zip", fileName: "pack-\(id)\(isPublic ? "-public" : "").zip")
        }

        for format in ReportFormat.allCases {
            router.get("submissions/:reference/report.\(format.fileExtension)") { _, context -> Response in
                _ = try requireUser(context)
                let reference = try context.parameters.require("reference")
                let bytes = try await blocking { [docket] in try docket.renderBoardReport(reference, format: format) }
                return Self.bytes(
                    bytes, type: Self.mediaType(format), fileName: "board-report-\(reference).\(format.fileExtension)")
            }
        }
    }

    static func mediaType(_ format: ReportFormat) -> String {
        switch format {
        case .html: return "text/html; charset=utf-8"
        case .docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
    }
}
