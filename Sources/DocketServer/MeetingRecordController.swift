import Archive
import DocketKit
import Foundation
import Hummingbird
import Workflow

/// What the clerk records of a meeting held, from its page: who attended, and each item's
/// decision with its actions. Each form carries the meeting log's length as the clerk saw it:
/// a clerk recording on a stale view is told (412) and nothing is written.
struct MeetingRecordController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive

    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .post("meetings/:id/attendance", use: attendance)
            .post("meetings/:id/decisions", use: decision)
    }

    @Sendable func attendance(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let id = try context.parameters.require("id")
        func people(_ name: String) -> [MeetingPerson] {
            Self.lines(form[name]).map(MeetingPerson.init(line:))
        }
        let attendance = MeetingAttendance(
            present: people("present"), apologies: people("apologies"), officers: people("officers"))
        let expected = form["log"].flatMap(Int.init)
        try await blocking { [docket] in
            try docket.recordAttendance(attendance, at: id, as: user, expectedLogSequence: expected)
        }
        return DocketWebApp.redirect("/meetings/\(id)#record-heading")
    }

    @Sendable func decision(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let id = try context.parameters.require("id")
        guard let type = form.text("type").flatMap(DecisionType.init(rawValue:)) else {
            throw WebError.badRequest(
                "choose the decision: \(DecisionType.allCases.map(\.words).joined(separator: ", "))")
        }
        let counts = ["for", "against", "abstentions"].map { form.text($0) }
        var vote: DecisionVote?
        if counts.contains(where: { $0 != nil }) {
            let numbers = counts.compactMap { $0.flatMap(Int.init) }
            guard numbers.count == 3 else {
                throw WebError.badRequest("a vote gives all three counts (for, against, abstaining) as numbers")
            }
            vote = DecisionVote(inFavour: numbers[0], against: numbers[1], abstentions: numbers[2])
        }
        let actionLines = Self.lines(form["actions"])
        let item = form.text("item") ?? ""
        let resolution = form["resolution"] ?? ""
        let expected = form["log"].flatMap(Int.init)
        try await blocking { [docket, vote] in
            // Inside, so that a refusal of a line is told as the library's refusals are (422).
            var actions: [ActionRequest] = []
            for line in actionLines { actions.append(try ActionRequest.parse(line)) }
            try docket.recordDecision(
                meeting: id, item: item, type: type, resolution: LineEndings.normalised(resolution), vote: vote,
                actions: actions, as: user, expectedLogSequence: expected)
        }
        return DocketWebApp.redirect("/meetings/\(id)#record-heading")
    }

    /// The non-blank lines of a text area (a browser sends CRLF).
    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}

/// What the meeting page shows of the meeting held, and the clerk's forms to record it.
struct MeetingRecordModel: Sendable {
    struct Decided: Sendable {
        var number: Int
        var title: String
        var decision: String
        var resolution: [String]
        var vote: String?
        var actions: [String]
    }

    struct Undecided: Sendable {
        var number: Int
        var title: String
    }

    var present: String
    var apologies: String
    var officers: String
    /// The same names, one per line, for the form (NAME|USER).
    var presentLines: String
    var apologiesLines: String
    var officersLines: String
    var hasAttendance: Bool
    var declarations: [String]
    var decided: [Decided]
    var undecided: [Undecided]
    var hasUndecided: Bool
    var types: [ChoiceOption]

    init(_ proceedings: MeetingProceedings, meeting: MeetingView) {
        let attendance = proceedings.attendance
        func names(_ people: [MeetingPerson]?) -> String {
            let names = (people ?? []).map(\.name)
            return names.isEmpty ? "none" : names.joined(separator: ", ")
        }
        present = names(attendance?.present)
        apologies = names(attendance?.apologies)
        officers = names(attendance?.officers)
        presentLines = (attendance?.present ?? []).map(\.line).joined(separator: "\n")
        apologiesLines = (attendance?.apologies ?? []).map(\.line).joined(separator: "\n")
        officersLines = (attendance?.officers ?? []).map(\.line).joined(separator: "\n")
        hasAttendance = attendance != nil
        declarations = proceedings.declarations.map { declaration in
            "\(declaration.member.name)" + (declaration.item.map { " (item \($0))" } ?? "")
                + ": \(declaration.interest)"
        }
        let published = meeting.items.filter(\.isPublished)
        decided = proceedings.decisions.map { decision in
            Decided(
                number: decision.item, title: published.first { $0.number == decision.item }?.title ?? "",
                decision: DocketArchive.decisionWords(decision.type),
                resolution: DocketArchive.resolutionParagraphs(decision.resolution),
                vote: decision.vote.map(DocketArchive.voteWords),
                actions: decision.actions.map {
                    "\($0.id): \($0.text) (\($0.owner), due \(Wording.longDate($0.due)))"
                        + (proceedings.isDone($0.id) ? " — done" : "")
                })
        }
        let decidedNumbers = Set(proceedings.decisions.map(\.item))
        undecided = published.filter { !decidedNumbers.contains($0.number) && !$0.isWithdrawn }.map {
            Undecided(number: $0.number, title: $0.title)
        }
        hasUndecided = !undecided.isEmpty
        types = DecisionType.allCases.map { ChoiceOption(value: $0.rawValue, selected: false) }
    }
}
