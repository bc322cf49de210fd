import Archive
import Foundation
import Workflow

/// One submission of a series, numbered within it.
public struct SeriesMember: Sendable {
    /// 1 for the first update, 2 for the second …; nil for a withdrawn submission, which
    /// keeps no number (its replacement takes it).
    public var number: Int?
    public var reference: String
    public var title: String
    public var state: String
    public var created: Date
    /// The business date it was sent (the `dispatched-on` field), once dispatched.
    public var dispatchedOn: CalendarDate?
    /// The business date the response arrived (the `received-on` field).
    public var receivedOn: CalendarDate?
    /// When it was due, by its number and the series' cadence.
    public var due: CalendarDate?
}

/// A series as it stands: its definition, default report texts, submissions and due dates.
public struct SeriesView: Sendable {
    public var id: String
    public var definition: SeriesDefinition
    public var cadence: Cadence
    /// The default text of each report section for this series' submissions.
    public var sectionDefaults: [ReportSectionName: String]
    public var members: [SeriesMember]
    /// The first update not yet dispatched: its number and due date.
    public var nextDue: (number: Int, date: CalendarDate)
    /// Whether `nextDue` has passed.
    public var isOverdue: Bool
    public var created: Date
    public var createdBy: String
}

extension DocketArchive {
    /// Defines a recurring obligation.
    ///
    /// - Parameters:
    ///   - id: letters, digits, `-`, `_`, `.`; submissions in it are referenced `ID-YEAR-NN`.
    ///   - cadence: an ISO 8601 duration such as `P6M`.
    /// - Throws: for an existing id, a bad cadence, an unknown workflow or a role that may not.
    public func addSeries(
        _ id: String, title: String, cadence: String, firstDue: CalendarDate, workflow: String,
        service: String? = nil, reportTitle: String? = nil, addressee: String? = nil, as user: String
    ) throws(DocketError) {
        let grant = try require(Self.seriesRoles, of: user, to: "define a series")
        guard ArchiveStore.isSafeName(id), id.count <= 32 else {
            throw .invalidInput("series id '\(id)' must be up to 32 letters, digits, '-', '_' or '.'")
        }
        let title = try Self.requireText(title, "the series title")
        guard !title.contains(where: \.isNewline) else { throw .invalidInput("the series title must be one line") }
        let parsed = try Cadence(iso: cadence)
        _ = try self.workflow(named: workflow)
        if let clash = store.boardLogIDs(.series).first(where: { $0.uppercased() == id.uppercased() }) {
            throw .invalidInput("series '\(clash)' already exists (series ids are compared ignoring case)")
        }
        let definition = SeriesDefinition(
            title: title, reportTitle: Self.optionalText(reportTitle), cadence: parsed.description, firstDue: firstDue,
            workflow: workflow, service: Self.optionalText(service), addressee: Self.optionalText(addressee))
        try appendBoard(.series, id, .seriesDefined(definition), user: user, grant: grant, expectingNew: true)
    }

    /// Sets the default text of a report section for every submission of the series that
    /// has no text of its own for it.
    public func setSeriesSectionDefault(
        _ id: String, section: ReportSectionName, text: String, as user: String
    ) throws(DocketError) {
        let grant = try require(Self.seriesRoles, of: user, to: "set a series' report texts")
        _ = try seriesDefinition(id)
        let text = try Self.requireSectionText(text)
        try appendBoard(.series, id, .sectionDefault(section, text: text), user: user, grant: grant)
    }

    /// The ids of every series.
    public func seriesIDs() -> [String] {
        store.boardLogIDs(.series)
    }

    /// A series' definition and default texts.
    func seriesDefinition(_ id: String) throws(DocketError) -> (
        definition: SeriesDefinition, defaults: [ReportSectionName: String], created: Date, createdBy: String
    ) {
        guard ArchiveStore.isSafeName(id) else { throw .notFound(kind: "series", id: id, known: seriesIDs()) }
        let entries = try boardLog(.series, id)
        guard let first = entries.first, case .seriesDefined(let definition) = first.entry.record else {
            throw .notFound(kind: "series", id: id, known: seriesIDs())
        }
        var defaults: [ReportSectionName: String] = [:]
        for read in entries.dropFirst() {
            if case .sectionDefault(let name, let text) = read.entry.record { defaults[name] = text }
        }
        return (definition, defaults, first.entry.time, first.entry.actor.user)
    }

    /// A series with its numbered submissions and due dates (computed again only after the
    /// archive changed).
    public func series(_ id: String) throws(DocketError) -> SeriesView {
        // Keyed by the day as well: whether the next update is overdue changes at midnight.
        try derived("series/\(id)/\(calendar.today(now()))") { () throws(DocketError) in try computeSeries(id) }
    }

    private func computeSeries(_ id: String) throws(DocketError) -> SeriesView {
        let (definition, defaults, created, createdBy) = try seriesDefinition(id)
        let cadence = try Cadence(iso: definition.cadence)
        // Members by the series their submission.xml names (not by their reference, which an
        // import may choose freely), found through the index; without it, by reading them all.
        let candidates = (try? index().references(inSeries: id)) ?? store.submissionReferences()
        var facts: [SeriesNumbering.Facts] = []
        for reference in candidates {
            let view = try submission(reference)
            guard view.record.series == id else { continue }
            facts.append(
                SeriesNumbering.Facts(
                    reference: reference, title: view.record.title, state: view.state, created: view.record.created,
                    dispatchedOn: Self.lastDateField(WorkflowField.dispatchedOn, in: view.events),
                    dispatchRecordedAt: Self.lastFieldTime(WorkflowField.dispatchedOn, in: view.events),
                    receivedOn: Self.lastDateField(WorkflowField.receivedOn, in: view.events)))
        }
        let numbering = SeriesNumbering(cadence: cadence, firstDue: definition.firstDue)
        let members = numbering.members(facts)
        let (pending, nextDate) = numbering.nextDue(after: members)
        return SeriesView(
            id: id, definition: definition, cadence: cadence, sectionDefaults: defaults, members: members,
            nextDue: (pending, nextDate), isOverdue: calendar.today(now()) > nextDate, created: created,
            createdBy: createdBy)
    }

    /// When the last transition recording a field happened.
    static func lastFieldTime(_ name: String, in events: [StoredEvent]) -> Date? {
        for event in events.reversed() {
            if case .transition(let transition) = event.body, transition.fields[name] != nil { return event.time }
        }
        return nil
    }

    /// The last value of a date field recorded by any transition (e.g. `dispatched-on`).
    static func lastDateField(_ name: String, in events: [StoredEvent]) -> CalendarDate? {
        for event in events.reversed() {
            if case .transition(let transition) = event.body, let value = transition.fields[name] {
                return CalendarDate(iso: value)
            }
        }
        return nil
    }
}
